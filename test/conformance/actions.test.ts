import { describe, expect, it } from 'vitest';
import {
  caseFile,
  type RecordingServer,
  type Reply,
  runCase,
  serversClosedAfterEach,
} from './harness.ts';

const document = caseFile('actions', 'actions.arazzo.yaml');
let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const started: Reply = { status: 202, json: { id: 'j1' } };
const states =
  (...bodies: Record<string, unknown>[]) =>
  (_: unknown, nth: number) => ({
    json: bodies[Math.min(nth, bodies.length) - 1],
  });

const run = async () =>
  runCase({ document, workflowId: 'pollJob', runner: { baseUrl: server?.url ?? '' } });
const calls = () => server?.requests.map((request) => `${request.method} ${request.url}`);

describe('conformance: end, goto and retry actions (step-level and reusable)', () => {
  it('retries a 503 through a reusable retry action, honouring Retry-After, then follows gotos to completion', async () => {
    server = await startServer([
      {
        method: 'POST',
        path: '/jobs',
        reply: (_, nth) =>
          nth === 1 ? { status: 503, headers: { 'retry-after': '0' }, json: {} } : started,
      },
      {
        method: 'GET',
        path: '/jobs/j1',
        reply: states({ state: 'running' }, { state: 'running' }, { state: 'done' }),
      },
      { method: 'GET', path: '/reports', reply: { json: { total: 3 } } },
    ]);
    const result = await run();
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ state: 'done', total: 3 });
    expect(calls()).toEqual([
      'POST /jobs',
      'POST /jobs',
      'GET /jobs/j1',
      'GET /jobs/j1',
      'GET /jobs/j1',
      'GET /reports',
    ]);
    expect(result.steps.map((step) => [step.stepId, step.outcome])).toEqual([
      ['start', 'success'],
      ['poll', 'goto:poll'],
      ['poll', 'goto:poll'],
      ['poll', 'success'],
      ['report', 'success'],
    ]);
  });

  it('ends the run (status ended) on a success end action, with the outputs known so far', async () => {
    server = await startServer([
      { method: 'POST', path: '/jobs', reply: started },
      { method: 'GET', path: '/jobs/j1', reply: { json: { state: 'done', report: false } } },
    ]);
    const result = await run();
    expect(result.status).toBe('ended');
    expect(result.endAction).toEqual({ stepId: 'poll', name: 'noReport' });
    expect(result.outputs).toEqual({ state: 'done' });
    expect(calls()).toEqual(['POST /jobs', 'GET /jobs/j1']);
  });

  it('fails the run with reason end-action on a failure end action', async () => {
    server = await startServer([
      { method: 'POST', path: '/jobs', reply: started },
      { method: 'GET', path: '/jobs/j1', reply: { json: { state: 'done' } } },
      { method: 'GET', path: '/reports', reply: { status: 404, json: {} } },
    ]);
    const result = await run();
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'report',
      statusCode: 404,
      reason: 'end-action',
    });
    expect(calls()).toEqual(['POST /jobs', 'GET /jobs/j1', 'GET /reports']);
  });

  it('stops retrying at retryLimit and fails with the last answer', async () => {
    server = await startServer([
      { method: 'POST', path: '/jobs', reply: { status: 503, json: {} } },
    ]);
    const result = await run();
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'start', statusCode: 503, reason: 'criteria' });
    expect(calls()).toEqual(['POST /jobs', 'POST /jobs', 'POST /jobs', 'POST /jobs']);
  });
});
