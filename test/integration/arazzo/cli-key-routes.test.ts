import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  type Route,
  serversClosedAfterEach,
} from '../../conformance/harness.ts';
import { runCliFromSource } from './cli-process.ts';

// Where `arazzo run` sends the API key, and how it words each API's failures (docs/arazzo.md §12), as a process.
const KEYS = 'test/fixtures/arazzo/key-sources/key-sources.arazzo.yaml';
const API_KEY = 'key-routes-secret-8086';

const cli = async (args: readonly string[]) =>
  runCliFromSource(args, { AMBERFLO_API_KEY: API_KEY });

const startServer = serversClosedAfterEach();
const start = async (...routes: Route[]) => startServer(routes);
const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true });
});

const customerRoute: Route = {
  method: 'GET',
  path: '/customers',
  reply: { json: { planId: 'gold' } },
};
const planRoute: Route = { method: 'GET', path: '/plans/gold', reply: { json: { name: 'Gold' } } };

/** A billing description (in place of the fixture's) with these servers, and these for its operation. */
const billingFile = async (servers: readonly string[], operationServers?: readonly string[]) => {
  const directory = await mkdtemp(join(tmpdir(), 'key-routes-'));
  directories.push(directory);
  const list = (urls: readonly string[]) => JSON.stringify(urls.map((url) => ({ url })));
  const own = operationServers === undefined ? '' : `servers: ${list(operationServers)},`;
  const text = `openapi: 3.1.0
info: { title: billing, version: "1" }
servers: ${list(servers)}
paths:
  /customers:
    get: { operationId: getCustomer, ${own}
      parameters: [{ name: customerId, in: query, required: true, schema: { type: string } }],
      responses: { "200": { description: the customer } } }
`;
  const path = join(directory, 'billing.openapi.yaml');
  await writeFile(path, text);
  return path;
};

const run = (...extra: string[]) =>
  cli(['run', KEYS, '--workflow', 'planOfCustomer', '--inputs', '{"customerId":"c-1"}', ...extra]);

const keysSeen = (server: RecordingServer) =>
  server.requests.map((request) => request.headers['x-api-key'] ?? null);

describe('arazzo run: the API key goes only to the servers allowed', () => {
  it('sends no key to a server an Amberflo source lists before its amberflo.io one', async () => {
    // Prepare
    const billing = await start(customerRoute);
    const catalog = await start(planRoute);
    const file = await billingFile([billing.url, 'https://app.amberflo.io']);
    // Act
    const { code } = await run('--source', `billing=${file}`, '--server', `catalog=${catalog.url}`);
    // Assess
    expect(code).toBe(0);
    expect(keysSeen(billing)).toEqual([null]);
    expect(keysSeen(catalog)).toEqual([null]);
  });

  it("sends no key to an operation's own server on another host", async () => {
    // Prepare
    const billing = await start(customerRoute);
    const catalog = await start(planRoute);
    const file = await billingFile(['https://app.amberflo.io'], [billing.url]);
    // Act
    const { code } = await run('--source', `billing=${file}`, '--server', `catalog=${catalog.url}`);
    // Assess
    expect(code).toBe(0);
    expect(keysSeen(billing)).toEqual([null]);
  });

  it('sends the key to the server the operator chose for the Amberflo source, or named with --api-key-source', async () => {
    // Prepare
    const billing = await start(customerRoute);
    const catalog = await start(planRoute);
    const file = await billingFile([billing.url, 'https://app.amberflo.io']);
    const catalogServer = ['--server', `catalog=${catalog.url}`];
    // Act
    const chosen = await run(
      '--source',
      `billing=${file}`,
      '--server',
      `billing=${billing.url}`,
      ...catalogServer,
    );
    const named = await run(
      '--source',
      `billing=${file}`,
      '--api-key-source',
      'billing',
      ...catalogServer,
    );
    // Assess
    expect([chosen.code, named.code]).toEqual([0, 0]);
    expect(keysSeen(billing)).toEqual([API_KEY, API_KEY]);
    expect(keysSeen(catalog)).toEqual([null, null]);
    expect(chosen.stdout + named.stdout).not.toContain(API_KEY);
  });

  it('sends the key through a bare --server to the Amberflo source only, never to the other API', async () => {
    // Prepare
    const both = await start(customerRoute, planRoute);
    // Act
    const { code } = await run('--server', both.url);
    // Assess
    expect(code).toBe(0);
    expect(
      both.requests.map((request) => [request.url, request.headers['x-api-key'] ?? null]),
    ).toEqual([
      ['/customers?customerId=c-1', API_KEY],
      ['/plans/gold', null],
    ]);
  });
});

describe('arazzo run: each API’s failures in its own words', () => {
  it('words another API’s failure generically and Amberflo’s as Amberflo’s', async () => {
    // Prepare
    const billing = await start(customerRoute);
    const catalog = await start({
      method: 'GET',
      path: '/plans/gold',
      reply: { status: 404, json: { message: 'no such plan' } },
    });
    const failing = await start({
      method: 'GET',
      path: '/customers',
      reply: { status: 503, json: {} },
    });
    // Act
    const other = await run(
      '--server',
      `billing=${billing.url}`,
      '--server',
      `catalog=${catalog.url}`,
    );
    const amberflo = await run(
      '--server',
      `billing=${failing.url}`,
      '--server',
      `catalog=${catalog.url}`,
    );
    // Assess
    expect([other.code, amberflo.code]).toEqual([1, 1]);
    const otherFailure = JSON.parse(other.stdout).failure;
    expect(otherFailure).toMatchObject({ stepId: 'plan', statusCode: 404, code: 'HTTP_404' });
    expect(otherFailure.message).toBe('HTTP 404 from source "catalog": {"message":"no such plan"}');
    expect(JSON.parse(amberflo.stdout).failure).toMatchObject({
      stepId: 'customer',
      code: 'AMBERFLO_UNAVAILABLE',
      message: expect.stringMatching(/^Amberflo unavailable: HTTP 503/),
    });
  });
});
