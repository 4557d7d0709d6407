/**
 * Entry of `npm run arazzo` and `npm run workflows:build` (docs/arazzo.md §13): runs `cli.ts` as prebuilt
 * JavaScript instead of loading about a hundred TypeScript modules through type stripping. The bundle lives in
 * `node_modules/.cache/arazzo-cli/` (never committed) with a manifest of every input's mtime and size; when any
 * input changed, is gone, or Node is another version, this rebuilds it first (`cli-bundle.ts`, about 0.5 s), so an
 * edited `.ts` file never leaves a CLI running old code. If the bundle cannot be built (an unwritable cache, a
 * syntax error), it runs `cli.ts` from source, which behaves the same, only slower.
 * Plain JavaScript on purpose: type stripping a launcher would add ~40 ms to every start.
 */
import { readFileSync, statSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE_DIR = process.env['ARAZZO_CLI_CACHE_DIR'] ?? `${ROOT}node_modules/.cache/arazzo-cli/`;

/**
 * @typedef {readonly [string, number, number]} ManifestInput
 * @typedef {{ node: string, bundle: string, inputs: readonly ManifestInput[] }} CliManifest
 */

/**
 * The manifest in `cacheDir`, or undefined when there is none or it cannot be read.
 * @param {string} cacheDir
 * @returns {CliManifest | undefined}
 */
export const readManifest = (cacheDir) => {
  try {
    return JSON.parse(readFileSync(`${cacheDir}manifest.json`, 'utf8'));
  } catch {
    return undefined;
  }
};

/**
 * True when the bundle was built by this Node from exactly the files there are now.
 * @param {CliManifest} manifest
 * @returns {boolean}
 */
export const isFresh = (manifest) =>
  manifest.node === process.version &&
  manifest.inputs.every(([path, mtimeMs, size]) => {
    try {
      const stats = statSync(`${ROOT}${path}`);
      return stats.mtimeMs === mtimeMs && stats.size === size;
    } catch {
      return false;
    }
  });

/**
 * The URL to import: the fresh bundle, a newly built one, or `cli.ts` itself when building fails.
 * @param {string} cacheDir
 * @returns {Promise<string>}
 */
export const resolveEntry = async (cacheDir) => {
  const manifest = readManifest(cacheDir);
  if (manifest !== undefined && isFresh(manifest)) {
    return pathToFileURL(`${cacheDir}${manifest.bundle}`).href;
  }
  try {
    const { buildCliBundle } = await import('./cli-bundle.ts');
    return pathToFileURL(await buildCliBundle(cacheDir)).href;
  } catch {
    // Running from source reports a syntax error exactly as `node tools/arazzo/cli.ts` does.
    return new URL('./cli.ts', import.meta.url).href;
  }
};

if (import.meta.main) {
  const entry = await resolveEntry(CACHE_DIR);
  // V8's code cache for the bundle: a warm start skips most of its parsing and compiling.
  enableCompileCache(`${CACHE_DIR}v8`);
  await import(entry);
}
