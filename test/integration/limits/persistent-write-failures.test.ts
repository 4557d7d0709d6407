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
 * within a delivery (README, "No write twice, also across deliveries"); without write claims each delivery that
 * reaches the write would make exactly one POST of it:
 * replacePlan: findCustomer, createCustomer, readPlan, write; then findCustomer, readPlan, write on each later
 * delivery = 4 + 3 + 3 = 10.
 * assignPlan: the first delivery creates the customer and its "no plan" is not believed right after the create
 * (findCustomer, createCustomer, readPlan); then findCustomer, readPlan, write = 3 + 3 + 3 = 9.
 * createCommitment: findCustomer, createCustomer, readPlan, replacePlan, readCommitments, write; then findCustomer,
 * readPlan, readCommitments, write = 6 + 4 + 4 = 14.
 * A 429 or 503 may come after the write took effect: its write claim keeps every later delivery from sending the
 * write again within WRITE_SETTLE_SECONDS, so there is one POST in all and each later delivery makes one call fewer.
 */
const CALLS_WITHOUT_CLAIMS = { assignPlan: 9, replacePlan: 10, createCommitment: 14 } as const;
const DELIVERIES_REACHING_THE_WRITE = {
  assignPlan: RECEIVES - 1,
  replacePlan: RECEIVES,
  createCommitment: RECEIVES,
} as const;
/** Longer than the backoff's first two steps (1 s and 2 s), so that only a delay honouring it reaches it. */
const RETRY_AFTER_SECONDS = 3;
/**
 * The redelivery delays (s) after receives 1 and 2. The write's 429 names Retry-After 3, which floors the delay after
 * the delivery that got it; a claim refusal or an unbelieved "no plan" names none, so the backoff's own step applies
 * (1 s, then 2 s, jittered down by at most 20 % and rounded up). assignPlan reaches its write on the second delivery.
 */
const DELAYS = {
  assignPlan: { 429: [1, 3], 503: [1, 2] },
  replacePlan: { 429: [3, 2], 503: [1, 2] },
  createCommitment: { 429: [3, 2], 503: [1, 2] },
} as const;

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
    '%s (%s) answering %i: one POST in all (its claim holds), later deliveries spaced, dead letter with step and reason',
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
        overrides: {
          redelivery: {
            defer: async (record, delaySeconds) => {
              delays.push(delaySeconds);
              await sqsRedelivery.defer(record, delaySeconds);
            },
          },
        },
        env: {
          MAX_RECEIVE_COUNT: String(RECEIVES),
          RETRY_BACKOFF_BASE_SECONDS: '1',
          // An account without a Default Plan: "no plan" is believed for a customer created earlier.
          ...(step === 'assignPlan' ? { REPLACEABLE_PLAN_IDS: '' } : {}),
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
      expect(posts.map((entry) => entry.status)).toEqual([status]);
      expect(log).toHaveLength(
        CALLS_WITHOUT_CLAIMS[step] - (DELIVERIES_REACHING_THE_WRITE[step] - 1),
      );
      // Each delivery starts with findCustomer; every redelivery waits at least 80 % of 1 s × 2^(n−1).
      const starts = log.filter((entry) => entry.routeKey === 'GET /customers');
      expect(starts).toHaveLength(RECEIVES);
      const gaps = starts
        .slice(1)
        .map((entry, index) => entry.receivedAt - (starts[index]?.receivedAt ?? 0));
      expect(delays).toEqual(DELAYS[step][status]);
      for (const [index, gap] of gaps.entries()) {
        expect(gap).toBeGreaterThanOrEqual((DELAYS[step][status][index] ?? 1) * 800);
      }
      expect(metadataOf(letters)).toEqual([
        expect.objectContaining({
          code: 'AMBERFLO_UNAVAILABLE',
          step,
          sourceMessageId: id,
          message: expect.stringContaining('is not visible to reads yet'),
        }),
      ]);
    },
  );
});
