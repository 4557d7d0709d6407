import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type AmberfloHttp, createAmberfloHttp } from '../../../lib/amberflo/http.ts';
import { isAppError } from '../../../lib/errors.ts';
import type { AmberfloEmulator } from '../../../tools/amberflo-emulator/server.ts';
import { type AmberfloClient, createAmberfloClient } from '../../helpers/amberflo-client.ts';
import { captureError, startAmberfloFixture, uniqueId } from '../../helpers/amberflo-fixtures.ts';

/** What a target can be asked to do; the live account decides its own plans and default plan. */
type ContractConfig = {
  readonly plans?: readonly [string, string];
  readonly defaultPlanId?: string;
  readonly commitments: boolean;
};

type Target = {
  readonly http: AmberfloHttp;
  readonly client: AmberfloClient;
  readonly wrongKeyClient: AmberfloClient;
  readonly stop: () => Promise<void>;
};

const env = z
  .object({
    AMBERFLO_LIVE: z.string().optional(),
    AMBERFLO_API_KEY: z.string().optional(),
    AMBERFLO_BASE_URL: z.string().optional(),
    AMBERFLO_LIVE_PLAN_IDS: z.string().optional(),
    AMBERFLO_LIVE_DEFAULT_PLAN_ID: z.string().optional(),
    AMBERFLO_LIVE_COMMITMENTS: z.string().optional(),
  })
  .parse(process.env);
const live = env.AMBERFLO_LIVE === '1' && (env.AMBERFLO_API_KEY ?? '') !== '';
const livePlans = (env.AMBERFLO_LIVE_PLAN_IDS ?? '').split(',').filter((id) => id !== '');

/**
 * One statement of Amberflo's behaviour (docs/amberflo-api.md), run through the typed client against every target:
 * the emulator always, the real API when AMBERFLO_LIVE=1 and AMBERFLO_API_KEY are set.
 */
const defineContract = (name: string, config: ContractConfig, start: () => Promise<Target>) => {
  describe(name, () => {
    let target: Target;
    const created: string[] = [];

    const newCustomer = async (): Promise<string> => {
      const customerId = uniqueId('contract');
      await target.client.createCustomer({ customerId, customerName: `Contract ${customerId}` });
      created.push(customerId);
      return customerId;
    };

    beforeAll(async () => {
      target = await start();
    });

    afterAll(async () => {
      for (const customerId of created) {
        await target.client.deleteCustomer(customerId).catch(() => undefined);
      }
      await target.stop();
    });

    it('answers 200 {} for a missing customer, which the client reads as not found', async () => {
      // Prepare
      const customerId = uniqueId('missing');
      // Act
      const raw = await target.http.request({
        method: 'GET',
        path: '/customers',
        searchParams: { customerId },
      });
      const customer = await target.client.getCustomer(customerId);
      // Assess
      expect(raw.status).toBe(200);
      expect(JSON.parse(raw.bodyText)).toEqual({});
      expect(customer).toBeUndefined();
    });

    it('refuses a wrong API key with AMBERFLO_AUTH', async () => {
      // Act
      const error = await captureError(() => target.wrongKeyClient.getCustomer(uniqueId('any')));
      // Assess
      expect(isAppError(error) && error.code).toBe('AMBERFLO_AUTH');
      expect(isAppError(error) && [401, 403].includes(error.details.httpStatus ?? 0)).toBe(true);
    });

    it('creates a customer with 200 and reads it back, times in milliseconds', async () => {
      // Prepare
      const customerId = uniqueId('create');
      // Act
      const createdCustomer = await target.client.createCustomer({
        customerId,
        customerName: 'Contract Create',
        customerEmail: 'billing@example.com',
      });
      created.push(customerId);
      const read = await target.client.getCustomer(customerId);
      // Assess
      expect(createdCustomer.customerId).toBe(customerId);
      expect(read?.customerName).toBe('Contract Create');
      expect(read?.enabled).toBe(true);
      expect(read?.createTime).toBeGreaterThan(1e12);
    });

    it('rejects a duplicate create with AMBERFLO_REJECTED, 400 and "already exists"', async () => {
      // Prepare
      const customerId = await newCustomer();
      // Act
      const error = await captureError(() =>
        target.client.createCustomer({ customerId, customerName: 'Again' }),
      );
      // Assess
      expect(isAppError(error) && error.code).toBe('AMBERFLO_REJECTED');
      expect(isAppError(error) && error.details.httpStatus).toBe(400);
      expect(isAppError(error) && error.details.amberfloMessage).toMatch(/already exists/i);
    });

    it('gives a new customer the account default plan', async () => {
      // Act
      const customerId = await newCustomer();
      const current = await target.client.getCurrentPlan(customerId);
      const history = await target.client.getPlanHistory(customerId);
      // Assess
      expect(current).toBeDefined();
      expect(history).toHaveLength(1);
      if (config.defaultPlanId !== undefined)
        expect(current?.productPlanId).toBe(config.defaultPlanId);
    });

    it.runIf(config.plans !== undefined)(
      'reads an assigned plan back with its productPlanId and times in seconds',
      async () => {
        // Prepare
        const customerId = await newCustomer();
        const [planA] = config.plans ?? ['', ''];
        const startTimeInSeconds = Math.floor(Date.now() / 1000);
        // Act
        const assigned = await target.client.assignPlan({
          customerId,
          productPlanId: planA,
          startTimeInSeconds,
        });
        const current = await target.client.getCurrentPlan(customerId);
        // Assess
        expect(assigned.productPlanId).toBe(planA);
        expect(assigned.productId).toBe('1');
        expect(current?.productPlanId).toBe(planA);
        expect(current?.startTimeInSeconds).toBe(startTimeInSeconds);
        expect(current?.createdTimeInSeconds).toBeLessThan(1e11);
      },
    );

    it.runIf(config.plans !== undefined)('keeps the plan history oldest first', async () => {
      // Prepare
      const customerId = await newCustomer();
      const [planA, planB] = config.plans ?? ['', ''];
      // Act
      await target.client.assignPlan({ customerId, productPlanId: planA });
      await target.client.assignPlan({ customerId, productPlanId: planB });
      const history = await target.client.getPlanHistory(customerId);
      // Assess
      expect(history.slice(-2).map((relation) => relation.productPlanId)).toEqual([planA, planB]);
      expect(history.every((relation) => relation.customerId === customerId)).toBe(true);
    });

    it.runIf(config.commitments && config.plans !== undefined)(
      'creates one commitment and rejects a second while it is active',
      async () => {
        // Prepare
        const customerId = await newCustomer();
        const [planA] = config.plans ?? ['', ''];
        const input = {
          customerId,
          planId: planA,
          label: 'Annual',
          cycles: 12,
          trueup: { minimumPayment: 1000 },
        };
        // Act
        const first = await target.client.createArrearsCommitment(input);
        const second = await captureError(() => target.client.createArrearsCommitment(input));
        const listed = await target.client.listCommitments(customerId);
        // Assess
        expect(first.contract.customerId).toBe(customerId);
        expect(first.creationTimeInSeconds).toBeLessThan(1e11);
        expect(isAppError(second) && second.code).toBe('AMBERFLO_REJECTED');
        expect(isAppError(second) && second.details.httpStatus).toBe(400);
        expect(listed.map((commitment) => commitment.contract.id)).toEqual([first.contract.id]);
      },
    );

    it.runIf(config.commitments && config.plans !== undefined)(
      "lists only the customer's own commitments",
      async () => {
        // Prepare
        const [one, other] = [await newCustomer(), await newCustomer()];
        const [planA] = config.plans ?? ['', ''];
        for (const customerId of [one, other]) {
          await target.client.createArrearsCommitment({
            customerId,
            planId: planA,
            label: 'Annual',
            cycles: 12,
            trueup: { minimumPayment: 10 },
          });
        }
        // Act
        const listed = await target.client.listCommitments(one);
        // Assess
        expect(listed).toHaveLength(1);
        expect(listed[0]?.contract.customerId).toBe(one);
      },
    );
  });
};

