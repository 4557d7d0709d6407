import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { WRITE_CLAIM_KEY_INFIX } from '../../../lib/provisioning/write-claims.ts';
import { EMULATOR_DEFAULT_PLAN_ID } from '../../../tools/amberflo-emulator/options.ts';
import type { AmberfloEmulator } from '../../../tools/amberflo-emulator/server.ts';
import { accountCreatedFactory, lambdaContextFactory } from '../../helpers/factories.ts';
import type { LocalAws } from '../../helpers/local-aws.ts';
import {
  CHANGE_PLAN,
  COMMITMENT,
  COMMITMENT_CREATE,
  COMMITMENT_LIST,
  PRICING,
  provisioningFixture,
  useProvisioningStack,
} from '../../helpers/provisioning-fixture.ts';

const API_KEY = 'read-lag-api-key-5c1e';
/** Reads show the state of 2.5 s ago: longer than the pause between two deliveries below. */
const STALE_READ_MS = 2_500;
const PAUSE_BETWEEN_DELIVERIES_MS = 300;
/** Enough receives to outlast the lag (each failed delivery takes at least the pause). */
const MAX_RECEIVE_COUNT = 20;
const RETRYABLE = ['AMBERFLO_UNAVAILABLE', 'DEPENDENCY_UNAVAILABLE', 'DUPLICATE_IN_PROGRESS'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('reads that lag writes for longer than the gap between deliveries (real handler)', () => {
  let aws: LocalAws;
  let amberflo: AmberfloEmulator;

  useProvisioningStack(API_KEY, (stack) => {
    ({ aws, amberflo } = stack);
  });

  const { handler, record, failureOf, plansOf, client, deliverUntilSettled } = provisioningFixture(
    () => ({ aws, amberflo }),
    { apiKey: API_KEY, maxReceiveCount: MAX_RECEIVE_COUNT },
  );
  /** Writes that took effect in the emulator, whatever the client was told. */
  const effectiveWrites = (path: string) =>
    amberflo
      .requestLog()
      .filter(
        (entry) =>
          entry.method === 'POST' &&
          entry.path === path &&
          (entry.handledStatus ?? entry.status) === 200,
      ).length;

  describe.each([
    ['createCustomer', '/customers', {}],
    ['replacePlan', CHANGE_PLAN, {}],
    // A customer that exists without any plan, in an account without a Default Plan: the plain assignment.
    ['assignPlan', PRICING, { REPLACEABLE_PLAN_IDS: '' }],
    ['createCommitment', COMMITMENT_CREATE, {}],
  ] as const)('at %s', (step, path, env) => {
    it.each([
      ['no fault', false],
      ['a 503 after the write took effect', true],
    ])('with %s: one write of the kind, and provisioned or a retryable code', async (_, fault) => {
      // Prepare
      const customerId = `acct-lag-${step}-${fault ? '503' : 'ok'}`;
      // A second commitment or plain assignment would succeed, so that a repeated write shows in the state.
      amberflo.setSwitches({ secondCommitment: 'replace', assignOverActivePlan: 'append' });
      if (step === 'assignPlan') {
        amberflo.setSwitches({ defaultPlanId: null, currentPlanWhenNone: '404' });
        await client().createCustomer({ customerId, customerName: 'Lagging Co' });
      }
      amberflo.setSwitches({ staleReadMs: STALE_READ_MS });
      if (fault) amberflo.failNext(`POST ${path}`, 'error-503', 1, { phase: 'after' });
      // Without a fault the plan write succeeds; the run then fails at the next read, so that the next delivery
      // reads the plan again while the write is not visible yet.
      if (!fault && step !== 'createCustomer' && step !== 'createCommitment') {
        amberflo.failNext(`GET ${COMMITMENT_LIST}`, 'error-503', 3);
      }
      const body = accountCreatedFactory({ customerId, commitment: COMMITMENT });
      // Act
      let settledAt: number | undefined;
      try {
        settledAt = await deliverUntilSettled(body, { env, pauseMs: PAUSE_BETWEEN_DELIVERIES_MS });
      } catch {
        settledAt = undefined;
      }
      // Assess
      const posts = amberflo.requestLog().filter((e) => e.method === 'POST' && e.path === path);
      if (fault) expect(posts.some((entry) => entry.fault === 'error-503')).toBe(true);
      expect(effectiveWrites(path)).toBe(1);
      expect(amberflo.state().customers.filter((c) => c.customerId === customerId)).toHaveLength(1);
      expect(plansOf(customerId).filter((plan) => plan === 'plan-pro')).toHaveLength(1);
      expect(effectiveWrites(COMMITMENT_CREATE)).toBeLessThanOrEqual(1);
      const deadLetters = await aws.receiveAll(aws.deadLetterQueue);
      for (const deadLetter of deadLetters) {
        expect(RETRYABLE).toContain(failureOf(deadLetter)?.code);
      }
      if (deadLetters.length === 0) {
        expect(settledAt).toBeDefined();
        expect(effectiveWrites(COMMITMENT_CREATE)).toBe(1);
        expect(plansOf(customerId).at(-1)).toBe('plan-pro');
      }
    });
  });

  it('never assigns over the Default Plan that reads do not show yet right after the create', async () => {
    // Prepare: a customer without a plan answers 404, and the Default Plan of a new customer is not visible yet.
    amberflo.setSwitches({ currentPlanWhenNone: '404', staleReadMs: 1_500 });
    const body = accountCreatedFactory({ customerId: 'acct-default-lag' });
    // Act
    const settledAt = await deliverUntilSettled(body, { pauseMs: PAUSE_BETWEEN_DELIVERIES_MS });
    // Assess
    expect(settledAt).toBeGreaterThan(1);
    expect(amberflo.requestLog().filter((e) => e.routeKey === `POST ${PRICING}`)).toEqual([]);
    expect(effectiveWrites(CHANGE_PLAN)).toBe(1);
    expect(plansOf('acct-default-lag')).toEqual([EMULATOR_DEFAULT_PLAN_ID, 'plan-pro']);
  });

  it('lets only one of two concurrent copies write, when the first copy lost its idempotency record', async () => {
    // Prepare: the first copy's create is slow to be applied.
    const body = accountCreatedFactory({ customerId: 'acct-twins' });
    amberflo.failNext('POST /customers', 'latency', 1, { latencyMs: 1_500 });
    // Act
    const first = handler()({ Records: [record(body, 1, 'first')] }, lambdaContextFactory());
    // Bounded wait until the first copy has claimed its create (it is now waiting for Amberflo's answer).
    for (let poll = 0; poll < 100 && (await aws.writeClaims()).length === 0; poll++) {
      await sleep(20);
    }
    // Its in-progress idempotency record is gone (expired lock, lost table item): nothing stops the second copy.
    for (const id of await idempotencyRecordIds()) {
      await aws.dynamodb.send(
        new DeleteItemCommand({ TableName: aws.tableName, Key: { id: { S: id } } }),
      );
    }
    const second = await handler()(
      { Records: [record(body, 1, 'second')] },
      lambdaContextFactory(),
    );
    const firstResponse = await first;
    // Assess
    expect(firstResponse.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: 'second' }]);
    expect(amberflo.requestLog().filter((e) => e.routeKey === 'POST /customers')).toHaveLength(1);
    expect(plansOf('acct-twins')).toEqual([EMULATOR_DEFAULT_PLAN_ID, 'plan-pro']);
    expect(await aws.receiveAll(aws.deadLetterQueue)).toEqual([]);
  });

  it('writes again once the settle time has passed, when the first write truly failed', async () => {
    // Prepare: every create of the first delivery fails before it takes effect.
    const settle = { WRITE_SETTLE_SECONDS: '1' };
    const body = accountCreatedFactory({ customerId: 'acct-settle' });
    amberflo.failNext('POST /customers', 'error-503', 3);
    const creates = () =>
      amberflo.requestLog().filter((e) => e.routeKey === 'POST /customers').length;
    // Act
    const first = await handler(settle)(
      { Records: [record(body, 1, 'settle')] },
      lambdaContextFactory(),
    );
    const createsAfterFirst = creates();
    const tooSoon = await handler(settle)(
      { Records: [record(body, 2, 'settle')] },
      lambdaContextFactory(),
    );
    const createsAfterTooSoon = creates();
    await sleep(1_100);
    const settled = await handler(settle)(
      { Records: [record(body, 3, 'settle')] },
      lambdaContextFactory(),
    );
    // Assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'settle' }]);
    expect(createsAfterFirst).toBe(3);
    expect(tooSoon.batchItemFailures).toEqual([{ itemIdentifier: 'settle' }]);
    expect(createsAfterTooSoon).toBe(createsAfterFirst);
    expect(settled.batchItemFailures).toEqual([]);
    expect(creates()).toBe(createsAfterFirst + 1);
    expect(plansOf('acct-settle')).toEqual([EMULATOR_DEFAULT_PLAN_ID, 'plan-pro']);
  });

  const idempotencyRecordIds = async (): Promise<string[]> => {
    const { Items = [] } = await aws.dynamodb.send(
      new ScanCommand({ TableName: aws.tableName, ConsistentRead: true }),
    );
    return Items.map((item) => item['id']?.S ?? '').filter(
      (id) => id !== '' && !id.includes(WRITE_CLAIM_KEY_INFIX),
    );
  };
});
