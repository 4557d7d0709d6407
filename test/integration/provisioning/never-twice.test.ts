import { describe, expect, it } from 'vitest';
import {
  EMULATOR_DEFAULT_PLAN_ID,
  type FaultKind,
} from '../../../tools/amberflo-emulator/options.ts';
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

const API_KEY = 'never-twice-api-key-81d2';
const MAX_RECEIVE_COUNT = 4;

describe('never write twice, never replace a chosen plan, never hide the reason (real handler)', () => {
  let aws: LocalAws;
  let amberflo: AmberfloEmulator;

  useProvisioningStack(
    API_KEY,
    (stack) => {
      ({ aws, amberflo } = stack);
    },
    { metricsOff: true },
  );

  const { handler, record, failureOf, plansOf, client, deliverUntilSettled } = provisioningFixture(
    () => ({ aws, amberflo }),
    { apiKey: API_KEY, maxReceiveCount: MAX_RECEIVE_COUNT, env: { BATCH_CONCURRENCY: '2' } },
  );

  describe('plan policy', () => {
    it('dead-letters PLAN_CONFLICT with both plan ids when sales already chose a plan, and writes nothing', async () => {
      // Prepare
      await client().createCustomer({ customerId: 'acct-sales', customerName: 'Sales Co' });
      await client().assignPlan({ customerId: 'acct-sales', productPlanId: 'plan-enterprise' });
      amberflo.clearRequestLog();
      const message = record(
        accountCreatedFactory({ customerId: 'acct-sales', productId: 'plan-pro' }),
      );
      // Act
      const response = await handler()({ Records: [message] }, lambdaContextFactory());
      // Assess
      expect(response.batchItemFailures).toEqual([]);
      const [deadLetter] = await aws.receiveAll(aws.deadLetterQueue);
      const failure = failureOf(deadLetter);
      expect(failure).toMatchObject({ code: 'PLAN_CONFLICT', step: 'readPlan' });
      expect(failure?.message).toContain('"plan-enterprise"');
      expect(failure?.message).toContain('"plan-pro"');
      expect(plansOf('acct-sales')).toEqual([EMULATOR_DEFAULT_PLAN_ID, 'plan-enterprise']);
      expect(amberflo.requestLog().filter((entry) => entry.method !== 'GET')).toEqual([]);
      expect(await aws.idempotencyRecords()).toBe(0);
    });

    it('dead-letters PLAN_CONFLICT for an old message replayed after someone changed the plan', async () => {
      // Prepare
      const body = accountCreatedFactory({ customerId: 'acct-replayed', productId: 'plan-basic' });
      await handler()({ Records: [record(body)] }, lambdaContextFactory());
      // A person moves the customer to another plan in Amberflo.
      await client().assignPlan({ customerId: 'acct-replayed', productPlanId: 'plan-pro' });
      // The idempotency record expired (30 days) before the replay.
      await aws.reset();
      // Act
      const response = await handler()({ Records: [record(body, 1)] }, lambdaContextFactory());
      // Assess
      expect(response.batchItemFailures).toEqual([]);
      const [deadLetter] = await aws.receiveAll(aws.deadLetterQueue);
      expect(failureOf(deadLetter)).toMatchObject({ code: 'PLAN_CONFLICT' });
      expect(plansOf('acct-replayed').at(-1)).toBe('plan-pro');
      expect(plansOf('acct-replayed').filter((plan) => plan === 'plan-basic')).toHaveLength(1);
    });

    it('replaces the Default Plan exactly once, also across redeliveries', async () => {
      // Prepare
      const body = accountCreatedFactory({ customerId: 'acct-default' });
      // Act
      await handler()({ Records: [record(body)] }, lambdaContextFactory());
      await aws.reset();
      await handler()({ Records: [record(body, 2)] }, lambdaContextFactory());
      // Assess
      expect(plansOf('acct-default')).toEqual([EMULATOR_DEFAULT_PLAN_ID, 'plan-pro']);
      expect(amberflo.requestCounts()[`POST ${CHANGE_PLAN}`]).toBe(1);
      expect(amberflo.requestCounts()[`POST ${PRICING}`]).toBeUndefined();
    });
  });

  describe("Amberflo's reason reaches the dead letter", () => {
    it("keeps a refused create as AMBERFLO_REJECTED at createCustomer with Amberflo's message", async () => {
      // Prepare
      amberflo.setSwitches({ blockedEmailDomains: ['blocked.example'] });
      const message = record(
        accountCreatedFactory({ customerId: 'acct-blocked', customerEmail: 'a@blocked.example' }),
      );
      // Act
      const response = await handler()({ Records: [message] }, lambdaContextFactory());
      // Assess
      expect(response.batchItemFailures).toEqual([]);
      const [deadLetter] = await aws.receiveAll(aws.deadLetterQueue);
      expect(failureOf(deadLetter)).toMatchObject({
        code: 'AMBERFLO_REJECTED',
        step: 'createCustomer',
        httpStatus: 400,
      });
      expect(failureOf(deadLetter)?.message).toContain('customerEmail domain is blocked');
    });

    it('keeps the original reason when the idempotency record cannot be deleted afterwards', async () => {
      // Prepare
      amberflo.setSwitches({ blockedEmailDomains: ['blocked.example'] });
      const name = 'failDeleteItem';
      aws.dynamodb.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'DeleteItemCommand') throw new Error('DynamoDB is down');
          return next(args);
        },
        { step: 'initialize', name },
      );
      const message = record(
        accountCreatedFactory({ customerId: 'acct-blocked-2', customerEmail: 'a@blocked.example' }),
      );
      // Act
      try {
        await handler()({ Records: [message] }, lambdaContextFactory());
      } finally {
        aws.dynamodb.middlewareStack.remove(name);
      }
      // Assess
      const [deadLetter] = await aws.receiveAll(aws.deadLetterQueue);
      expect(failureOf(deadLetter)).toMatchObject({
        code: 'AMBERFLO_REJECTED',
        step: 'createCustomer',
      });
    });
  });

  describe('conflicts only against completed work', () => {
    it('retries a conflicting message that met a run in progress; after the holder fails it is provisioned', async () => {
      // Prepare
      const first = record(
        accountCreatedFactory({ customerId: 'acct-race', productId: 'plan-pro' }),
        1,
        'holder',
      );
      const second = record(
        accountCreatedFactory({ customerId: 'acct-race', productId: 'plan-basic' }),
        1,
        'latecomer',
      );
      amberflo.failNext('GET /customers', 'latency', 1, { latencyMs: 300 });
      amberflo.failNext(`POST ${CHANGE_PLAN}`, 'error-503', 1);
      // The holder's change-plan write answered 503: it may have happened, so its claim holds for the settle time.
      const settled = { WRITE_SETTLE_SECONDS: '1' };
      // Act
      const response = await handler(settled)({ Records: [first, second] }, lambdaContextFactory());
      const deadLettersMeanwhile = await aws.receiveAll(aws.deadLetterQueue);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const redelivery = await handler(settled)(
        { Records: [record(JSON.parse(second.body), 2, 'latecomer')] },
        lambdaContextFactory(),
      );
      // Assess
      expect(response.batchItemFailures.map((item) => item.itemIdentifier).sort()).toEqual([
        'holder',
        'latecomer',
      ]);
      expect(deadLettersMeanwhile).toEqual([]);
      expect(redelivery.batchItemFailures).toEqual([]);
      expect(plansOf('acct-race')).toEqual([EMULATOR_DEFAULT_PLAN_ID, 'plan-basic']);
    });
  });

  describe('degraded reads and uncertain writes at every step', () => {
    const READS: readonly (readonly [string, string])[] = [
      ['findCustomer', 'GET /customers'],
      ['readPlan', `GET ${PRICING}`],
      ['readCommitments', `GET ${COMMITMENT_LIST}`],
    ];
    const WRITES: readonly (readonly [string, string])[] = [
      ['createCustomer', 'POST /customers'],
      ['replacePlan', `POST ${CHANGE_PLAN}`],
      ['createCommitment', `POST ${COMMITMENT_CREATE}`],
    ];
    const BAD_200: readonly FaultKind[] = ['html-200', 'empty-200', 'malformed-json'];
    const cases = [
      ...READS.flatMap(([step, route]) =>
        [...BAD_200, 'error-503' as const].map((kind) => [step, route, kind, 'before'] as const),
      ),
      ...WRITES.flatMap(([step, route]) =>
        [...BAD_200, 'error-503' as const, 'drop' as const].map(
          (kind) => [step, route, kind, 'after'] as const,
        ),
      ),
    ];

    it.each(cases)(
      '%s: %s answers %s (%s): one customer, one plan change, one commitment, or a dead letter with a retryable code',
      async (step, route, kind, phase) => {
        // Prepare
        const customerId = `acct-${step}-${kind}`;
        amberflo.failNext(route, kind, 3, { phase });
        amberflo.setSwitches({ staleReadMs: 150 });
        const body = accountCreatedFactory({ customerId, commitment: COMMITMENT });
        // Act
        let settledAt: number | undefined;
        try {
          settledAt = await deliverUntilSettled(body, { pauseMs: 200 });
        } catch {
          settledAt = undefined;
        }
        // Assess
        expect(
          amberflo.requestLog().filter((entry) => entry.fault === kind).length,
        ).toBeGreaterThan(0);
        expect(amberflo.state().customers.filter((c) => c.customerId === customerId)).toHaveLength(
          1,
        );
        expect(
          plansOf(customerId).filter((plan) => plan === 'plan-pro').length,
        ).toBeLessThanOrEqual(1);
        expect(amberflo.state().commitments.length).toBeLessThanOrEqual(1);
        const deadLetters = await aws.receiveAll(aws.deadLetterQueue);
        if (deadLetters.length > 0) {
          expect(failureOf(deadLetters[0])?.code).toBe('AMBERFLO_UNAVAILABLE');
        } else {
          expect(settledAt).toBeDefined();
          expect(plansOf(customerId)).toEqual([EMULATOR_DEFAULT_PLAN_ID, 'plan-pro']);
          expect(amberflo.state().commitments).toHaveLength(1);
        }
      },
    );
  });
});