defineContract(
  'Amberflo contract against the emulator',
  { plans: ['plan-a', 'plan-b'], defaultPlanId: 'default-plan', commitments: true },
  async () => {
    let emulator: AmberfloEmulator | undefined;
    const fixture = await startAmberfloFixture({ defaultPlanId: 'default-plan' });
    emulator = fixture.emulator;
    const wrongKeyHttp = createAmberfloHttp({
      baseUrl: emulator.url,
      getApiKey: () => 'wrong-key-0000',
      timeoutMs: 2_000,
    });
    return {
      http: fixture.http,
      client: fixture.client,
      wrongKeyClient: createAmberfloClient(wrongKeyHttp),
      stop: async () => {
        await emulator?.stop();
        emulator = undefined;
      },
    };
  },
);

describe.runIf(live)('live Amberflo (AMBERFLO_LIVE=1)', () => {
  const baseUrl = env.AMBERFLO_BASE_URL ?? 'https://app.amberflo.io';
  const apiKey = env.AMBERFLO_API_KEY ?? '';
  const plans =
    livePlans.length >= 2 ? ([livePlans[0], livePlans[1]] as [string, string]) : undefined;
  defineContract(
    'Amberflo contract against the live API',
    {
      ...(plans === undefined ? {} : { plans }),
      ...(env.AMBERFLO_LIVE_DEFAULT_PLAN_ID === undefined
        ? {}
        : { defaultPlanId: env.AMBERFLO_LIVE_DEFAULT_PLAN_ID }),
      commitments: env.AMBERFLO_LIVE_COMMITMENTS === '1',
    },
    async () => {
      const http = createAmberfloHttp({ baseUrl, getApiKey: () => apiKey, timeoutMs: 10_000 });
      const wrongKeyHttp = createAmberfloHttp({
        baseUrl,
        getApiKey: () => 'invalid-key-0000',
        timeoutMs: 10_000,
      });
      return {
        http,
        client: createAmberfloClient(http),
        wrongKeyClient: createAmberfloClient(wrongKeyHttp),
        stop: async () => undefined,
      };
    },
  );
});
