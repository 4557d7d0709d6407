/**
 * What the Respect comparison runs against: a loopback billing API answering the seed workflow's two requests as
 * `test/integration/arazzo/seed-workflow.test.ts` does, and a directory laid out the way the unmodified seed
 * expects (its source url is `../openapi/amberflo-billing-openapi.yaml`, and Respect has no flag to point it
 * elsewhere). Not the Amberflo emulator: the seed assigns a plan with `productId`, where Amberflo (and so the
 * emulator) requires `productPlanId`, so there the seed fails at its second step for every executor.
 */
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SEED = `${ROOT}test/fixtures/arazzo/seed.arazzo.yaml`;
export const SEED_OPENAPI = `${ROOT}test/fixtures/arazzo/seed-billing.openapi.yaml`;
export const SEED_WORKFLOW_ID = 'create-customer-and-assign-plan';
export const SEED_API_KEY = 'bench-seed-key';

export type SeedServer = {
  readonly url: string;
  /** Requests answered 200 whose customerId starts with `prefix`, with the body the seed must send. */
  readonly served: (prefix: string) => number;
  readonly stop: () => Promise<void>;
};

const readJson = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
};

/** True when the request is one of the seed's two, carrying the API key and the fields the seed maps. */
const isSeedRequest = (request: IncomingMessage, body: Record<string, unknown>): boolean => {
  if (request.method !== 'POST' || request.headers['x-api-key'] !== SEED_API_KEY) return false;
  if (request.url === '/customers') return body['lifecycleStage'] === 'ACTIVE';
  return request.url === '/payments/pricing/amberflo/customer-pricing' && 'productId' in body;
};

export const startSeedServer = async (): Promise<SeedServer> => {
  const served = new Map<string, number>();
  const server = createServer(async (request, response) => {
    const body = await readJson(request);
    response.setHeader('content-type', 'application/json');
    if (!isSeedRequest(request, body)) {
      response.statusCode = 400;
      response.end('{"errorMessage":"not a seed request"}');
      return;
    }
    const customerId = String(body['customerId']);
    const prefix = customerId.split('-')[0] ?? '';
    served.set(prefix, (served.get(prefix) ?? 0) + 1);
    const { productId } = body;
    response.end(JSON.stringify({ customerId, customerName: body['customerName'], productId }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: (prefix) => served.get(prefix) ?? 0,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
};

/**
 * A temporary directory with `arazzo/seed.arazzo.yaml` (the fixture, unmodified), `copies` more copies of it
 * (`arazzo/seed-<n>.arazzo.yaml`, one per warm Respect run) and the stand-in OpenAPI at the seed's own relative url.
 */
export const layOutSeed = async (copies: number): Promise<{ dir: string; seeds: string[] }> => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-seed-'));
  await mkdir(join(dir, 'arazzo'));
  await mkdir(join(dir, 'openapi'));
  await copyFile(SEED_OPENAPI, join(dir, 'openapi', 'amberflo-billing-openapi.yaml'));
  await copyFile(SEED, join(dir, 'arazzo', 'seed.arazzo.yaml'));
  const seeds = Array.from({ length: copies }, (_, n) =>
    join(dir, 'arazzo', `seed-${String(n).padStart(3, '0')}.arazzo.yaml`),
  );
  for (const seed of seeds) await copyFile(SEED, seed);
  return { dir, seeds };
};
