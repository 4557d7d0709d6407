import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSqsRedelivery } from '../../../lib/provisioning/redelivery.ts';
import type { AmberfloEmulator } from '../../../tools/amberflo-emulator/server.ts';
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
const REPLACE_ROUTE = 'POST /payments/pricing/amberflo/customer-pricing/product-plan-cancellation';
const COMMITMENT_ROUTE =
  'POST /payments/pricing/amberflo/customer-commitment/arrears_commitment_with_trueup';
const COMMITMENT = {
  label: 'Annual',
  cycles: 12,
  trueup: { minimumPayment: 1000, interval: 'MONTHLY' },
};
/** Deliveries before the function dead-letters the record itself. */
const RECEIVES = 3;

/**
 * Calls per record when one write keeps failing (stated, so that a change is a decision). A write is never repeated
 * within a delivery (README, "No write twice in a run"), so each delivery makes exactly one POST of it:
 * assignPlan / replacePlan: findCustomer, createCustomer, readPlan, write; then findCustomer, readPlan, write on each
 * later delivery = 4 + 3 + 3 = 10.
 * createCommitment: findCustomer, createCustomer, readPlan, replacePlan, readCommitments, write; then findCustomer,
 * readPlan, readCommitments, write = 6 + 4 + 4 = 14.
 */
const CALLS_PER_RECORD = { assignPlan: 10, replacePlan: 10, createCommitment: 14 } as const;
/** Longer than the backoff's first two steps (1 s and 2 s), so that only a delay honouring it reaches it. */
const RETRY_AFTER_SECONDS = 3;

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
    ['replacePlan', REPLACE_ROUTE, 429],
    ['replacePlan', REPLACE_ROUTE, 503],
    ['createCommitment', COMMITMENT_ROUTE, 429],
    ['createCommitment', COMMITMENT_ROUTE, 503],
  ] as const)(
    '%s (%s) answering %i: one POST per delivery, waits between them, dead letter with step and status',
    async (step, route, status) => {
      // Prepare: without a Default Plan the customer has no plan (read as 404), so the plan is assigned, not replaced.
      if (step === 'assignPlan') {
        amberflo.setSwitches({ defaultPlanId: null, currentPlanWhenNone: '404' });
      }
      amberflo.setFaults({
        routes: { [route]: status === 429 ? { error429: 1 } : { error503: 1 } },
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
      const id = await aws.send(
        accountCreatedFactory({
          customerId: `acct-${step}-${status}`,
          ...(step === 'createCommitment' ? { commitment: COMMITMENT } : {}),
        }),
      );
      // Act: the redelivery backoff at a 1 s base spaces the deliveries; the last one dead-letters the record.
      const delays: number[] = [];
      const sqsRedelivery = createSqsRedelivery(aws.sqs);
      containers = startContainers(aws, amberflo, {
        count: 1,
        env: { MAX_RECEIVE_COUNT: String(RECEIVES), RETRY_BACKOFF_BASE_SECONDS: '1' },
        overrides: {
          redelivery: {
            defer: async (record, delaySeconds) => {
              delays.push(delaySeconds);
              await sqsRedelivery.defer(record, delaySeconds);
            },
          },
        },
      });
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
        Array.from({ length: RECEIVES }, () => status),
      );
      expect(log).toHaveLength(CALLS_PER_RECORD[step]);
      const gaps = posts
        .slice(1)
        .map((entry, index) => entry.receivedAt - (posts[index]?.receivedAt ?? 0));
      // The 429 names a Retry-After longer than the backoff's steps: each redelivery is delayed by it (the bucket's
      // pause alone would also space the POSTs, so the delays are what shows the redelivery honouring it). The 503
      // names none: the backoff's own steps, 1 s and 2 s (jittered down by at most 20 %, rounded up).
      expect(delays).toEqual(status === 429 ? [3, 3] : [1, 2]);
      for (const gap of gaps) {
        expect(gap).toBeGreaterThanOrEqual(status === 429 ? RETRY_AFTER_SECONDS * 1_000 : 800);
      }
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
