import { describe, expect, it } from 'vitest';
import { caseFile, type RecordingServer, runCase, serversClosedAfterEach } from './harness.ts';

const document = caseFile('goto-workflow', 'goto-workflow.arazzo.yaml');
let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const run = async () =>
  runCase({
    document,
    workflowId: 'checkout',
    inputs: { item: 'i1' },
    runner: { baseUrl: server?.url ?? '' },
  });
const sent = () =>
  server?.requests.map((request) => [request.method, request.url, request.body ?? '']);

describe('conformance: a goto to another workflow', () => {
  it('does not transfer when the step succeeds', async () => {
    server = await startServer([
      { method: 'POST', path: '/reservations', reply: { status: 201, json: { id: 'r1' } } },
      { method: 'POST', path: '/payments', reply: { status: 201, json: { id: 'p1' } } },
    ]);
    const result = await run();
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ reservation: 'r1', payment: 'p1' });
    expect(sent()).toEqual([
      ['POST', '/reservations', '{"item":"i1"}'],
      ['POST', '/payments', '{"reservation":"r1"}'],
    ]);
  });

  it('transfers for good: the target runs with the current inputs and its end ends the run', async () => {
    server = await startServer([
      { method: 'POST', path: '/reservations', reply: { status: 409, json: {} } },
      { method: 'POST', path: '/waitlist', reply: { status: 201, json: { position: 4 } } },
    ]);
    const result = await run();
    expect(result.status).toBe('ended');
    expect(result.endAction).toEqual({ stepId: 'join', name: 'listed', workflowId: 'waitlist' });
    expect(result.outputs).toEqual({});
    expect(sent()).toEqual([
      ['POST', '/reservations', '{"item":"i1"}'],
      ['POST', '/waitlist', '{"item":"i1"}'],
    ]);
    expect(result.steps.map((step) => [step.workflowId, step.stepId, step.outcome])).toEqual([
      [undefined, 'reserve', 'goto:waitlist'],
      ['waitlist', 'join', 'end'],
    ]);
    expect(result.handledFailures).toMatchObject([{ stepId: 'reserve', statusCode: 409 }]);
  });

  it('fails the run when the target workflow fails', async () => {
    server = await startServer([
      { method: 'POST', path: '/reservations', reply: { status: 409, json: {} } },
      { method: 'POST', path: '/waitlist', reply: { status: 400, json: {} } },
    ]);
    const result = await run();
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'join',
      workflowId: 'waitlist',
      statusCode: 400,
      reason: 'criteria',
    });
    expect(sent()?.map(([method, url]) => `${method} ${url}`)).toEqual([
      'POST /reservations',
      'POST /waitlist',
    ]);
  });
});

describe('conformance: a polling loop of gotos to the same workflow', () => {
  const poll = (maxSteps: number) =>
    runCase({
      document,
      workflowId: 'poll',
      inputs: { job: 'j1' },
      runner: { baseUrl: server?.url ?? '', maxSteps },
    });
  const pendingThenDone = (pending: number) => [
    {
      method: 'GET',
      path: '/jobs/j1',
      reply: (_request: unknown, nth: number) => ({
        json: { state: nth > pending ? 'done' : 'pending' },
      }),
    },
  ];

  it('runs past 16 transfers: the step budget bounds it, not the call depth', async () => {
    server = await startServer(pendingThenDone(20));
    const result = await poll(100);
    expect(result.status).toBe('completed');
    expect(server.requests).toHaveLength(21);
    expect(result.steps.every((step) => step.workflowId === undefined)).toBe(true);
    expect(result.steps.at(-1)).toMatchObject({ stepId: 'check', outcome: 'success' });
  });

  it('fails with reason step-budget when the job never finishes', async () => {
    server = await startServer(pendingThenDone(1_000));
    const result = await poll(30);
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'check',
      reason: 'step-budget',
      statusCode: 200,
    });
    expect(server.requests).toHaveLength(30);
  });
});
