import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AmberfloHttp, createAmberfloHttp } from '../../../lib/amberflo/http.ts';
import type { Send } from '../../../lib/arazzo/http-port.ts';
import { decideOutcome, fromWorkflowFailure } from '../../../lib/provisioning/outcome.ts';
import { createProvisionWorkflowRunner } from '../../../lib/provisioning/workflow-runner.ts';
import {
  reportedFailure,
  toProvisionAccountInputs,
} from '../../../lib/workflows/provision-account.ts';
import { EMULATOR_DEFAULT_PLAN_ID } from '../../../tools/amberflo-emulator/options.ts';
import type { AmberfloEmulator } from '../../../tools/amberflo-emulator/server.ts';
import { createAmberfloClient } from '../../helpers/amberflo-client.ts';
import { API_KEY, startEmulator } from './limits-fixture.ts';

const PRICING = '/payments/pricing/amberflo/customer-pricing';
const CHANGE_PLAN = `${PRICING}/product-plan-cancellation`;
const THRESHOLD = 3;

/**
 * The real provisioning workflow and HTTP layer on the emulator: the create loses a race (400, the re-check finds the
 * customer), the customer is on the account's Default Plan (replaceable), and the circuit opens (other records'
 * failures) just before the plan is changed, so that write is refused without a request.
 */
describe('a refused write after a recovered failure (real workflow, emulator)', () => {
  let amberflo: AmberfloEmulator;

  beforeAll(async () => {
    amberflo = await startEmulator();
  });
  beforeEach(() => {
    amberflo.reset();
  });
  afterAll(() => amberflo?.stop());

  it('is reported as the refusal at the refused step (retried), not as the create’s 400', async () => {
    // Prepare
    const http = createAmberfloHttp({
      baseUrl: amberflo.url,
      getApiKey: () => API_KEY,
      timeoutMs: 2_000,
      circuit: { threshold: THRESHOLD, coolDownMs: 60_000 },
    });
    const other = createAmberfloClient(
      createAmberfloHttp({ baseUrl: amberflo.url, getApiKey: () => API_KEY, timeoutMs: 2_000 }),
    );
    const send: Send = async (request, options) => {
      const path = new URL(request.url).pathname;
      if (request.method === 'POST' && path === '/customers') {
        await other.createCustomer({ customerId: 'acct-refused', customerName: 'Other writer' });
      }
      if (request.method === 'POST' && path === CHANGE_PLAN) {
        for (let index = 0; index < THRESHOLD; index++) http.circuit.record(true);
      }
      return http.send(request, options);
    };
    const run = createProvisionWorkflowRunner({ ...http, send } as AmberfloHttp);
    // Act
    const result = await run(
      toProvisionAccountInputs(
        { customerId: 'acct-refused', customerName: 'Refused', productId: 'plan-pro' },
        { amberfloProductId: '1', replaceablePlanIds: [EMULATOR_DEFAULT_PLAN_ID] },
      ),
      { signal: new AbortController().signal, deadline: Date.now() + 10_000 },
    );
    const error = fromWorkflowFailure(reportedFailure(result));
    // Assess: the scenario happened as described, and the refusal is what is reported.
    const calls = amberflo.requestLog().map((entry) => [entry.method, entry.path, entry.status]);
    expect(calls).toEqual([
      ['GET', '/customers', 200],
      ['POST', '/customers', 200],
      ['POST', '/customers', 400],
      ['GET', '/customers', 200],
      ['GET', PRICING, 200],
    ]);
    expect(error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect(error.details).toMatchObject({ step: 'replacePlan' });
    expect(error.details.httpStatus).toBeUndefined();
    expect(decideOutcome(error, 1, 10)).toBe('retry');
  });
});
