import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AmberfloEmulator } from '../../../lib/amberflo/emulator/server.ts';
import { MAX_WRITE_RETRY_CYCLES } from '../../../lib/provisioning/workflow-runner.ts';
import { accountCreatedFactory } from '../../helpers/factories.ts';
import { type LocalAws, startLocalAws } from '../../helpers/local-aws.ts';
import {
  type Containers,
  depthOf,
  metadataOf,
  startContainers,
  startEmulator,
  waitFor,
} from './limits-fixture.ts';

const PLAN_ROUTE = 'POST /payments/pricing/amberflo/customer-pricing';
const COMMITMENT_ROUTE =
  'POST /payments/pricing/amberflo/customer-commitment/arrears_commitment_with_trueup';
const COMMITMENT = {
  label: 'Annual',
  cycles: 12,
  trueup: { minimumPayment: 1000, interval: 'MONTHLY' },
};
/** POSTs one delivery makes to a write that keeps failing: the first try and one per read→write cycle. */
const POSTS_PER_DELIVERY = MAX_WRITE_RETRY_CYCLES + 1;

/**
 * Calls one delivery makes when a write keeps failing (stated, so that a change is a decision):
 * plan: findCustomer, createCustomer, then (readPlan, assignPlan) × 3 = 8;
 * commitment: findCustomer, createCustomer, readPlan, assignPlan, then (readCommitments, createCommitment) × 3 = 10.
 */
const CALLS_PER_DELIVERY = { assignPlan: 8, createCommitment: 10 } as const;

describe('a write that keeps answering 429 or 503 (real handler, fauxqs, dynalite, emulator)', () => {
  let aws: LocalAws;
  let amberflo: AmberfloEmulator;
  let containers: Containers | undefined;

  beforeAll(async () => {
    aws = await startLocalAws({ visibilityTimeoutSeconds: 1, redriveMaxReceiveCount: 4 });
    amberflo = await startEmulator();
  });
  beforeEach(async () => {
    await aws.reset();
    amberflo.reset();
  });
  afterEach(async () => {
    await containers?.stop();
    containers = undefined;
  });
  afterAll(async () => {
    await amberflo?.stop();
    await aws?.stop();
  });

  it.each([
    ['assignPlan', PLAN_ROUTE, 429],
    ['assignPlan', PLAN_ROUTE, 503],
    ['createCommitment', COMMITMENT_ROUTE, 429],
    ['createCommitment', COMMITMENT_ROUTE, 503],
  ] as const)(
    '%s (%s) answering %i: bounded calls, waits between POSTs, dead letter with step and status',
    async (step, route, status) => {
      // Prepare
      amberflo.setFaults({
        routes: { [route]: status === 429 ? { error429: 1 } : { error503: 1 } },
        retryAfterSeconds: 1,
      });
      const id = await aws.send(
        accountCreatedFactory({
          customerId: `acct-${step}-${status}`,
          ...(step === 'createCommitment' ? { commitment: COMMITMENT } : {}),
        }),
      );
      // Act: the only allowed receive is the last, so the first failure is dead-lettered with its reason.
      containers = startContainers(aws, amberflo, { count: 1, env: { MAX_RECEIVE_COUNT: '1' } });
      const letters = await waitFor(
        async () =>
          depthOf(aws, aws.deadLetterQueue.name) > 0
            ? aws.receiveAll(aws.deadLetterQueue)
            : undefined,
        30_000,
      );
      // Assess
      const log = amberflo.requestLog();
      const posts = log.filter((entry) => entry.routeKey === route);
      expect(posts.map((entry) => entry.status)).toEqual(
        Array.from({ length: POSTS_PER_DELIVERY }, () => status),
      );
      expect(log).toHaveLength(CALLS_PER_DELIVERY[step]);
      const gaps = posts
        .slice(1)
        .map((entry, index) => entry.receivedAt - (posts[index]?.receivedAt ?? 0));
      // 429 names Retry-After: 1; the emulated 503 names none, so the backoff's floor applies (half of 500 ms).
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(status === 429 ? 1_000 : 250);
      expect(metadataOf(letters)).toEqual([
        expect.objectContaining({
          code: 'AMBERFLO_UNAVAILABLE',
          step,
          httpStatus: status,
          sourceMessageId: id,
        }),
      ]);
    },
  );
});
