import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorSwitchesInput } from '../../../tools/amberflo-emulator/options.ts';
import { EMULATOR_DEFAULT_PLAN_ID } from '../../../tools/amberflo-emulator/options.ts';
import {
  type AmberfloEmulator,
  startAmberfloEmulator,
} from '../../../tools/amberflo-emulator/server.ts';
import { TEST_API_KEY } from '../../helpers/amberflo-fixtures.ts';

type Answer = { status: number; text: string; json: unknown; headers: Headers };

const PRICING = '/payments/pricing/amberflo/customer-pricing';
const COMMITMENT = '/payments/pricing/amberflo/customer-commitment';
const commitmentBody = (customerId: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  planId: 'plan-c',
  label: 'Annual',
  cycles: 12,
  trueup: { minimumPayment: 100 },
  ...extra,
});

describe('Amberflo emulator', () => {
  let emulator: AmberfloEmulator;

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    key: string | null = TEST_API_KEY,
  ): Promise<Answer> => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(key === null ? {} : { 'X-Api-Key': key }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(2_000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json, headers: response.headers };
  };

  const createCustomer = (customerId: string, extra: Record<string, unknown> = {}) =>
    call('POST', '/customers', { customerId, customerName: `Name ${customerId}`, ...extra });

  const configure = (switches: EmulatorSwitchesInput) => emulator.setSwitches(switches);

  beforeAll(async () => {
    emulator = await startAmberfloEmulator({ apiKey: TEST_API_KEY, now: () => 1_750_000_000_123 });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.stop());

  describe('general rules', () => {
    it.each([
      [null, 401],
      ['wrong-key', 401],
    ])('refuses key %s with %i and an errorMessage', async (key, status) => {
      // Act
      const answer = await call('GET', '/customers?customerId=a', undefined, key);
      // Assess
      expect(answer.status).toBe(status);
      expect(answer.json).toEqual({ errorMessage: expect.any(String) });
    });

    it('accepts the key header in any case', async () => {
      // Act
      const answer = await call('GET', '/customers?customerId=a');
      // Assess
      expect(answer.status).toBe(200);
    });

    it('answers 404 for unknown routes', async () => {
      // Act
      const answer = await call('GET', '/payments/unknown');
      // Assess
      expect(answer.status).toBe(404);
      expect(answer.json).toHaveProperty('errorMessage');
    });

    it('answers 400 for a malformed JSON body', async () => {
      // Act
      const answer = await call('POST', '/customers', '{"customerId":');
      // Assess
      expect(answer.status).toBe(400);
    });

    it('creates on /customers/ too, with ms times, id, enabled and the Stripe trait', async () => {
      // Act
      const answer = await call('POST', '/customers/?autoCreateCustomerInStripe=true', {
        customerId: 'a',
        customerName: 'A',
      });
      // Assess
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        id: 'a',
        customerId: 'a',
        enabled: true,
        createTime: 1_750_000_000_123,
        updateTime: 1_750_000_000_123,
        traits: { stripeId: expect.any(String) },
      });
    });

    it.each([
      ['no customerName', { customerId: 'a' }],
      ['an empty customerId', { customerId: ' ', customerName: 'A' }],
      ['a non-string trait', { customerId: 'a', customerName: 'A', traits: { tier: 3 } }],
      ['an empty email', { customerId: 'a', customerName: 'A', customerEmail: '' }],
    ])('rejects a create with %s', async (_name, body) => {
      // Act
      const answer = await call('POST', '/customers', body);
      // Assess
      expect(answer.status).toBe(400);
      expect(emulator.state().customers).toHaveLength(0);
    });

    it('replaces a customer fully on PUT, clearing omitted traits', async () => {
      // Prepare
      await createCustomer('a', { traits: { tier: 'gold' } });
      // Act
      const answer = await call('PUT', '/customers', { customerId: 'a', customerName: 'Renamed' });
      // Assess
      expect(answer.json).toMatchObject({ customerName: 'Renamed', traits: {} });
    });

    it('moves the lifecycle stage forward only', async () => {
      // Prepare
      await createCustomer('a', { lifecycleStage: 'ACTIVE' });
      // Act
      const back = await call('PUT', '/customers/stage', {
        customerId: 'a',
        lifecycleStage: 'TRIAL',
      });
      const forward = await call('PUT', '/customers/stage', {
        customerId: 'a',
        lifecycleStage: 'OFFBOARDED',
      });
      // Assess
      expect(back.status).toBe(400);
      expect(forward.json).toMatchObject({ lifecycleStage: 'OFFBOARDED' });
    });

    it('soft-deletes: the customer reads as {} and leaves the list, and cannot be created again', async () => {
      // Prepare
      await createCustomer('a');
      // Act
      const deleted = await call('DELETE', '/customers/a');
      const read = await call('GET', '/customers?customerId=a');
      const list = await call('GET', '/customers');
      const again = await createCustomer('a');
      // Assess
      expect(deleted.status).toBe(200);
      expect(read.json).toEqual({});
      expect(list.json).toEqual([]);
      expect(again.status).toBe(400);
    });

    it('reinstates a deleted customer as OFFBOARDED', async () => {
      // Prepare
      await createCustomer('a');
      await call('DELETE', '/customers/a');
      // Act
      const answer = await call('PUT', '/customers/reinstate', { customerId: 'a' });
      // Assess
      expect(answer.json).toMatchObject({ customerId: 'a', lifecycleStage: 'OFFBOARDED' });
    });

    it('pages customers with search and metadata', async () => {
      // Prepare
      for (const id of ['acme', 'beta', 'acorn']) await createCustomer(id);
      // Act
      const answer = await call('GET', '/customers/paging?limit=1&search=ac&sort=customerId');
      // Assess
      expect(answer.json).toMatchObject({
        items: [{ customerId: 'acme' }],
        metadata: { totalRowCount: 3, filteredRowCount: 2, limit: 1, totalFilteredPages: 2 },
      });
    });

    it('records relations in seconds, oldest first, and ends the current one on a plan change', async () => {
      // Prepare
      await createCustomer('a');
      await call('POST', PRICING, { customerId: 'a', productPlanId: 'p1', startTimeInSeconds: 10 });
      // Act
      await call('POST', `${PRICING}/product-plan-cancellation`, {
        customerId: 'a',
        newProductPlanId: 'p2',
      });
      const history = await call('GET', `${PRICING}/list?CustomerId=a`);
      // Assess
      expect(history.json).toEqual([
        // The Default Plan every new customer gets, ended by the first assignment (one plan at a time).
        expect.objectContaining({ productPlanId: EMULATOR_DEFAULT_PLAN_ID, endTimeInSeconds: 10 }),
        expect.objectContaining({
          productPlanId: 'p1',
          startTimeInSeconds: 10,
          endTimeInSeconds: 1_750_000_000,
        }),
        expect.objectContaining({
          productPlanId: 'p2',
          productId: '1',
          createdTimeInSeconds: 1_750_000_000,
        }),
      ]);
    });

    it.each([
      ['no productPlanId', { customerId: 'a' }],
      ['an unknown customer', { customerId: 'nobody', productPlanId: 'p1' }],
      [
        'a time in ms as text',
        { customerId: 'a', productPlanId: 'p1', startTimeInSeconds: '1750000000000' },
      ],
    ])('rejects an assignment with %s', async (_name, body) => {
      // Prepare
      await createCustomer('a');
      // Act
      const answer = await call('POST', PRICING, body);
      // Assess
      expect(answer.status).toBe(400);
    });

    it('reads the current plan with either query key casing', async () => {
      // Prepare
      await createCustomer('a');
      await call('POST', PRICING, { customerId: 'a', productPlanId: 'p1' });
      // Act
      const upper = await call('GET', `${PRICING}?CustomerId=a`);
      const lower = await call('GET', `${PRICING}?customerId=a`);
      // Assess
      expect(upper.json).toMatchObject({ productPlanId: 'p1' });
      expect(lower.json).toEqual(upper.json);
    });

    it.each([
      ['customerId', 'c-1'],
      ['planId', 'p'],
      ['cycles', 0],
    ])('rejects a commitment with a bad %s', async (field, value) => {
      // Prepare
      await createCustomer('c-1');
      // Act
      const answer = await call('POST', `${COMMITMENT}/arrears_commitment_with_trueup`, {
        ...commitmentBody('c-1'),
        [field]: field === 'cycles' ? value : '',
      });
      // Assess
      expect(answer.status).toBe(400);
    });

    it('returns a commitment contract with ids and times in seconds', async () => {
      // Prepare
      await createCustomer('c-1');
      // Act
      const answer = await call(
        'POST',
        `${COMMITMENT}/arrears_commitment_with_trueup`,
        commitmentBody('c-1'),
      );
      // Assess
      expect(answer.json).toMatchObject({
        contract: {
          id: expect.any(String),
          customerId: 'c-1',
          timeRange: { startTimeInSeconds: 1_750_000_000 },
        },
        firstCustomerPlan: { productPlanId: 'plan-c', customerId: 'c-1' },
        creationTimeInSeconds: 1_750_000_000,
      });
    });
  });

  describe('switches for the unknowns of docs/amberflo-api.md §13', () => {
    it('answers 403 instead of 401 for a wrong key', async () => {
      // Prepare
      configure({ authFailureStatus: 403 });
      // Act
      const answer = await call('GET', '/customers', undefined, 'nope-1234');
      // Assess
      expect(answer.status).toBe(403);
    });

    it('echoes the presented key in auth errors when asked to', async () => {
      // Prepare
      configure({ echoApiKeyInErrors: true });
      // Act
      const answer = await call('GET', '/customers', undefined, 'presented-key-42');
      // Assess
      expect(answer.text).toContain('presented-key-42');
    });

    it.each([400, 409])(
      'answers a duplicate create with %i and "already exists"',
      async (status) => {
        // Prepare
        configure({ duplicateCustomerStatus: status });
        await createCustomer('a');
        // Act
        const answer = await createCustomer('a');
        // Assess
        expect(answer.status).toBe(status);
        expect(answer.json).toEqual({ errorMessage: expect.stringMatching(/already exists/) });
      },
    );

    it.each([
      ['empty-object', 200, {}],
      ['404', 404, { errorMessage: expect.any(String) }],
    ] as const)(
      'answers GET /customers/{id} for an unknown id as %s',
      async (mode, status, body) => {
        // Prepare
        configure({ customerPathNotFound: mode });
        // Act
        const answer = await call('GET', '/customers/nobody');
        // Assess
        expect(answer.status).toBe(status);
        expect(answer.json).toEqual(body);
      },
    );

    it.each([
      ['empty-body', 200, ''],
      ['empty-object', 200, '{}'],
      ['404', 404, undefined],
    ] as const)(
      'answers the current plan of a customer without one as %s',
      async (mode, status, text) => {
        // Prepare
        configure({ currentPlanWhenNone: mode, defaultPlanId: null });
        await createCustomer('a');
        // Act
        const answer = await call('GET', `${PRICING}?CustomerId=a`);
        // Assess
        expect(answer.status).toBe(status);
        if (text !== undefined) expect(answer.text).toBe(text);
      },
    );

    it.each([
      ['empty-array', 200],
      ['404', 404],
    ] as const)('answers the history of an unknown customer as %s', async (mode, status) => {
      // Prepare
      configure({ historyForUnknownCustomer: mode });
      // Act
      const answer = await call('GET', `${PRICING}/list?CustomerId=nobody`);
      // Assess
      expect(answer.status).toBe(status);
    });

    it.each([
      [null, []],
      ['default-plan', ['default-plan']],
    ])('gives a new customer default plan %s', async (defaultPlanId, plans) => {
      // Prepare
      configure({ defaultPlanId });
      // Act
      await createCustomer('a');
      const history = await call('GET', `${PRICING}/list?CustomerId=a`);
      // Assess
      expect((history.json as { productPlanId: string }[]).map((row) => row.productPlanId)).toEqual(
        plans,
      );
    });

    it.each([
      ['append', 2],
      ['no-op', 1],
    ] as const)('handles re-assigning the same plan as %s', async (mode, rows) => {
      // Prepare
      configure({ reassignSamePlan: mode, defaultPlanId: null });
      await createCustomer('a');
      // Act
      await call('POST', PRICING, { customerId: 'a', productPlanId: 'p1' });
      await call('POST', PRICING, { customerId: 'a', productPlanId: 'p1' });
      const history = await call('GET', `${PRICING}/list?CustomerId=a`);
      // Assess
      expect(history.json).toHaveLength(rows);
    });

    it.each([
      [400, 'unknown', 400],
      [404, 'unknown', 404],
      [400, 'known', 200],
    ] as const)(
      'with a catalogue and status %i, answers a %s plan with %i',
      async (unknownPlanStatus, plan, status) => {
        // Prepare
        configure({ planCatalogue: [{ id: 'known' }], unknownPlanStatus });
        await createCustomer('a');
        // Act
        const answer = await call('POST', PRICING, { customerId: 'a', productPlanId: plan });
        const list = await call(
          'GET',
          '/payments/pricing/amberflo/account-pricing/product-plans/list',
        );
        // Assess
        expect(answer.status).toBe(status);
        expect(list.json).toEqual([{ id: 'known' }]);
      },
    );

    it.each([
      ['400', 400, 0],
      ['404', 404, 0],
      ['create', 200, 1],
    ] as const)('answers PUT for an unknown customer as %s', async (mode, status, stored) => {
      // Prepare
      configure({ putUnknownCustomer: mode });
      // Act
      const answer = await call('PUT', '/customers', { customerId: 'new', customerName: 'New' });
      // Assess
      expect(answer.status).toBe(status);
      expect(emulator.state().customers).toHaveLength(stored);
    });

    it.each([
      [true, 'ACTIVE'],
      [false, 'ONBOARDING'],
    ])('honours lifecycleStage on create: %s', async (honour, stage) => {
      // Prepare
      configure({ honourLifecycleStageOnCreate: honour });
      // Act
      const answer = await createCustomer('a', { lifecycleStage: 'ACTIVE' });
      // Assess
      expect(answer.json).toMatchObject({ lifecycleStage: stage });
    });

    it.each([
      [false, 400],
      [true, 200],
    ])('accepts a lower-case stage: %s', async (acceptLowerCaseStage, status) => {
      // Prepare
      configure({ acceptLowerCaseStage });
      // Act
      const answer = await createCustomer('a', { lifecycleStage: 'active' });
      // Assess
      expect(answer.status).toBe(status);
    });

    it.each([
      ['stageUnknownCustomerStatus', 404, 'PUT', '/customers/stage'],
      ['deleteUnknownCustomerStatus', 400, 'DELETE', '/customers/nobody'],
    ] as const)('answers %s with %i', async (switchName, status, method, path) => {
      // Prepare
      configure({ [switchName]: status });
      // Act
      const answer = await call(
        method,
        path,
        method === 'PUT' ? { customerId: 'nobody', lifecycleStage: 'ACTIVE' } : undefined,
      );
      // Assess
      expect(answer.status).toBe(status);
    });

    it('serves the arrears commitment on a configured path', async () => {
      // Prepare
      configure({ commitmentPath: 'arrears_commitment_with_true_up' });
      await createCustomer('c-1');
      // Act
      const moved = await call(
        'POST',
        `${COMMITMENT}/arrears_commitment_with_true_up`,
        commitmentBody('c-1'),
      );
      const old = await call(
        'POST',
        `${COMMITMENT}/arrears_commitment_with_trueup`,
        commitmentBody('c-1'),
      );
      // Assess
      expect(moved.status).toBe(200);
      expect(old.status).toBe(404);
    });

    it.each([
      ['trueup', 'trueup', 200],
      ['trueup', 'trueUp', 400],
      ['trueUp', 'trueUp', 200],
      ['either', 'trueUp', 200],
      ['either', 'trueup', 200],
    ] as const)(
      'with trueupKey %s, answers a body keyed %s with %i',
      async (trueupKey, sent, status) => {
        // Prepare
        configure({ trueupKey });
        await createCustomer('c-1');
        const { trueup, ...rest } = commitmentBody('c-1');
        // Act
        const answer = await call('POST', `${COMMITMENT}/arrears_commitment_with_trueup`, {
          ...rest,
          [sent]: trueup,
        });
        // Assess
        expect(answer.status).toBe(status);
      },
    );

    it.each([
      ['MONTHLY', 200],
      ['WEEKLY', 400],
      [undefined, 400],
    ])('with allowed intervals, answers interval %s with %i', async (interval, status) => {
      // Prepare
      configure({ trueupIntervals: ['MONTHLY', 'YEARLY'] });
      await createCustomer('c-1');
      // Act
      const answer = await call(
        'POST',
        `${COMMITMENT}/arrears_commitment_with_trueup`,
        commitmentBody('c-1', {
          trueup: { minimumPayment: 1, ...(interval === undefined ? {} : { interval }) },
        }),
      );
      // Assess
      expect(answer.status).toBe(status);
    });

    it.each([
      [false, 0],
      [true, 1],
    ])(
      'adds a pricing relation for the commitment plan: %s',
      async (commitmentAssignsPlan, rows) => {
        // Prepare
        configure({ commitmentAssignsPlan, defaultPlanId: null });
        await createCustomer('c-1');
        // Act
        await call('POST', `${COMMITMENT}/arrears_commitment_with_trueup`, commitmentBody('c-1'));
        const history = await call('GET', `${PRICING}/list?CustomerId=c-1`);
        // Assess
        expect(history.json).toHaveLength(rows);
      },
    );

    it.each([
      ['reject', 400, 'Annual'],
      ['replace', 200, 'Second'],
    ] as const)('handles a second commitment as %s', async (secondCommitment, status, label) => {
      // Prepare
      configure({ secondCommitment });
      await createCustomer('c-1');
      await call('POST', `${COMMITMENT}/arrears_commitment_with_trueup`, commitmentBody('c-1'));
      // Act
      const answer = await call(
        'POST',
        `${COMMITMENT}/arrears_commitment_with_trueup`,
        commitmentBody('c-1', { label: 'Second' }),
      );
      const list = await call('GET', `${COMMITMENT}/list?CustomerId=c-1`);
      // Assess
      expect(answer.status).toBe(status);
      expect(
        (list.json as { contractGenerator: { label: string } }[]).map(
          (c) => c.contractGenerator.label,
        ),
      ).toEqual([label]);
    });

    it.each([
      [['CustomerId', 'customerId'], 1],
      [[], 2],
    ])('filters the commitment list by query keys %j', async (commitmentListQueryKeys, count) => {
      // Prepare
      configure({ commitmentListQueryKeys });
      for (const id of ['c-1', 'c-2']) {
        await createCustomer(id);
        await call('POST', `${COMMITMENT}/arrears_commitment_with_trueup`, commitmentBody(id));
      }
      // Act
      const list = await call('GET', `${COMMITMENT}/list?CustomerId=c-1`);
      // Assess
      expect(list.json).toHaveLength(count);
    });

    it('reads pricing only by the configured query keys', async () => {
      // Prepare
      configure({ pricingQueryKeys: ['CustomerId'], currentPlanWhenNone: '404' });
      await createCustomer('a');
      await call('POST', PRICING, { customerId: 'a', productPlanId: 'p1' });
      // Act
      const lower = await call('GET', `${PRICING}?customerId=a`);
      // Assess
      expect(lower.status).toBe(404);
    });
  });

  describe('documented defaults and the switches that keep the old behaviours', () => {
    it('gives every new customer the Default Plan by default', async () => {
      // Act
      await createCustomer('d-1');
      const current = await call('GET', `${PRICING}?CustomerId=d-1`);
      // Assess
      expect(current.json).toMatchObject({ productPlanId: EMULATOR_DEFAULT_PLAN_ID });
    });

    it.each([
      ['replace', 200, 2, true],
      ['append', 200, 2, false],
      ['reject', 400, 1, false],
    ] as const)(
      'handles a plain assignment over an active plan as %s',
      async (assignOverActivePlan, status, rows, ended) => {
        // Prepare
        configure({ assignOverActivePlan });
        await createCustomer('d-2');
        // Act
        const answer = await call('POST', PRICING, { customerId: 'd-2', productPlanId: 'p1' });
        const history = (await call('GET', `${PRICING}/list?CustomerId=d-2`)).json as {
          endTimeInSeconds?: number;
        }[];
        // Assess
        expect(answer.status).toBe(status);
        expect(history).toHaveLength(rows);
        expect(history[0]?.endTimeInSeconds !== undefined).toBe(ended);
      },
    );

    it('lists every commitment whatever the query asks by default', async () => {
      // Prepare
      for (const id of ['d-3', 'd-4']) {
        await createCustomer(id);
        await call('POST', `${COMMITMENT}/arrears_commitment_with_trueup`, commitmentBody(id));
      }
      // Act
      const list = await call('GET', `${COMMITMENT}/list?CustomerId=d-3`);
      // Assess
      expect(list.json).toHaveLength(2);
    });

    it('refuses a create for a blocked e-mail domain with its own words', async () => {
      // Prepare
      configure({ blockedEmailDomains: ['blocked.example'] });
      // Act
      const answer = await createCustomer('d-5', { customerEmail: 'x@blocked.example' });
      // Assess
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ errorMessage: 'customerEmail domain is blocked' });
      expect(emulator.state().customers).toEqual([]);
    });

    it('answers reads from before the writes of the last staleReadMs (by its own clock)', async () => {
      // Prepare
      let clock = 1_750_000_000_000;
      const lagging = await startAmberfloEmulator({ staleReadMs: 200, now: () => clock });
      const get = async () =>
        (
          await fetch(`${lagging.url}/customers?customerId=d-6`, {
            headers: { 'x-api-key': lagging.apiKey },
          })
        ).json();
      try {
        await fetch(`${lagging.url}/customers`, {
          method: 'POST',
          headers: { 'x-api-key': lagging.apiKey, 'content-type': 'application/json' },
          body: JSON.stringify({ customerId: 'd-6', customerName: 'Six' }),
        });
        // Act
        const during = await get();
        clock += 201;
        const after = await get();
        // Assess
        expect(during).toEqual({});
        expect(after).toMatchObject({ customerId: 'd-6' });
      } finally {
        await lagging.stop();
      }
    });

    it.each([
      ['html-200', 'text/html', /^<html>/],
      ['empty-200', 'application/json', /^$/],
      ['malformed-json', 'application/json', /^\{"/],
    ] as const)(
      'answers 200 with a bad body for %s, after the write when asked',
      async (kind, type, body) => {
        // Prepare
        emulator.failNext('POST /customers', kind, 1, { phase: 'after' });
        // Act
        const response = await fetch(`${emulator.url}/customers`, {
          method: 'POST',
          headers: { 'x-api-key': emulator.apiKey, 'content-type': 'application/json' },
          body: JSON.stringify({ customerId: 'd-7', customerName: 'Seven' }),
        });
        const text = await response.text();
        // Assess
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe(type);
        expect(text).toMatch(body);
        expect(() => JSON.parse(text)).toThrow();
        expect(emulator.state().customers.map((customer) => customer.customerId)).toEqual(['d-7']);
      },
    );
  });

  describe('admin API', () => {
    it('needs no key and reports health', async () => {
      // Act
      const answer = await call('GET', '/_emulator/health', undefined, null);
      // Assess
      expect(answer.json).toEqual({ status: 'ok' });
    });

    it('shows the state and the request log without the key', async () => {
      // Prepare
      await createCustomer('a');
      await call('GET', '/customers?customerId=a', undefined, 'wrong-key-77');
      // Act
      const state = await call('GET', '/_emulator/state', undefined, null);
      const requests = await call('GET', '/_emulator/requests', undefined, null);
      // Assess
      expect(state.json).toMatchObject({
        customers: [{ customerId: 'a' }],
        relations: {},
        commitments: [],
      });
      expect(requests.json).toMatchObject({
        counts: { 'POST /customers': 1, 'GET /customers': 1 },
        log: [
          { routeKey: 'POST /customers', apiKey: 'valid', status: 200, body: { customerId: 'a' } },
          {
            routeKey: 'GET /customers',
            apiKey: 'invalid',
            status: 401,
            query: { customerId: 'a' },
          },
        ],
      });
      expect(requests.text).not.toContain(TEST_API_KEY);
      expect(requests.text).not.toContain('wrong-key-77');
    });

    it('resets state, log, switches and faults', async () => {
      // Prepare
      await createCustomer('a');
      await call('PUT', '/_emulator/options', { authFailureStatus: 403 }, null);
      await call('PUT', '/_emulator/faults', { global: { error503: 1 } }, null);
      // Act
      const reset = await call('POST', '/_emulator/reset', undefined, null);
      // Assess
      expect(reset.status).toBe(200);
      expect(emulator.state().customers).toHaveLength(0);
      expect(emulator.requestLog()).toHaveLength(0);
      expect(emulator.switches().authFailureStatus).toBe(401);
      expect((await call('GET', '/customers')).status).toBe(200);
    });

    it('applies fault rates set over HTTP', async () => {
      // Prepare
      await call(
        'PUT',
        '/_emulator/faults',
        { routes: { 'GET /customers': { error503: 1 } } },
        null,
      );
      // Act
      const faulted = await call('GET', '/customers');
      const other = await call('GET', `${PRICING}/list?CustomerId=a`);
      // Assess
      expect(faulted.status).toBe(503);
      expect(other.status).toBe(200);
      expect(emulator.requestLog()[0]?.fault).toBe('error-503');
    });

    it('scripts "fail the next N calls" over HTTP', async () => {
      // Prepare
      await call(
        'POST',
        '/_emulator/faults',
        { route: 'POST /customers', kind: 'error-429', times: 2 },
        null,
      );
      // Act
      const statuses = [];
      for (const id of ['a', 'b', 'c']) statuses.push((await createCustomer(id)).status);
      // Assess
      expect(statuses).toEqual([429, 429, 200]);
    });

    it('changes switches over HTTP and refuses invalid ones', async () => {
      // Act
      const changed = await call('PUT', '/_emulator/options', { defaultPlanId: 'dp' }, null);
      const invalid = await call('PUT', '/_emulator/options', { authFailureStatus: 418 }, null);
      // Assess
      expect(changed.json).toMatchObject({ defaultPlanId: 'dp', authFailureStatus: 401 });
      expect(invalid.status).toBe(400);
      expect(emulator.switches().authFailureStatus).toBe(401);
    });

    it('refuses an invalid fault configuration', async () => {
      // Act
      const answer = await call('PUT', '/_emulator/faults', { global: { error500: 3 } }, null);
      // Assess
      expect(answer.status).toBe(400);
    });

    it('answers unknown admin routes with 404', async () => {
      // Act
      const answer = await call('GET', '/_emulator/nothing', undefined, null);
      // Assess
      expect(answer.status).toBe(404);
    });
  });

  describe('fault determinism', () => {
    it('gives the same faults for the same seed and calls', async () => {
      // Prepare
      const options = {
        apiKey: TEST_API_KEY,
        seed: 99,
        faults: { global: { error500: 0.3, error429: 0.2 } },
      };
      const runs: number[][] = [];
      for (let run = 0; run < 2; run += 1) {
        const instance = await startAmberfloEmulator(options);
        const statuses: number[] = [];
        // Act
        for (let index = 0; index < 20; index += 1) {
          const response = await fetch(`${instance.url}/customers`, {
            headers: { 'x-api-key': TEST_API_KEY },
            signal: AbortSignal.timeout(2_000),
          });
          await response.arrayBuffer();
          statuses.push(response.status);
        }
        await instance.stop();
        runs.push(statuses);
      }
      // Assess
      expect(runs[0]).toEqual(runs[1]);
      expect(runs[0]?.some((status) => status !== 200)).toBe(true);
      expect(runs[0]?.some((status) => status === 200)).toBe(true);
    });
  });
});
