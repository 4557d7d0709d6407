import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkflowFailureClassifier } from '../../../lib/amberflo/classify.ts';
import { createAmberfloHttp } from '../../../lib/amberflo/http.ts';
import { createWorkflowRunner } from '../../../lib/arazzo/index.ts';
import { compileArazzoFileOrThrow } from '../../../tools/arazzo/build-time.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SEED = 'test/fixtures/arazzo/seed.arazzo.yaml';
const OPENAPI = 'test/fixtures/arazzo/seed-billing.openapi.yaml';
const API_KEY = 'seed-test-key-4711';
const run = promisify(execFile);

type Received = { method: string; url: string; apiKey: string | undefined; body: unknown };

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

describe('the seed workflow, unmodified, against a loopback billing API', () => {
  let server: Server;
  let baseUrl: string;
  let received: Received[] = [];
  let assignStatus = 200;

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const text = await readBody(request);
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        apiKey: request.headers['x-api-key'] as string | undefined,
        body,
      });
      const record = (body ?? {}) as Record<string, unknown>;
      response.setHeader('content-type', 'application/json');
      if (request.method === 'POST' && request.url === '/customers') {
        response.end(
          JSON.stringify({
            customerId: record['customerId'],
            customerName: record['customerName'],
          }),
        );
        return;
      }
      if (
        request.method === 'POST' &&
        request.url === '/payments/pricing/amberflo/customer-pricing'
      ) {
        response.statusCode = assignStatus;
        response.end(
          assignStatus === 200
            ? JSON.stringify({ customerId: record['customerId'], productId: record['productId'] })
            : JSON.stringify({ errorMessage: 'plan not found' }),
        );
        return;
      }
      response.statusCode = 404;
      response.end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    received = [];
    assignStatus = 200;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  /** The seed compiled from the fixture and bound to the loopback server through the Amberflo HTTP layer. */
  const createSeedRunner = async () => {
    const compiled = await compileArazzoFileOrThrow({
      documentPath: `${ROOT}${SEED}`,
      sources: { billingApi: `${ROOT}${OPENAPI}` },
    });
    const http = createAmberfloHttp({ baseUrl, timeoutMs: 5000, getApiKey: () => 'unused' });
    return createWorkflowRunner(compiled, {
      baseUrl: http.baseUrl,
      send: http.send,
      classify: createWorkflowFailureClassifier(http.knownSecrets),
    });
  };

  it('runs through the library: creates the customer, assigns the plan, omits absent inputs', async () => {
    // Prepare
    const runner = await createSeedRunner();
    // Act
    const result = await runner.run('create-customer-and-assign-plan', {
      apiKey: API_KEY,
      customerId: 'cust-1',
      customerName: 'Acme',
      productId: 'plan-gold',
    });
    // Assess
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ customerId: 'cust-1', assignedProductId: 'plan-gold' });
    expect(received).toEqual([
      {
        method: 'POST',
        url: '/customers',
        apiKey: API_KEY,
        body: { customerId: 'cust-1', customerName: 'Acme', lifecycleStage: 'ACTIVE' },
      },
      {
        method: 'POST',
        url: '/payments/pricing/amberflo/customer-pricing',
        apiKey: API_KEY,
        body: { customerId: 'cust-1', productId: 'plan-gold' },
      },
    ]);
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it('keeps the integer type of startTime in the assign payload', async () => {
    // Prepare
    const runner = await createSeedRunner();
    // Act
    await runner.run('create-customer-and-assign-plan', {
      apiKey: API_KEY,
      customerId: 'cust-2',
      customerName: 'Beta',
      customerEmail: 'b@example.com',
      productId: 'plan-x',
      startTime: 1767225600000,
    });
    // Assess
    expect(received.map((entry) => entry.body)).toEqual([
      {
        customerId: 'cust-2',
        customerName: 'Beta',
        customerEmail: 'b@example.com',
        lifecycleStage: 'ACTIVE',
      },
      { customerId: 'cust-2', productId: 'plan-x', startTime: 1767225600000 },
    ]);
  });

  const cli = async (args: readonly string[]) => {
    try {
      const { stdout, stderr } = await run('npx', ['node', 'tools/arazzo/cli.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, AMBERFLO_API_KEY: API_KEY },
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  const inputs = JSON.stringify({
    apiKey: API_KEY,
    customerId: 'cli-1',
    customerName: 'Cli',
    productId: 'p-1',
  });

  /** `run` of the seed against the loopback server, with its stand-in source; later flags win. */
  const runArgs = (...extra: readonly string[]): string[] => [
    'run',
    SEED,
    '--workflow',
    'create-customer-and-assign-plan',
    '--server',
    baseUrl,
    '--source',
    `billingApi=${OPENAPI}`,
    ...extra,
  ];

  it('runs through the CLI and exits 0 with the RunResult on stdout', async () => {
    // Prepare
    const args = runArgs('--inputs', inputs);
    // Act
    const { code, stdout } = await cli(args);
    // Assess
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { status: string; outputs: unknown };
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ customerId: 'cli-1', assignedProductId: 'p-1' });
    expect(stdout).not.toContain(API_KEY);
  });

  it('exits 1 when the API rejects a step', async () => {
    // Prepare
    assignStatus = 400;
    const args = runArgs('--inputs', inputs);
    // Act
    const { code, stdout } = await cli(args);
    // Assess
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as { status: string; failure: Record<string, unknown> };
    expect(result.failure).toMatchObject({
      stepId: 'assignPlan',
      statusCode: 400,
      reason: 'criteria',
      code: 'AMBERFLO_REJECTED',
    });
  });

  it.each([
    ['invalid inputs', ['--inputs', JSON.stringify({ customerId: 'x' })]],
    ['inputs that are not JSON', ['--inputs', '{nope']],
    [
      'a document whose source cannot be found',
      ['--inputs', inputs, '--source', 'billingApi=missing.yaml'],
    ],
  ])('exits 2 for %s without sending anything', async (_name, extra) => {
    // Prepare
    const args = runArgs(...extra);
    // Act
    const { code } = await cli(args);
    // Assess
    expect(code).toBe(2);
    expect(received).toEqual([]);
  });

  it('validates the seed through the CLI: 0 with the source, 2 with every problem listed without it', async () => {
    // Prepare
    const valid = ['validate', SEED, '--source', `billingApi=${OPENAPI}`];
    const invalid = ['validate', SEED];
    // Act
    const results = [await cli(valid), await cli(invalid)];
    // Assess
    expect(results[0]).toMatchObject({ code: 0, stdout: 'valid\n' });
    expect(results[1]?.code).toBe(2);
    expect(results[1]?.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^\/sourceDescriptions\/0\/url: cannot load source "billingApi"/),
      '/workflows/0/steps/0/operationId: operationId "createCustomer" is not in the source description',
      '/workflows/0/steps/1/operationId: operationId "assignPricingPlan" is not in the source description',
    ]);
  });
});
