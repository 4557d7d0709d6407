import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  caseFile,
  compileCase,
  type RecordingServer,
  runCase,
  serversClosedAfterEach,
} from './harness.ts';

let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();
let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The servers case with its port variable's default set to `port`, in a temporary directory. */
const caseOnPort = async (port: string): Promise<string> => {
  dir = await mkdtemp(join(tmpdir(), 'conformance-servers-'));
  const openapi = await readFile(caseFile('servers', 'api.openapi.yaml'), 'utf8');
  await writeFile(join(dir, 'api.openapi.yaml'), openapi.replaceAll('"8080"', `"${port}"`));
  await copyFile(caseFile('servers', 'servers.arazzo.yaml'), join(dir, 'servers.arazzo.yaml'));
  return join(dir, 'servers.arazzo.yaml');
};

describe('conformance: the servers of a source description', () => {
  it('compiles each level of servers with its variables set to their defaults', async () => {
    // Act
    const compiled = await compileCase(caseFile('servers', 'servers.arazzo.yaml'));
    // Assess
    expect(compiled.sources).toEqual([
      {
        name: 'items',
        type: 'openapi',
        url: './api.openapi.yaml',
        servers: ['http://127.0.0.1:8080/v1', 'https://fallback.example'],
      },
    ]);
    expect(compiled.operations['items.getItem']?.servers).toEqual(['http://127.0.0.1:8080/reads']);
    expect(compiled.operations['items.putItem']?.servers).toEqual(['http://127.0.0.1:8080/writes']);
  });

  it('sends each request to the first server declared for its operation when none is configured', async () => {
    // Prepare
    server = await startServer([
      { method: 'GET', path: '/v1/items', reply: { json: ['a-1'] } },
      { method: 'GET', path: '/reads/items/a-1', reply: { json: { id: 'a-1' } } },
      { method: 'PUT', path: '/writes/items/a-1', reply: { json: { id: 'a-1' } } },
    ]);
    const document = await caseOnPort(new URL(server.url).port);
    // Act
    const result = await runCase({ document, workflowId: 'touchItem', runner: {} });
    // Assess
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ first: 'a-1' });
    expect(server.requests.map(({ rawHeaders: _raw, ...request }) => request)).toEqual([
      { method: 'GET', url: '/v1/items', headers: {} },
      { method: 'GET', url: '/reads/items/a-1', headers: {} },
      {
        method: 'PUT',
        url: '/writes/items/a-1',
        headers: { 'content-type': 'application/json' },
        body: '{"touched":true}',
      },
    ]);
  });

  it('refuses to run a source whose only server is relative to a local file, until one is configured', async () => {
    // Prepare
    server = await startServer([{ method: 'GET', path: '/ping', reply: { json: {} } }]);
    const document = caseFile('servers', 'relative.arazzo.yaml');
    // Act
    const refused: unknown = await runCase({ document, workflowId: 'ping', runner: {} }).catch(
      (error: unknown) => error,
    );
    const configured = await runCase({
      document,
      workflowId: 'ping',
      runner: { servers: { local: server.url } },
    });
    // Assess
    expect(refused).toMatchObject({
      name: 'ArazzoDocumentError',
      issues: [
        'server "/v1" of source "local" is not an absolute http(s) URL (a relative server resolves only against an http(s) source url); configure one (servers.local, or --server local=<url>)',
      ],
    });
    expect(configured.status).toBe('completed');
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /ping',
    ]);
  });
});
