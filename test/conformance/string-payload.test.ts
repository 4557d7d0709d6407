import { describe, expect, it } from 'vitest';
import { caseFile, type RecordingServer, runCase, serversClosedAfterEach } from './harness.ts';

const document = caseFile('string-payload', 'string-payload.arazzo.yaml');
let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const start = async () => {
  server = await startServer([
    { method: 'POST', path: '/oauth/token', reply: { json: { token: 't' } } },
    { method: 'POST', path: '/store/order', reply: { json: { id: 'o-1' } } },
    { method: 'POST', path: '/notes', reply: { status: 204 } },
  ]);
  return server;
};

describe('conformance: string payloads are sent as the string itself', () => {
  it('sends the spec JSON templated example, a form string and a text string exactly', async () => {
    const recording = await start();
    const result = await runCase({
      document,
      workflowId: 'orderPet',
      inputs: { pet_id: 7, coupon_code: 'SAVE "10"', quantity: 2, clientId: 'app&x=1' },
      runner: { baseUrl: recording.url },
    });
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ sentPetId: '7', orderId: 'o-1' });
    expect(recording.requests.map(({ rawHeaders: _raw, ...request }) => request)).toEqual([
      {
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'client_id=app%26x%3D1&grant_type=client_credentials',
      },
      {
        method: 'POST',
        url: '/store/order',
        headers: { 'content-type': 'application/json' },
        body: `{
  "petOrder": {
    "petId": "7",
    "couponCode": "SAVE \\"10\\"",
    "quantity": "2",
    "status": "placed",
    "complete": false
  }
}
`,
      },
      {
        method: 'POST',
        url: '/store/order',
        headers: { 'content-type': 'application/json' },
        body: '{"orderId":"o-1","lines":[2]}',
      },
      {
        method: 'POST',
        url: '/notes',
        headers: { 'content-type': 'text/plain' },
        body: 'order o-1: SAVE "10"',
      },
    ]);
  });
});
