import { describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  type Route,
  serversClosedAfterEach,
} from '../../conformance/harness.ts';
import { runCliFromSource } from './cli-process.ts';

const MULTIPLE = 'test/conformance/cases/multiple-sources/multiple-sources.arazzo.yaml';
const KEYS = 'test/fixtures/arazzo/key-sources/key-sources.arazzo.yaml';
const ABSENT = 'test/fixtures/arazzo/absent-parameter/absent-parameter.arazzo.yaml';
const API_KEY = 'cli-sources-key-5150';

const cli = runCliFromSource;

const startServer = serversClosedAfterEach();
const start = async (...routes: Route[]) => startServer(routes);

/** Each request as received: method, path and query, and every header but the ones fetch itself adds. */
const received = (server: RecordingServer) =>
  server.requests.map(({ method, url, headers, body }) => ({
    method,
    url,
    headers,
    ...(body === undefined ? {} : { body }),
  }));

const petRoutes: Route[] = [{ method: 'GET', path: '/pets/p-1', reply: { json: { name: 'Rex' } } }];
const storeRoutes: Route[] = [
  { method: 'POST', path: '/stores/s-9/orders', reply: { status: 201, json: { orderId: 'o-5' } } },
  { method: 'GET', path: '/status', reply: { json: {} } },
];
const orderInputs = ['--inputs', JSON.stringify({ petId: 'p-1', storeId: 's-9' })];

describe('arazzo run with more than one source', () => {
  it('sends each source to its --server with exactly the document’s headers, and needs no API key', async () => {
    // Prepare
    const pets = await start(...petRoutes);
    const stores = await start(...storeRoutes);
    const args = ['run', MULTIPLE, '--workflow', 'orderPet', ...orderInputs];
    // Act
    const { code, stdout } = await cli([
      ...args,
      '--server',
      `pets=${pets.url}`,
      '--server',
      `stores=${stores.url}`,
    ]);
    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'completed', outputs: { orderId: 'o-5' } });
    expect(received(pets)).toEqual([{ method: 'GET', url: '/pets/p-1', headers: {} }]);
    expect(received(stores)).toEqual([
      {
        method: 'POST',
        url: '/stores/s-9/orders',
        headers: { 'x-catalog': './pets.openapi.yaml', 'content-type': 'application/json' },
        body: '{"petId":"p-1","name":"Rex"}',
      },
      { method: 'GET', url: '/status', headers: {} },
    ]);
    // Only fetch's own accept, never the Amberflo layer's.
    expect(pets.requests[0]?.rawHeaders['accept']).toBe('*/*');
  });

  it('keeps a bare --server for every source without its own, and stops at --max-steps', async () => {
    // Prepare
    const both = await start(...petRoutes, ...storeRoutes);
    const args = ['run', MULTIPLE, '--workflow', 'orderPet', ...orderInputs, '--server', both.url];
    // Act
    const all = await cli(args);
    const capped = await cli([...args, '--max-steps', '1']);
    // Assess
    expect(all.code).toBe(0);
    expect(capped.code).toBe(1);
    expect(JSON.parse(capped.stdout)).toMatchObject({
      status: 'failed',
      failure: { stepId: 'order', reason: 'step-budget' },
    });
    expect(both.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /pets/p-1',
      'POST /stores/s-9/orders',
      'GET /status',
      'GET /pets/p-1',
    ]);
  });

  it('sends the API key to the Amberflo source only, and to another source only when named', async () => {
    // Prepare
    const billing = await start({
      method: 'GET',
      path: '/customers',
      reply: { json: { planId: 'gold' } },
    });
    const catalog = await start({
      method: 'GET',
      path: '/plans/gold',
      reply: { json: { name: 'Gold' } },
    });
    const args = [
      'run',
      KEYS,
      '--workflow',
      'planOfCustomer',
      '--inputs',
      '{"customerId":"c-1"}',
      '--server',
      `billing=${billing.url}`,
      '--server',
      `catalog=${catalog.url}`,
    ];
    // Act
    const plain = await cli(args, { AMBERFLO_API_KEY: API_KEY });
    const named = await cli([...args, '--api-key-source', 'catalog'], {
      AMBERFLO_API_KEY: API_KEY,
    });
    // Assess
    expect([plain.code, named.code]).toEqual([0, 0]);
    expect(JSON.parse(plain.stdout)).toMatchObject({ outputs: { planName: 'Gold' } });
    expect(plain.stdout).not.toContain(API_KEY);
    const customerRequest = {
      method: 'GET',
      url: '/customers?customerId=c-1',
      headers: { 'x-api-key': API_KEY },
    };
    expect(received(billing)).toEqual([customerRequest, customerRequest]);
    expect(billing.requests[0]?.rawHeaders['accept']).toBe('application/json');
    expect(received(catalog)).toEqual([
      { method: 'GET', url: '/plans/gold', headers: {} },
      { method: 'GET', url: '/plans/gold', headers: { 'x-api-key': API_KEY } },
    ]);
  });

  it('fails a step whose path parameter is absent, naming the parameter, without sending anything', async () => {
    // Prepare
    const pets = await start(...petRoutes);
    const args = ['run', ABSENT, '--workflow', 'readPet', '--inputs', '{}', '--server', pets.url];
    // Act
    const { code, stdout } = await cli(args);
    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      status: 'failed',
      failure: {
        stepId: 'findPet',
        reason: 'evaluation',
        code: 'EVALUATION',
        message: 'Workflow expression could not be evaluated (path parameter "petId" is absent)',
      },
    });
    expect(pets.requests).toEqual([]);
  });

  it.each([
    [
      'a --server for an unknown source',
      ['--server', 'vets=http://127.0.0.1:9'],
      /servers\.vets \(--server vets=<url>\): the document has no source description "vets"/,
    ],
    [
      'a --server that is not http(s)',
      ['--server', 'pets=ftp://127.0.0.1'],
      /Runner server for source "pets" must use http or https/,
    ],
    [
      'an --api-key-source for an unknown source',
      ['--api-key-source', 'vets'],
      /--api-key-source vets: the document has no source description "vets"/,
    ],
    [
      'a --max-steps that is not a positive integer',
      ['--max-steps', '0'],
      /--max-steps must be a positive integer/,
    ],
  ])('exits 2 for %s without sending anything', async (_name, extra, message) => {
    // Prepare
    const anywhere = await start(...petRoutes, ...storeRoutes);
    const args = [
      'run',
      MULTIPLE,
      '--workflow',
      'orderPet',
      ...orderInputs,
      '--server',
      anywhere.url,
    ];
    // Act
    const { code, stderr } = await cli([...args, ...extra]);
    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(anywhere.requests).toEqual([]);
  });
});
