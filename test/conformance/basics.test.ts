import { describe, expect, it } from 'vitest';
import { caseFile, type RecordingServer, runCase, serversClosedAfterEach } from './harness.ts';

const document = caseFile('basics', 'basics.arazzo.yaml');
let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

describe('conformance: an operation step, parameters, a JSON body, criteria and outputs', () => {
  it('sends exactly the requests the document describes and returns its outputs', async () => {
    server = await startServer([
      { method: 'POST', path: '/pets', reply: { status: 201, json: { id: 'p-7' } } },
      {
        method: 'GET',
        path: '/pets/p-7',
        reply: { json: { id: 'p-7', name: 'Rex', status: 'available' } },
      },
    ]);
    const result = await runCase({
      document,
      workflowId: 'adoptPet',
      inputs: { name: 'Rex' },
      runner: { baseUrl: server.url },
    });
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ petId: 'p-7', status: 'available' });
    expect(server.requests.map(({ rawHeaders: _raw, ...request }) => request)).toEqual([
      {
        method: 'POST',
        url: '/pets',
        headers: { 'x-request-id': 'req-Rex', 'content-type': 'application/json' },
        body: '{"name":"Rex","tags":["new"]}',
      },
      { method: 'GET', url: '/pets/p-7?verbose=true', headers: {} },
    ]);
  });

  it('fails the run on the step whose criteria do not hold, and sends nothing after it', async () => {
    server = await startServer([
      { method: 'POST', path: '/pets', reply: { status: 200, json: { id: 'p-7' } } },
    ]);
    const result = await runCase({
      document,
      workflowId: 'adoptPet',
      inputs: { name: 'Rex' },
      runner: { baseUrl: server.url },
    });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'create', statusCode: 200 });
    expect(server.requests.map((request) => request.url)).toEqual(['/pets']);
  });
});
