import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkflowFailureClassifier } from '../../../lib/amberflo/classify.ts';
import { createAmberfloHttp } from '../../../lib/amberflo/http.ts';
import type { Send } from '../../../lib/arazzo/http-port.ts';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import {
  loadProvisionAccountWorkflow,
  PROVISION_ACCOUNT_WORKFLOW_ID,
  type ProvisionAccountMessage,
  reportedFailure,
  summariseProvisionAccount,
} from '../../../lib/workflows/provision-account.ts';
import type { FaultKind } from '../../../tools/amberflo-emulator/options.ts';
import {
  type AmberfloEmulator,
  startAmberfloEmulator,
} from '../../../tools/amberflo-emulator/server.ts';

import {
  CHANGE_PLAN,
  COMMITMENT,
  COMMITMENT_CREATE,
  COMMITMENT_LIST,
  PRICING,
} from '../../helpers/provisioning-fixture.ts';

const DEFAULT_PLAN = 'plan-default';
const BAD_BODIES: readonly FaultKind[] = ['html-200', 'empty-200', 'malformed-json'];
const document = loadProvisionAccountWorkflow();

describe('provision-account fails closed on answers it cannot trust', () => {
  let emulator: AmberfloEmulator;

  const run = (
    message: ProvisionAccountMessage,
    wrap: (send: Send) => Send = (send) => send,
    replaceablePlanIds: readonly string[] = [DEFAULT_PLAN],
  ) => {
    const http = createAmberfloHttp({
      baseUrl: emulator.url,
      getApiKey: () => emulator.apiKey,
      timeoutMs: 2_000,
    });
    const runner = createWorkflowRunner(document, {
      baseUrl: http.baseUrl,
      send: wrap(http.send),
      classify: createWorkflowFailureClassifier(http.knownSecrets),
      secrets: http.knownSecrets,
      sleep: async () => {},
    });
    return runner.run(
      PROVISION_ACCOUNT_WORKFLOW_ID,
      {
        customerId: message.customerId,
        customerName: message.customerName,
        productId: message.productId ?? 'plan-pro',
        amberfloProductId: '1',
        ...(replaceablePlanIds.length > 0 ? { replaceablePlanIds: [...replaceablePlanIds] } : {}),
        ...(message.commitment
          ? { commitment: { planId: message.productId ?? 'plan-pro', ...message.commitment } }
          : {}),
      },
      { deadline: Date.now() + 10_000 },
    );
  };

  const createCustomerDirectly = async (customerId: string) => {
    const response = await fetch(`${emulator.url}/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': emulator.apiKey },
      body: JSON.stringify({ customerId, customerName: customerId }),
    });
    expect(response.status).toBe(200);
  };
  const successfulPosts = (path: string) =>
    emulator.requestLog().filter((e) => e.method === 'POST' && e.path === path && e.status === 200);
  const postsAfter = (sequence: number) =>
    emulator.requestLog().filter((e) => e.method === 'POST' && e.sequence > sequence);
  const plansOf = (customerId: string) =>
    (emulator.state().relations[customerId] ?? []).map((relation) => relation.productPlanId);

  beforeAll(async () => {
    emulator = await startAmberfloEmulator({ port: 0, apiKey: 'fail-closed-key' });
  });
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    await emulator.stop();
  });

  describe.each(BAD_BODIES)('a 200 with a bad body (%s)', (kind) => {
    it.each([
      ['findCustomer', 'GET /customers', 0],
      ['readPlan', `GET ${PRICING}`, 0],
      ['readCommitments', `GET ${COMMITMENT_LIST}`, 0],
    ])('at %s is AMBERFLO_UNAVAILABLE and leads to no write', async (stepId, route) => {
      // Prepare
      const message = { customerId: `acct-${stepId}`, customerName: 'A', commitment: COMMITMENT };
      emulator.failNext(route, kind, 3);
      // Act
      const result = await run(message);
      // Assess
      expect(result.status).toBe('failed');
      expect(result.failure).toMatchObject({
        stepId,
        code: 'AMBERFLO_UNAVAILABLE',
        statusCode: 200,
      });
      expect(result.failure?.message).toContain('not the documented JSON');
      const failedAt = emulator
        .requestLog()
        .filter((entry) => entry.fault === kind)
        .at(-1)?.sequence;
      expect(postsAfter(failedAt ?? 0)).toEqual([]);
    });

    it.each([
      ['createCustomer', 'POST /customers'],
      ['replacePlan', `POST ${CHANGE_PLAN}`],
      ['createCommitment', `POST ${COMMITMENT_CREATE}`],
    ])(
      'after the write at %s fails the run, and the rerun writes nothing twice',
      async (stepId, route) => {
        // Prepare
        const message = {
          customerId: `acct-w-${stepId}`,
          customerName: 'W',
          commitment: COMMITMENT,
        };
        emulator.failNext(route, kind, 1, { phase: 'after' });
        // Act
        const first = await run(message);
        const second = await run(message);
        // Assess
        expect(first.status).toBe('failed');
        expect(first.failure).toMatchObject({ stepId, code: 'AMBERFLO_UNAVAILABLE' });
        expect(['completed', 'ended']).toContain(second.status);
        expect(emulator.state().customers).toHaveLength(1);
        expect(plansOf(message.customerId)).toEqual([DEFAULT_PLAN, 'plan-pro']);
        expect(emulator.state().commitments).toHaveLength(1);
        expect(successfulPosts(CHANGE_PLAN).length).toBeLessThanOrEqual(1);
      },
    );
  });

  it('reads a customer without any plan as "no plan" only from a well-formed answer', async () => {
    // Prepare: an account without a Default Plan, customers that exist before the run.
    emulator.setSwitches({ defaultPlanId: null, currentPlanWhenNone: 'empty-object' });
    const other = { customerId: 'acct-none-empty', customerName: 'E' };
    await createCustomerDirectly('acct-none');
    await createCustomerDirectly(other.customerId);
    // Act
    const result = await run({ customerId: 'acct-none', customerName: 'N' }, undefined, []);
    emulator.setSwitches({ currentPlanWhenNone: 'empty-body' });
    const unreadable = await run(other, undefined, []);
    // Assess
    expect(result.steps.map((step) => step.stepId)).toContain('assignPlan');
    expect(plansOf('acct-none')).toEqual(['plan-pro']);
    expect(unreadable.failure).toMatchObject({ stepId: 'readPlan', code: 'AMBERFLO_UNAVAILABLE' });
    expect(plansOf(other.customerId)).toEqual([]);
  });

  it.each([
    ['right after its own create', [] as string[], false],
    ['when the account has a Default Plan (REPLACEABLE_PLAN_IDS)', [DEFAULT_PLAN], true],
  ])(
    'reads "no plan" as not visible yet %s, and writes no plan',
    async (_, replaceable, exists) => {
      // Prepare: reads show no plan (as while the Default Plan is not visible yet).
      emulator.setSwitches({ defaultPlanId: null, currentPlanWhenNone: '404' });
      if (exists) await createCustomerDirectly('acct-lagging');
      emulator.clearRequestLog();
      // Act
      const result = await run(
        { customerId: 'acct-lagging', customerName: 'L' },
        undefined,
        replaceable,
      );
      // Assess
      expect(result.status).toBe('ended');
      expect(result.endAction).toEqual({ stepId: 'readPlan', name: 'planNotVisible' });
      expect(emulator.requestLog().filter((entry) => entry.path.startsWith(PRICING))).toHaveLength(
        1,
      );
      expect(plansOf('acct-lagging')).toEqual([]);
    },
  );

  it('ends at planConflict and writes nothing when a person chose another plan', async () => {
    // Prepare
    emulator.setSwitches({ defaultPlanId: 'plan-sales' });
    await run({ customerId: 'acct-warm', customerName: 'W', productId: 'plan-sales-x' });
    emulator.clearRequestLog();
    // Act
    const result = await run({ customerId: 'acct-warm', customerName: 'W', productId: 'plan-pro' });
    // Assess
    expect(result.status).toBe('ended');
    expect(result.endAction).toEqual({ stepId: 'readPlan', name: 'planConflict' });
    expect(result.outputs['previousPlanId']).toBe('plan-sales');
    expect(emulator.requestLog().filter((entry) => entry.method !== 'GET')).toEqual([]);
    expect(plansOf('acct-warm')).toEqual(['plan-sales']);
  });

  it('replaces the Default Plan with the change-plan endpoint, also where plain assignment is refused', async () => {
    // Prepare
    emulator.setSwitches({ assignOverActivePlan: 'reject' });
    // Act
    const result = await run({ customerId: 'acct-change', customerName: 'C' });
    // Assess
    expect(result.status).toBe('ended');
    expect(successfulPosts(CHANGE_PLAN)).toHaveLength(1);
    expect(successfulPosts(PRICING)).toHaveLength(0);
    const relations = emulator.state().relations['acct-change'] ?? [];
    expect(relations.map((relation) => relation.productPlanId)).toEqual([DEFAULT_PLAN, 'plan-pro']);
    expect(relations[0]?.endTimeInSeconds).toBeDefined();
  });

  it.each([
    ['createCustomer', 'POST /customers', { customerId: 'someone-else' }],
    ['replacePlan', `POST ${CHANGE_PLAN}`, { productPlanId: 'plan-other' }],
  ])(
    'does not take an answer that contradicts the request at %s for success',
    async (stepId, route, patch) => {
      // Prepare
      const [method, path] = route.split(' ');
      const contradicting =
        (send: Send): Send =>
        async (request, options) => {
          const response = await send(request, options);
          if (request.method !== method || new URL(request.url).pathname !== path) return response;
          const body = { ...(JSON.parse(response.bodyText) as object), ...patch };
          return { ...response, bodyText: JSON.stringify(body) };
        };
      // Act
      const result = await run(
        { customerId: `acct-contra-${stepId}`, customerName: 'X' },
        contradicting,
      );
      // Assess
      expect(result.status).toBe('failed');
      expect(result.failure?.stepId).toBe(stepId);
    },
  );

  it("finds the customer's commitment among every element of an unfiltered list", async () => {
    // Prepare
    const message = { customerId: 'acct-among', customerName: 'M', commitment: COMMITMENT };
    for (const id of ['acct-x1', 'acct-x2']) await run({ ...message, customerId: id });
    await run(message);
    for (const id of ['acct-x3']) await run({ ...message, customerId: id });
    emulator.clearRequestLog();
    // Act
    const result = await run(message);
    // Assess
    expect(emulator.switches().commitmentListQueryKeys).toEqual([]);
    expect(result.endAction).toEqual({ stepId: 'readCommitments', name: 'commitmentExists' });
    expect(emulator.state().commitments.map((item) => item.contract.customerId)).toEqual([
      'acct-x1',
      'acct-x2',
      'acct-among',
      'acct-x3',
    ]);
    expect(emulator.requestLog().filter((entry) => entry.method === 'POST')).toEqual([]);
  });

  it('fails with a clear message, and writes nothing, when the commitment list passes its size cap', async () => {
    // Prepare
    const template = {
      contract: {
        id: 'c',
        customerId: 'x',
        type: 'ARREARS_COMMITMENT_WITH_TRUEUP',
        productId: '1',
        timeRange: { startTimeInSeconds: 0 },
      },
      contractGenerator: {},
      firstCustomerPlan: {
        customerId: 'x',
        productId: '1',
        productPlanId: 'p',
        startTimeInSeconds: 0,
        relationId: 'r',
        createdTimeInSeconds: 0,
      },
      creationTimeInSeconds: 0,
    };
    emulator.load({
      commitments: Array.from({ length: 2001 }, (_, index) => ({
        ...template,
        contract: { ...template.contract, id: `c${index}`, customerId: `other-${index}` },
      })),
    });
    // Act
    const result = await run({
      customerId: 'acct-cap',
      customerName: 'Cap',
      commitment: COMMITMENT,
    });
    // Assess
    expect(result.failure).toMatchObject({
      stepId: 'readCommitments',
      code: 'AMBERFLO_UNAVAILABLE',
    });
    expect(result.failure?.message).toContain('at most 2000 items');
    expect(reportedFailure(result)).toMatchObject({
      stepId: 'readCommitments',
      code: 'AMBERFLO_UNAVAILABLE',
    });
    expect(reportedFailure(result).message).toContain(
      "The account's commitment list has more than 2000 commitments",
    );
    expect(successfulPosts(COMMITMENT_CREATE)).toEqual([]);
  });

  it('takes "already has an active commitment" after a list that lagged for what it is: the commitment exists', async () => {
    // Prepare
    const message = { customerId: 'acct-lag', customerName: 'L', commitment: COMMITMENT };
    await run(message);
    let lists = 0;
    const laggingList =
      (send: Send): Send =>
      async (request, options) => {
        const response = await send(request, options);
        if (new URL(request.url).pathname !== COMMITMENT_LIST || lists++ > 0) return response;
        return { ...response, bodyText: '[]' };
      };
    // Act
    const result = await run(message, laggingList);
    // Assess
    expect(result.endAction).toEqual({ stepId: 'recheckCommitments', name: 'commitmentExists' });
    expect(summariseProvisionAccount('acct-lag', result).commitment).toBe('existing');
    expect(emulator.state().commitments).toHaveLength(1);
  });

  it("reports a refused commitment with Amberflo's own words and step when the re-check finds none", async () => {
    // Prepare
    emulator.setSwitches({ planCatalogue: [{ id: 'plan-pro' }, { id: DEFAULT_PLAN }] });
    const message = {
      customerId: 'acct-refused-commitment',
      customerName: 'R',
      commitment: { ...COMMITMENT, planId: 'plan-gone' },
    };
    // Act
    const result = await run(message);
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure?.stepId).toBe('recheckCommitments');
    expect(reportedFailure(result)).toMatchObject({
      stepId: 'createCommitment',
      statusCode: 400,
      code: 'AMBERFLO_REJECTED',
    });
    expect(reportedFailure(result).message).toContain('plan-gone does not exist');
    expect(emulator.state().commitments).toEqual([]);
  });
});
