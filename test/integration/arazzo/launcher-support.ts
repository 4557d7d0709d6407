import { execFile } from 'node:child_process';
import { chmod, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type CliManifest, readManifest } from '../../../tools/arazzo/cli-cache.mjs';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SEED = 'test/fixtures/arazzo/seed.arazzo.yaml';
export const OPENAPI = 'test/fixtures/arazzo/seed-billing.openapi.yaml';
export const VALID = ['validate', SEED, '--source', `billingApi=${OPENAPI}`];
const run = promisify(execFile);

export type Outcome = { code: number; stdout: string; stderr: string };

/** Runs `node <entry> ...args` from the repository root with the bundle cache in `cacheDir`. */
export const node = async (
  entry: string,
  args: readonly string[],
  cacheDir: string,
): Promise<Outcome> => {
  try {
    const { stdout, stderr } = await run('npx', ['node', entry, ...args], {
      cwd: ROOT,
      env: { ...process.env, ARAZZO_CLI_CACHE_DIR: cacheDir },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

/** The manifest in `cacheDir`, which the test expects there. */
export const manifestOf = (cacheDir: string): CliManifest => {
  const manifest = readManifest(cacheDir);
  if (manifest === undefined) throw new Error(`no manifest in ${cacheDir}`);
  return manifest;
};

/** The URL `launch.mjs` imports when it runs the bundle `cacheDir`'s manifest names. */
export const bundleUrl = (cacheDir: string): string =>
  pathToFileURL(`${cacheDir}${manifestOf(cacheDir).bundle}`).href;

/**
 * Changes the file's mode until its ctime differs from `ctimeMs` (file times move by the clock's tick); returns the
 * new ctime.
 */
export const chmodUntilCtimeMoves = async (file: string, ctimeMs: number): Promise<number> => {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    await chmod(file, attempt % 2 === 0 ? 0o600 : 0o644);
    const moved = (await stat(file)).ctimeMs;
    if (moved !== ctimeMs) return moved;
    await sleep(10);
  }
  throw new Error(`the ctime of ${file} did not move`);
};
