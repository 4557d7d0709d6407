import { describe, expect, it } from 'vitest';
import {
  caseFile,
  caseIssues,
  type RecordingServer,
  runCase,
  serversClosedAfterEach,
} from './harness.ts';

const document = caseFile('multiple-sources', 'multiple-sources.arazzo.yaml');
const startServer = serversClosedAfterEach();
const start = async (...routes: Parameters<typeof startServer>[0]) => startServer(routes);

const withoutRaw = (server: RecordingServer) =>
  server.requests.map(({ rawHeaders: _raw, ...request }) => request);

describe('conformance: more than one source description', () => {
  it('sends each step to its own source’s server, with exactly the document’s headers and body', async () => {
    // Prepare
    const pets = await start({
      method: 'GET',
      path: '/pets/p-1',
      reply: { json: { id: 'p-1', name: 'Rex' } },
    });
    const stores = await start(
      {
        method: 'POST',
        path: '/shop/stores/s-9/orders',
        reply: { status: 201, json: { orderId: 'o-5' } },
      },
      { method: 'GET', path: '/shop/status', reply: { json: { up: true } } },
    );
    // Act
    const result = await runCase({
      document,
      workflowId: 'orderPet',
      inputs: { petId: 'p-1', storeId: 's-9' },
      runner: { servers: { pets: pets.url, stores: `${stores.url}/shop` } },
    });
    // Assess
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ name: 'Rex', orderId: 'o-5' });
    expect(withoutRaw(pets)).toEqual([{ method: 'GET', url: '/pets/p-1', headers: {} }]);
    expect(withoutRaw(stores)).toEqual([
      {
        method: 'POST',
        url: '/shop/stores/s-9/orders',
        headers: { 'x-catalog': './pets.openapi.yaml', 'content-type': 'application/json' },
        body: '{"petId":"p-1","name":"Rex"}',
      },
      { method: 'GET', url: '/shop/status', headers: {} },
    ]);
    expect(result.trace.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'GET /pets/p-1',
      'POST /shop/stores/s-9/orders',
      'GET /shop/status',
    ]);
  });

  it('fails on the step of the source whose answer breaks its criteria, sending nothing after it', async () => {
    // Prepare
    const pets = await start({
      method: 'GET',
      path: '/pets/p-1',
      reply: { json: { name: 'Rex' } },
    });
    const stores = await start({
      method: 'POST',
      path: '/stores/s-9/orders',
      reply: { status: 409 },
    });
    // Act
    const result = await runCase({
      document,
      workflowId: 'orderPet',
      inputs: { petId: 'p-1', storeId: 's-9' },
      runner: { baseUrl: pets.url, servers: { stores: stores.url } },
    });
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'order', statusCode: 409, reason: 'criteria' });
    expect(pets.requests.map((request) => request.url)).toEqual(['/pets/p-1']);
    expect(stores.requests.map((request) => request.url)).toEqual(['/stores/s-9/orders']);
  });

  it('refuses an operationId that does not name its source, and every other bad reference, before running', async () => {
    // Act
    const issues = await caseIssues(caseFile('multiple-sources', 'ambiguous.arazzo.yaml'));
    // Assess
    expect(issues).toEqual([
      '/workflows/0/steps/0/operationId: operationId "getStatus" must be written $sourceDescriptions.<name>.getStatus when there is more than one openapi source description; it is in: pets, stores',
      '/workflows/0/steps/1/operationId: operationId "getPet" must be written $sourceDescriptions.<name>.getPet when there is more than one openapi source description; it is in: pets',
      '/workflows/0/steps/2/operationId: unknown source description "vets" (the document has: pets, stores)',
      '/workflows/0/steps/3/operationId: operationId "getPet" is not in source description "stores"',
    ]);
  });
});
