import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCliBundle } from '../../../tools/arazzo/cli-bundle.ts';
import {
  checkoutCacheDir,
  contentHash,
  DEFAULT_CACHE_DIR,
  isFresh,
  readManifest,
} from '../../../tools/arazzo/cli-cache.mjs';
import { resolveEntry } from '../../../tools/arazzo/launch.mjs';
import {
  bundleUrl,
  chmodUntilCtimeMoves,
  manifestOf,
  node,
  ROOT,
  VALID,
} from './launcher-support.ts';

const TWO_HOURS_AGO = Date.now() / 1000 - 7200;
const FROM_SOURCE = 'arazzo: running tools/arazzo/cli.ts from source';

/** The build directories in `cacheDir`. */
const builds = async (cacheDir: string): Promise<string[]> =>
  (await readdir(cacheDir)).filter((name) => name.startsWith('build-')).sort();

/** Marks the manifest stale (every input's mtime), so that the next start builds again. */
const makeStale = async (cacheDir: string): Promise<void> => {
  const manifest = manifestOf(cacheDir);
  const inputs = manifest.inputs.map(([path, , size, ctimeMs, sha256]) => [
    path,
    1,
    size,
    ctimeMs,
    sha256,
  ]);
  await writeFile(join(cacheDir, 'manifest.json'), JSON.stringify({ ...manifest, inputs }));
};

