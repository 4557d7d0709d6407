import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkflowFailureClassifier } from '../../../lib/amberflo/classify.ts';
import { createAmberfloHttp } from '../../../lib/amberflo/http.ts';
import type { Send } from '../../../lib/arazzo/http-port.ts';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import {
  loadProvisionAccountWorkflow,
  PROVISION_ACCOUNT_WORKFLOW_ID,
  type ProvisionAccountMessage,
  summariseProvisionAccount,
  toProvisionAccountInputs,
} from '../../../lib/workflows/provision-account.ts';
import {
  type AmberfloEmulator,
  startAmberfloEmulator,
} from '../../../tools/amberflo-emulator/server.ts';
import { createAmberfloClient } from '../../helpers/amberflo-client.ts';

const COMMITMENT = {
  label: 'Annual commitment',
  cycles: 12,
  trueup: { minimumPayment: 1000, interval: 'MONTHLY' },
};
const document = loadProvisionAccountWorkflow();
const DEFAULT_PLAN = 'default-plan';
const PRICING = '/payments/pricing/amberflo/customer-pricing';
const CHANGE_PLAN = `${PRICING}/product-plan-cancellation`;

describe('provision-account against the Amberflo emulator', () => {
  let emulator: AmberfloEmulator;
  let waits: number[];

  const writes = () =>
    emulator
      .requestLog()
      .filter((entry) => entry.method === 'POST' && entry.status === 200)
      .map((entry) => entry.path);
  const postsTo = (path: string) =>
    emulator.requestLog().filter((e) => e.method === 'POST' && e.path === path);

  const makeRunner = (wrap: (send: Send) => Send = (send) => send) => {
    const http = createAmberfloHttp({
      baseUrl: emulator.url,
      getApiKey: () => emulator.apiKey,
      timeoutMs: 2_000,
    });
    return createWorkflowRunner(document, {
      baseUrl: http.baseUrl,
      send: wrap(http.send),
      classify: createWorkflowFailureClassifier(http.knownSecrets),
      secrets: http.knownSecrets,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
  };

  const provision = (
    message: ProvisionAccountMessage,
    wrap?: (send: Send) => Send,
    signal?: AbortSignal,
  ) =>
    makeRunner(wrap).run(
      PROVISION_ACCOUNT_WORKFLOW_ID,
      toProvisionAccountInputs(message, {
        amberfloProductId: '1',
        replaceablePlanIds: [DEFAULT_PLAN],
      }),
      signal ? { signal, deadline: Date.now() + 10_000 } : { deadline: Date.now() + 10_000 },
    );

  beforeAll(async () => {
    emulator = await startAmberfloEmulator({
      port: 0,
      apiKey: 'workflow-test-key',
      defaultPlanId: DEFAULT_PLAN,
    });
  });
  beforeEach(() => {
    emulator.reset();
    waits = [];
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('creates the customer and replaces its Default Plan for a fresh account with two reads and two writes', async () => {
    // Act
    const result = await provision({
      customerId: 'acct-1',
      customerName: 'Acme',
      productId: 'plan-pro',
    });
    // Assess
    expect(result.status).toBe('ended');
    expect(result.steps.map((step) => step.stepId)).toEqual([
      'findCustomer',
      'createCustomer',
      'readPlan',
      'replacePlan',
    ]);
    expect(emulator.requestLog()).toHaveLength(4);
    expect(summariseProvisionAccount('acct-1', result)).toMatchObject({
      customer: 'created',
      plan: 'replaced',
      commitment: 'none',
    });
    const current = await createAmberfloClient(
      createAmberfloHttp({
        baseUrl: emulator.url,
        getApiKey: () => emulator.apiKey,
        timeoutMs: 2_000,
      }),
    ).getCurrentPlan('acct-1');
    expect(current?.productPlanId).toBe('plan-pro');
  });

  it('makes no write when the account is already provisioned', async () => {
    // Prepare
    const message = { customerId: 'acct-2', customerName: 'Beta', productId: 'plan-pro' };
    await provision(message);
    emulator.clearRequestLog();
    // Act
    const result = await provision(message);
    // Assess
    expect(result.status).toBe('ended');
    expect(writes()).toEqual([]);
    expect(emulator.requestLog().map((entry) => entry.method)).toEqual(['GET', 'GET']);
    expect(summariseProvisionAccount('acct-2', result)).toMatchObject({
      customer: 'existing',
      plan: 'current',
    });
  });

  it('creates the commitment once and finds it on a rerun', async () => {
    // Prepare
    const message = {
      customerId: 'acct-3',
      customerName: 'Gamma',
      productId: 'plan-pro',
      commitment: COMMITMENT,
    };
    // Act
    const first = await provision(message);
    emulator.clearRequestLog();
    const second = await provision(message);
    // Assess
    expect(first.endAction).toEqual({ stepId: 'createCommitment', name: 'committed' });
    expect(summariseProvisionAccount('acct-3', first).commitment).toBe('created');
    expect(second.status).toBe('ended');
    expect(writes()).toEqual([]);
    expect(summariseProvisionAccount('acct-3', second).commitment).toBe('existing');
    expect(emulator.state().commitments).toHaveLength(1);
    expect(emulator.state().commitments[0]).toMatchObject({ contract: { customerId: 'acct-3' } });
  });

  it.each([1, 2, 3, 4, 5])(
    'resumes after a crash following response %i and writes only what is missing',
    async (crashAfter) => {
      // Prepare
      const message = {
        customerId: 'acct-crash',
        customerName: 'Crash',
        productId: 'plan-pro',
        commitment: COMMITMENT,
      };
      const controller = new AbortController();
      let responses = 0;
      const crashing =
        (send: Send): Send =>
        async (request, options) => {
          const response = await send(request, options);
          responses += 1;
          if (responses === crashAfter) controller.abort(new Error('crash'));
          return response;
        };
      // Act
      const crashed = await provision(message, crashing, controller.signal);
      const resumed = await provision(message);
      // Assess
      expect(crashed.status).toBe('failed');
      expect(resumed.status === 'completed' || resumed.status === 'ended').toBe(true);
      expect(postsTo('/customers').filter((e) => e.status === 200)).toHaveLength(1);
      expect(postsTo(CHANGE_PLAN).filter((e) => e.status === 200)).toHaveLength(1);
      expect(emulator.state().commitments).toHaveLength(1);
      expect(
        emulator.state().relations['acct-crash']?.map((relation) => relation.productPlanId),
      ).toEqual([DEFAULT_PLAN, 'plan-pro']);
    },
  );

  it('re-reads instead of failing when it loses the create race', async () => {
    // Prepare
    const client = createAmberfloClient(
      createAmberfloHttp({
        baseUrl: emulator.url,
        getApiKey: () => emulator.apiKey,
        timeoutMs: 2_000,
      }),
    );
    const racing =
      (send: Send): Send =>
      async (request, options) => {
        if (request.method === 'POST' && new URL(request.url).pathname === '/customers') {
          await client.createCustomer({ customerId: 'acct-race', customerName: 'Other writer' });
        }
        return send(request, options);
      };
    // Act
    const result = await provision(
      { customerId: 'acct-race', customerName: 'Race', productId: 'plan-pro' },
      racing,
    );
    // Assess
    expect(result.status).toBe('ended');
    expect(result.steps.map((step) => step.stepId)).toEqual([
      'findCustomer',
      'createCustomer',
      'recheckCustomer',
      'readPlan',
      'replacePlan',
    ]);
    expect(summariseProvisionAccount('acct-race', result).customer).toBe('existing');
    expect(emulator.state().customers).toHaveLength(1);
  });

  it('retries a read after 429 and 503, honouring Retry-After', async () => {
    // Prepare
    emulator.failNext('GET /customers', 'error-429', 1, { retryAfterSeconds: 2 });
    emulator.failNext('GET /customers', 'error-503', 1);
    // Act
    const result = await provision({
      customerId: 'acct-429',
      customerName: 'Busy',
      productId: 'plan-pro',
    });
    // Assess
    expect(result.status).toBe('ended');
    expect(result.steps[0]).toMatchObject({ stepId: 'findCustomer', attempts: 3, statusCode: 200 });
    expect(waits).toEqual([2_000, 500]);
  });

  it.each(['before', 'after'] as const)(
    'never re-posts a plan change in the same run after a 503 (%s the write); the next run decides',
    async (phase) => {
      // Prepare
      emulator.failNext(`POST ${CHANGE_PLAN}`, 'error-503', 1, { phase });
      const message = {
        customerId: `acct-503-${phase}`,
        customerName: 'Flaky',
        productId: 'plan-pro',
      };
      // Act
      const first = await provision(message);
      const second = await provision(message);
      // Assess
      expect(first.status).toBe('failed');
      expect(first.failure).toMatchObject({ stepId: 'replacePlan', code: 'AMBERFLO_UNAVAILABLE' });
      expect(first.steps.filter((step) => step.stepId === 'replacePlan')).toHaveLength(1);
      expect(second.status).toBe('ended');
      expect(
        emulator.state().relations[message.customerId]?.map((relation) => relation.productPlanId),
      ).toEqual([DEFAULT_PLAN, 'plan-pro']);
    },
  );

  it('fails with AMBERFLO_REJECTED when Amberflo rejects the plan', async () => {
    // Prepare
    emulator.setSwitches({ planCatalogue: [{ id: 'plan-pro' }, { id: DEFAULT_PLAN }] });
    // Act
    const result = await provision({
      customerId: 'acct-400',
      customerName: 'Nope',
      productId: 'plan-unknown',
    });
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'replacePlan',
      statusCode: 400,
      code: 'AMBERFLO_REJECTED',
    });
    expect(JSON.stringify(result)).not.toContain('workflow-test-key');
  });
});
