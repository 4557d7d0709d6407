import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, type CliManifest } from '../../../tools/arazzo/cli-bundle.ts';
import { isFresh, readManifest, resolveEntry } from '../../../tools/arazzo/launch.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SEED = 'test/fixtures/arazzo/seed.arazzo.yaml';
const OPENAPI = 'test/fixtures/arazzo/seed-billing.openapi.yaml';
const run = promisify(execFile);

type Outcome = { code: number; stdout: string; stderr: string };

/** Runs `node <entry> ...args` from the repository root with the bundle cache in `cacheDir`. */
const node = async (entry: string, args: readonly string[], cacheDir: string): Promise<Outcome> => {
  try {
    const { stdout, stderr } = await run('npx', ['node', entry, ...args], {
      cwd: ROOT,
      env: { ...process.env, ARAZZO_CLI_CACHE_DIR: cacheDir },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('the prebuilt arazzo CLI (tools/arazzo/launch.mjs)', () => {
  let cacheDir: string;
  let invalidDocument: string;

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

  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it.each([
    ['validate, valid', ['validate', SEED, '--source', `billingApi=${OPENAPI}`]],
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
    const bundled = await node('tools/arazzo/launch.mjs', argv, cacheDir);
    const fromSource = await node('tools/arazzo/cli.ts', argv, cacheDir);
    // Assess
    expect(bundled).toEqual(fromSource);
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

  it('carries no code generator: Ajv standalone code instead of compiling the schema at start', async () => {
    // Prepare
    const manifest = readManifest(cacheDir) as CliManifest;
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
      ]),
    );
  });

  it('treats the bundle as stale when an input changed, is gone, or Node differs', () => {
    // Prepare
    const manifest = readManifest(cacheDir) as CliManifest;
    const [first, ...rest] = manifest.inputs;
    const [path, mtimeMs, size] = first as readonly [string, number, number];
    // Act & Assess
    expect(isFresh(manifest)).toBe(true);
    expect(isFresh({ ...manifest, inputs: [[path, mtimeMs + 1, size], ...rest] })).toBe(false);
    expect(isFresh({ ...manifest, inputs: [[path, mtimeMs, size + 1], ...rest] })).toBe(false);
    expect(isFresh({ ...manifest, inputs: [['tools/arazzo/gone.ts', 1, 1], ...rest] })).toBe(false);
    expect(isFresh({ ...manifest, node: 'v0.0.0' })).toBe(false);
  });

  it('rebuilds a stale bundle before running it', async () => {
    // Prepare
    const manifest = readManifest(cacheDir) as CliManifest;
    const stale = { ...manifest, inputs: manifest.inputs.map(([p, , s]) => [p, 1, s]) };
    await writeFile(join(cacheDir, 'manifest.json'), JSON.stringify(stale));
    // Act
    const entry = await resolveEntry(cacheDir);
    // Assess
    const rebuilt = readManifest(cacheDir) as CliManifest;
    expect(isFresh(rebuilt)).toBe(true);
    expect(entry).toBe(`file://${cacheDir}${rebuilt.bundle}`);
  });
});