describe('the arazzo launcher when its cache is broken (tools/arazzo/launch.mjs)', () => {
  let cacheDir: string;
  let fromSource: { code: number; stdout: string };

  beforeEach(async () => {
    cacheDir = `${await mkdtemp(join(tmpdir(), 'arazzo-cli-launcher-'))}/`;
    const { code, stdout } = await node('tools/arazzo/cli.ts', VALID, cacheDir);
    fromSource = { code, stdout };
  });

  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('rebuilds when the manifest names a build that is gone', async () => {
    // Prepare
    await buildCliBundle(cacheDir);
    for (const build of await builds(cacheDir))
      await rm(join(cacheDir, build), { recursive: true });
    // Act
    const outcome = await node('tools/arazzo/launch.mjs', VALID, cacheDir);
    // Assess
    expect(outcome).toEqual({ ...fromSource, stderr: '' });
    expect(isFresh(manifestOf(cacheDir), cacheDir)).toBe(true);
  });

  it('runs from source, saying so, when a file of the bundle is gone; the next start rebuilds', async () => {
    // Prepare: the entry is there, the chunks it imports are not.
    await buildCliBundle(cacheDir);
    const directory = join(cacheDir, manifestOf(cacheDir).bundle, '..');
    for (const file of await readdir(directory)) {
      if (file !== 'cli.mjs') await rm(join(directory, file));
    }
    // Act
    const outcome = await node('tools/arazzo/launch.mjs', VALID, cacheDir);
    const manifestAfter = readManifest(cacheDir);
    const entry = await resolveEntry(cacheDir);
    // Assess
    expect({ code: outcome.code, stdout: outcome.stdout }).toEqual(fromSource);
    expect(outcome.stderr.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^${FROM_SOURCE} \\(the bundle could not be loaded: Cannot find module`),
      ),
      '',
    ]);
    expect(manifestAfter).toBeUndefined();
    expect(entry).toBe(bundleUrl(cacheDir));
    expect((await readdir(directory)).length).toBeGreaterThan(1);
  });

  it('runs from source with one line on stderr when the cache cannot be written', async () => {
    // Prepare: a cache below a file cannot be created, not even by root.
    const blocker = join(cacheDir, 'file');
    await writeFile(blocker, '');
    const unwritable = `${blocker}/cache/`;
    // Act
    const outcome = await node('tools/arazzo/launch.mjs', VALID, unwritable);
    // Assess
    expect({ code: outcome.code, stdout: outcome.stdout }).toEqual(fromSource);
    expect(outcome.stderr.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${FROM_SOURCE} \\(cache ${unwritable} not writable: `)),
      '',
    ]);
  });

  it('keeps the manifest’s build and builds used within the hour; removes the others', async () => {
    // Prepare: three earlier builds made two hours ago, of which one was used just now.
    await buildCliBundle(cacheDir);
    const current = manifestOf(cacheDir).bundle.split('/')[0] as string;
    for (const name of ['build-unused', 'build-used', 'build-no-entry']) {
      await mkdir(join(cacheDir, name));
      if (name !== 'build-no-entry') await writeFile(join(cacheDir, name, 'cli.mjs'), '');
      await utimes(join(cacheDir, name), TWO_HOURS_AGO, TWO_HOURS_AGO);
    }
    await utimes(join(cacheDir, 'build-unused', 'cli.mjs'), TWO_HOURS_AGO, TWO_HOURS_AGO);
    await utimes(join(cacheDir, current), TWO_HOURS_AGO, TWO_HOURS_AGO);
    await utimes(join(cacheDir, current, 'cli.mjs'), TWO_HOURS_AGO, TWO_HOURS_AGO);
    await makeStale(cacheDir);
    // Act: the rebuild has the same files, so the manifest names the same build again.
    await resolveEntry(cacheDir);
    // Assess
    expect(await builds(cacheDir)).toEqual([current, 'build-used'].sort());
  });

  it('marks the build it runs as used', async () => {
    // Prepare
    await buildCliBundle(cacheDir);
    const entry = join(cacheDir, manifestOf(cacheDir).bundle);
    await utimes(entry, TWO_HOURS_AGO, TWO_HOURS_AGO);
    // Act
    await resolveEntry(cacheDir);
    // Assess
    expect((await stat(entry)).mtimeMs).toBeGreaterThan(TWO_HOURS_AGO * 1000 + 3_600_000);
  });

  it('records an input’s new ctime once its content is found the same, and runs the bundle', async () => {
    // Prepare: an extra input outside the repository, named relative to it; then only its mode changes.
    await buildCliBundle(cacheDir);
    const file = join(cacheDir, 'input.ts');
    await writeFile(file, 'export const a = 1;\n');
    const { mtimeMs, size, ctimeMs } = await stat(file);
    const input = [relative(ROOT, file), mtimeMs, size, ctimeMs, contentHash(file)] as const;
    const manifest = manifestOf(cacheDir);
    const inputs = [...manifest.inputs, input];
    await writeFile(join(cacheDir, 'manifest.json'), JSON.stringify({ ...manifest, inputs }));
    const movedCtimeMs = await chmodUntilCtimeMoves(file, ctimeMs);
    // Act
    const entry = await resolveEntry(cacheDir);
    // Assess
    expect(entry).toBe(bundleUrl(cacheDir));
    expect(manifestOf(cacheDir).inputs.at(-1)).toEqual([
      input[0],
      mtimeMs,
      size,
      movedCtimeMs,
      input[4],
    ]);
  });

  it('replaces a build of the same id with a file gone when it builds again', async () => {
    // Prepare
    await buildCliBundle(cacheDir);
    const directory = join(cacheDir, manifestOf(cacheDir).bundle, '..');
    const files = await readdir(directory);
    const chunk = files.find((file) => file !== 'cli.mjs') as string;
    await rm(join(directory, chunk));
    await makeStale(cacheDir);
    // Act
    await resolveEntry(cacheDir);
    // Assess
    expect((await readdir(directory)).sort()).toEqual(files.sort());
  });
});

describe('the arazzo launcher cache', () => {
  it('gives each checkout its own cache directory', () => {
    // Act
    const other = checkoutCacheDir('/elsewhere/checkout/');
    // Assess
    expect(DEFAULT_CACHE_DIR).toMatch(/^.*\/node_modules\/\.cache\/arazzo-cli\/[0-9a-f]{8}\/$/);
    expect(DEFAULT_CACHE_DIR.startsWith(ROOT)).toBe(true);
    expect(other).toMatch(
      /^\/elsewhere\/checkout\/node_modules\/\.cache\/arazzo-cli\/[0-9a-f]{8}\/$/,
    );
    expect(other.slice(-9)).not.toBe(DEFAULT_CACHE_DIR.slice(-9));
  });
});
