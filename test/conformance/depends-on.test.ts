import { describe, expect, it } from 'vitest';
import { caseFile, type RecordingServer, runCase, serversClosedAfterEach } from './harness.ts';

const document = caseFile('depends-on', 'depends-on.arazzo.yaml');
let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const run = async () =>
  runCase({
    document,
    workflowId: 'report',
    inputs: { who: 'ops' },
    runner: { baseUrl: server?.url ?? '' },
  });

describe('conformance: dependsOn and $workflows expressions', () => {
  it('completes each dependency once, in order, with the run’s inputs, before the first step', async () => {
    server = await startServer([
      { method: 'POST', path: '/sessions', reply: { status: 201, json: { id: 's-1' } } },
      { method: 'POST', path: '/audits', reply: { status: 204 } },
      { method: 'GET', path: '/reports', reply: { json: { total: 12 } } },
    ]);
    const result = await run();
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ total: 12, session: 's-1', auditedBy: 'ops' });
    expect(server.requests.map(({ rawHeaders: _raw, ...request }) => request)).toEqual([
      { method: 'POST', url: '/sessions', headers: {} },
      {
        method: 'POST',
        url: '/audits',
        headers: { 'content-type': 'application/json' },
        body: '{"session":"s-1","who":"ops"}',
      },
      { method: 'GET', url: '/reports?session=s-1', headers: {} },
    ]);
    expect(result.steps.map((step) => [step.workflowId, step.stepId])).toEqual([
      ['setup', 'open'],
      ['audit', 'record'],
      [undefined, 'read'],
    ]);
  });

  it('fails the run with a failed dependency’s failure, sending nothing more', async () => {
    server = await startServer([
      { method: 'POST', path: '/sessions', reply: { status: 500, json: {} } },
    ]);
    const result = await run();
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'open', workflowId: 'setup', statusCode: 500 });
    expect(result.outputs).toEqual({});
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /sessions',
    ]);
  });
});
