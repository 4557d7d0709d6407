import { describe, expect, it } from 'vitest';
import { caseFile, type RecordingServer, runCase, serversClosedAfterEach } from './harness.ts';

const document = caseFile('workflow-step', 'workflow-step.arazzo.yaml');
let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const run = async (inputs: Record<string, unknown>) =>
  runCase({ document, workflowId: 'readAccount', inputs, runner: { baseUrl: server?.url ?? '' } });
const sent = () => server?.requests.map(({ rawHeaders: _raw, ...request }) => request);

describe('conformance: a step that calls another workflow (workflowId, parameters as inputs)', () => {
  it('runs the called workflow with the parameters as inputs and reads its outputs', async () => {
    server = await startServer([
      { method: 'POST', path: '/tokens', reply: { status: 201, json: { token: 'tk1' } } },
      { method: 'GET', path: '/accounts/a1', reply: { json: { plan: 'gold' } } },
    ]);
    const result = await run({ user: 'ann', account: 'a1' });
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ plan: 'gold' });
    expect(sent()).toEqual([
      {
        method: 'POST',
        url: '/tokens',
        headers: { 'content-type': 'application/json' },
        body: '{"user":"ann"}',
      },
      { method: 'GET', url: '/accounts/a1', headers: { 'x-token': 't=tk1' } },
    ]);
    expect(result.steps.map((step) => [step.workflowId, step.stepId, step.outcome])).toEqual([
      [undefined, 'auth', 'success'],
      ['login', 'token', 'success'],
      [undefined, 'read', 'success'],
    ]);
  });

  it('fails the run where the called workflow failed when the step has no failure action', async () => {
    server = await startServer([
      { method: 'POST', path: '/tokens', reply: { status: 401, json: { error: 'no' } } },
    ]);
    const result = await run({ user: 'ann', account: 'a1' });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'token',
      workflowId: 'login',
      statusCode: 401,
      reason: 'criteria',
    });
    expect(result.outputs).toEqual({});
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /tokens',
    ]);
  });

  it('fails the step, sending nothing, when the inputs break the called workflow’s schema', async () => {
    server = await startServer([]);
    const result = await run({ user: 'al', account: 'a1' });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'auth',
      statusCode: null,
      reason: 'evaluation',
    });
    expect(result.failure?.workflowId).toBeUndefined();
    expect(server.requests).toEqual([]);
  });
});

describe('conformance: a stop inside a called workflow', () => {
  it('ends the caller too: its retry is not taken once the step budget is spent', async () => {
    server = await startServer([]);
    const waits: number[] = [];
    const result = await runCase({
      document,
      workflowId: 'patientLogin',
      inputs: { user: 'alice' },
      runner: {
        baseUrl: server.url,
        maxSteps: 1,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'token',
      workflowId: 'login',
      reason: 'step-budget',
    });
    expect(waits).toEqual([]);
    expect(server.requests).toEqual([]);
    // `token` never started: only the workflow step that called it has a record.
    expect(result.steps.map((step) => [step.stepId, step.outcome])).toEqual([['auth', 'failure']]);
  });
});
