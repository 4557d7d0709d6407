import { describe, expect, it } from 'vitest';
import { caseFile, type RecordingServer, runCase, serversClosedAfterEach } from './harness.ts';

let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

describe('conformance: form, JSON (with replacements) and text request bodies', () => {
  it('encodes each body as its content type says, with runtime values substituted', async () => {
    server = await startServer([
      { method: 'POST', path: '/login', reply: { json: { token: 't0k' } } },
      { method: 'POST', path: '/orders', reply: { status: 201, json: { id: 'o-9' } } },
      { method: 'POST', path: '/notes', reply: { status: 204 } },
    ]);
    const result = await runCase({
      document: caseFile('bodies', 'bodies.arazzo.yaml'),
      workflowId: 'order',
      inputs: { user: 'ana b', password: 'p&ss=1', quantity: 2 },
      runner: { baseUrl: server.url },
    });
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ orderId: 'o-9' });
    expect(server.requests.map(({ rawHeaders: _raw, ...request }) => request)).toEqual([
      {
        method: 'POST',
        url: '/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=ana+b&password=p%26ss%3D1',
      },
      {
        method: 'POST',
        url: '/orders',
        headers: { authorization: 'Bearer t0k', 'content-type': 'application/json' },
        body: '{"items":[{"sku":"A-1","quantity":2}],"note":"for ana b"}',
      },
      {
        method: 'POST',
        url: '/notes',
        headers: { 'content-type': 'text/plain' },
        body: 'order o-9 placed',
      },
    ]);
  });
});
