import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle } from '../../../tools/arazzo/cli-bundle.ts';
import {
  type CliManifest,
  contentHash,
  isFresh,
  type ManifestInput,
} from '../../../tools/arazzo/cli-cache.mjs';
import { resolveEntry } from '../../../tools/arazzo/launch.mjs';
import { type RecordingServer, startRecordingServer } from '../../conformance/harness.ts';
import {
  bundleUrl,
  chmodUntilCtimeMoves,
  manifestOf,
  node,
  ROOT,
  SEED,
  VALID,
} from './launcher-support.ts';

const MULTIPLE = 'test/conformance/cases/multiple-sources/multiple-sources.arazzo.yaml';

describe('the prebuilt arazzo CLI (tools/arazzo/launch.mjs)', () => {
  let cacheDir: string;
  let invalidDocument: string;
  const servers: RecordingServer[] = [];

  beforeAll(async () => {
    cacheDir = `${await mkdtemp(join(tmpdir(), 'arazzo-cli-cache-'))}/`;
    invalidDocument = join(cacheDir, 'invalid.arazzo.yaml');
    // Schema problems only the JSON Schema reports: a missing `info`, an unknown property, a wrong type.
    await writeFile(
      invalidDocument,
      'arazzo: 1.0.1\nsurprise: true\nsourceDescriptions: []\nworkflows:\n  - workflowId: 7\n    steps: []\n',
    );
    await buildCliBundle(cacheDir);
  });

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it.each([
    ['validate, valid', VALID],
    ['validate, missing source', ['validate', SEED]],
    ['validate, schema problems', ['validate', '<invalid>']],
    ['run, usage error', ['run', SEED, '--inputs', '{}']],
    [
      'run, invalid inputs',
      ['run', SEED, '--workflow', 'x', '--server', 'http://127.0.0.1:1', '--inputs', '[1]'],
    ],
    ['build --check', ['build', '--check']],
  ])('answers %s exactly as cli.ts from source', async (_name, args) => {
    // Prepare
    const argv = args.map((arg) => (arg === '<invalid>' ? invalidDocument : arg));
    // Act
    const entry = await resolveEntry(cacheDir);
    const bundled = await node('tools/arazzo/launch.mjs', argv, cacheDir);
    const fromSource = await node('tools/arazzo/cli.ts', argv, cacheDir);
    // Assess: the launcher ran the bundle (from source, it would also say so on stderr), and answered the same.
    expect(entry).toBe(bundleUrl(cacheDir));
    expect(bundled).toEqual(fromSource);
  });

  it('runs a workflow against loopback servers through the bundle', async () => {
    // Prepare
    const pets = await startRecordingServer([
      { method: 'GET', path: '/pets/p-1', reply: { json: { name: 'Rex' } } },
    ]);
    const stores = await startRecordingServer([
      {
        method: 'POST',
        path: '/stores/s-9/orders',
        reply: { status: 201, json: { orderId: 'o-5' } },
      },
      { method: 'GET', path: '/status', reply: { json: {} } },
    ]);
    servers.push(pets, stores);
    const inputs = JSON.stringify({ petId: 'p-1', storeId: 's-9' });
    const args = ['run', MULTIPLE, '--workflow', 'orderPet', '--inputs', inputs];
    // Act
    const entry = await resolveEntry(cacheDir);
    const { code, stdout, stderr } = await node(
      'tools/arazzo/launch.mjs',
      [...args, '--server', `pets=${pets.url}`, '--server', `stores=${stores.url}`],
      cacheDir,
    );
    // Assess
    expect(entry).toBe(bundleUrl(cacheDir));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toMatchObject({ status: 'completed', outputs: { orderId: 'o-5' } });
    expect(pets.requests.map(({ method, url }) => `${method} ${url}`)).toEqual(['GET /pets/p-1']);
    expect(stores.requests.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'POST /stores/s-9/orders',
      'GET /status',
    ]);
  });

  it('reports the JSON Schema problems through the precompiled validator', async () => {
    // Act
    const { code, stdout } = await node(
      'tools/arazzo/launch.mjs',
      ['validate', invalidDocument],
      cacheDir,
    );
    // Assess
    expect(code).toBe(2);
    expect(stdout).toContain('/: schema: unknown property "surprise"');
    expect(stdout).toContain("/: schema: must have required property 'info'");
    expect(stdout).toContain('/workflows/0/workflowId: schema: must be string');
  });

  it('carries no code generator, and lists what esbuild read and what it resolved with', async () => {
    // Prepare
    const manifest = manifestOf(cacheDir);
    const directory = join(cacheDir, manifest.bundle, '..');
    // Act
    const files = await readdir(directory);
    const texts = await Promise.all(files.map((file) => readFile(join(directory, file), 'utf8')));
    // Assess
    expect(files.length).toBeGreaterThan(1);
    expect(texts.filter((text) => text.includes('new Function'))).toEqual([]);
    expect(manifest.inputs.map(([path]) => path)).toEqual(
      expect.arrayContaining([
        'tools/arazzo/cli.ts',
        'tools/arazzo/schema-validator.ts',
        'tools/arazzo/schema/arazzo-1.0.schema.json',
        'tools/arazzo/cli-bundle.ts',
        'tools/arazzo/cli-cache.mjs',
        'tsconfig.json',
        'package.json',
        'node_modules/commander/package.json',
        'node_modules/yaml/package.json',
      ]),
    );
  });

  it('treats the bundle as stale when an input changed, is gone, Node differs or the build is gone', () => {
    // Prepare
    const manifest = manifestOf(cacheDir);
    const [first, ...rest] = manifest.inputs;
    const [path, mtimeMs, size, ctimeMs, sha256] = first as ManifestInput;
    const withFirst = (input: ManifestInput): CliManifest => ({
      ...manifest,
      inputs: [input, ...rest],
    });
    // Act & Assess
    expect(isFresh(manifest, cacheDir)).toBe(true);
    expect(isFresh(withFirst([path, mtimeMs + 1, size, ctimeMs, sha256]), cacheDir)).toBe(false);
    expect(isFresh(withFirst([path, mtimeMs, size + 1, ctimeMs, sha256]), cacheDir)).toBe(false);
    expect(isFresh(withFirst(['tools/arazzo/gone.ts', 1, 1, 1, '']), cacheDir)).toBe(false);
    expect(isFresh({ ...manifest, node: 'v0.0.0' }, cacheDir)).toBe(false);
    expect(isFresh({ ...manifest, bundle: 'build-gone/cli.mjs' }, cacheDir)).toBe(false);
  });

  it('catches an edit that kept the mtime and size (cp -p), by the ctime and the content', async () => {
    // Prepare: an input outside the repository, named relative to it as the manifest names inputs.
    const file = join(cacheDir, 'input.ts');
    // Whole seconds: what `cp -p` restores, exactly.
    const mtime = 1_700_000_000;
    await writeFile(file, 'export const a = 1;\n');
    await utimes(file, mtime, mtime);
    const before = await stat(file);
    const input = (): ManifestInput => [
      relative(ROOT, file),
      before.mtimeMs,
      before.size,
      before.ctimeMs,
      contentHash(file),
    ];
    const manifest = { ...manifestOf(cacheDir), inputs: [input()] };
    // Act
    const unchanged = isFresh(manifest, cacheDir);
    await chmodUntilCtimeMoves(file, before.ctimeMs);
    const onlyTouched = isFresh(manifest, cacheDir);
    await writeFile(file, 'export const a = 2;\n');
    await utimes(file, mtime, mtime);
    const edited = isFresh(manifest, cacheDir);
    // Assess
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    expect([unchanged, onlyTouched, edited]).toEqual([true, true, false]);
  });

  it('rebuilds a stale bundle before running it', async () => {
    // Prepare
    const manifest = manifestOf(cacheDir);
    const stale = { ...manifest, inputs: manifest.inputs.map(([p, , s, c, h]) => [p, 1, s, c, h]) };
    await writeFile(join(cacheDir, 'manifest.json'), JSON.stringify(stale));
    // Act
    const entry = await resolveEntry(cacheDir);
    // Assess
    expect(isFresh(manifestOf(cacheDir), cacheDir)).toBe(true);
    expect(entry).toBe(bundleUrl(cacheDir));
  });
});
