import { describe, expect, it } from 'vitest';
import { caseFile, type RecordingServer, runCase, serversClosedAfterEach } from './harness.ts';

let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

describe('conformance: components and workflow-level parameters and actions', () => {
  const start = async (status: string) => {
    server = await startServer([
      { method: 'GET', path: '/pets/p1', reply: { json: { id: 'p1', status } } },
    ]);
    return runCase({
      document: caseFile('reuse', 'reuse.arazzo.yaml'),
      workflowId: 'readTwice',
      inputs: { petId: 'p1' },
      runner: { baseUrl: server.url },
    });
  };

  it('sends the workflow parameters, a step overriding one by name and in', async () => {
    const result = await start('available');
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ status: 'available' });
    expect(server?.requests.map((request) => request.headers)).toEqual([
      { 'x-tenant': 'acme', 'x-trace': 'step' },
      { 'x-tenant': 'acme', 'x-trace': 'workflow' },
    ]);
  });

  it('applies a reusable workflow-level success action to every step', async () => {
    const result = await start('sold');
    expect(result.status).toBe('ended');
    expect(result.endAction).toEqual({ stepId: 'first', name: 'stopWhenSold' });
    expect(server?.requests).toHaveLength(1);
  });
});
