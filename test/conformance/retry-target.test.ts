import { describe, expect, it } from 'vitest';
import {
  caseFile,
  type RecordingServer,
  type Reply,
  runCase,
  serversClosedAfterEach,
} from './harness.ts';

const document = caseFile('retry-target', 'retry-target.arazzo.yaml');
let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const run = async () =>
  runCase({ document, workflowId: 'fetch', runner: { baseUrl: server?.url ?? '' } });
const calls = () => server?.requests.map((request) => `${request.method} ${request.url}`);

/** `/data` answers `first`, then 200 with a value; `/sessions` and `/tokens/renew` as given. */
const serve = (first: Reply, renew: Reply = { status: 200, json: {} }) =>
  startServer([
    { method: 'POST', path: '/sessions', reply: { status: 201, json: {} } },
    { method: 'POST', path: '/tokens/renew', reply: renew },
    {
      method: 'GET',
      path: '/data',
      reply: (_, nth) => (nth === 1 ? first : { json: { value: 42 } }),
    },
  ]);

describe('conformance: retry actions with a target step or workflow', () => {
  it('runs the target workflow, then retries the step', async () => {
    server = await serve({ status: 401, json: {} });
    const result = await run();
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ value: 42 });
    expect(calls()).toEqual(['POST /sessions', 'GET /data', 'POST /tokens/renew', 'GET /data']);
    expect(result.steps.map((step) => [step.workflowId, step.stepId, step.outcome])).toEqual([
      [undefined, 'login', 'goto:read'],
      [undefined, 'read', 'success'],
      ['refresh', 'renew', 'success'],
    ]);
  });

  it('runs the target step without following its goto, then retries the step', async () => {
    server = await serve({ status: 403, json: {} });
    const result = await run();
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ value: 42 });
    expect(calls()).toEqual(['POST /sessions', 'GET /data', 'POST /sessions', 'GET /data']);
    expect(result.steps.map((step) => [step.stepId, step.outcome])).toEqual([
      ['login', 'goto:read'],
      ['read', 'success'],
      ['login', 'success'],
    ]);
  });

  it('fails the run with the target workflow’s failure', async () => {
    server = await serve({ status: 401, json: {} }, { status: 500, json: {} });
    const result = await run();
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'renew',
      workflowId: 'refresh',
      statusCode: 500,
    });
    expect(calls()).toEqual(['POST /sessions', 'GET /data', 'POST /tokens/renew']);
  });

  it('stops retrying at retryLimit and fails with the step’s own answer', async () => {
    server = await startServer([
      { method: 'POST', path: '/sessions', reply: { status: 201, json: {} } },
      { method: 'POST', path: '/tokens/renew', reply: { status: 200, json: {} } },
      { method: 'GET', path: '/data', reply: { status: 401, json: {} } },
    ]);
    const result = await run();
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'read', statusCode: 401, reason: 'criteria' });
    expect(result.failure?.workflowId).toBeUndefined();
    expect(calls()).toEqual(['POST /sessions', 'GET /data', 'POST /tokens/renew', 'GET /data']);
  });
});
