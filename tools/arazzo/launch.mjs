/**
 * Entry of `npm run arazzo` and `npm run workflows:build` (docs/arazzo.md §13): runs `cli.ts` as prebuilt
 * JavaScript instead of loading about a hundred TypeScript modules through type stripping. The bundle lives in
 * this checkout's directory of `node_modules/.cache/arazzo-cli/` (never committed) with a manifest of its inputs
 * (`cli-cache.mjs`); when any input changed, is gone, or Node is another version, this rebuilds it first
 * (`cli-bundle.ts`, about 0.5 s), so an edited `.ts` file never leaves a CLI running old code. When the bundle
 * cannot be built or loaded (an unwritable cache, a syntax error, a build removed under it), it says so in one line
 * on stderr and runs `cli.ts` from source, which behaves the same, only slower.
 * Plain JavaScript on purpose: type stripping a launcher would add ~40 ms to every start.
 */
import { rmSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  CACHE_DIR,
  fileSystemNow,
  freshInputs,
  markUsed,
  readManifest,
  recordCtimes,
} from './cli-cache.mjs';

const SOURCE = new URL('./cli.ts', import.meta.url).href;

/**
 * `cli.ts` itself, after one line on stderr saying why (the answers are the same, the start is slower).
 * @param {string} reason
 */
const fromSource = (reason) => {
  process.stderr.write(`arazzo: running tools/arazzo/cli.ts from source (${reason})\n`);
  return SOURCE;
};

/** @param {unknown} error */
const reasonOf = (error) => (error instanceof Error ? error.message.split('\n')[0] : String(error));

/**
 * The URL to import: the fresh bundle, a newly built one, or `cli.ts` itself when building fails.
 * @param {string} cacheDir
 * @returns {Promise<string>}
 */
export const resolveEntry = async (cacheDir) => {
  const manifest = readManifest(cacheDir);
  const inputs = manifest === undefined ? undefined : freshInputs(manifest, cacheDir);
  if (manifest !== undefined && inputs !== undefined) {
    recordCtimes(cacheDir, manifest, inputs);
    markUsed(cacheDir, manifest);
    return pathToFileURL(`${cacheDir}${manifest.bundle}`).href;
  }
  try {
    // Checked before the build (~0.5 s), which would otherwise run only to fail at its first write.
    fileSystemNow(cacheDir);
  } catch (error) {
    return fromSource(`cache ${cacheDir} not writable: ${reasonOf(error)}`);
  }
  try {
    const { buildCliBundle } = await import('./cli-bundle.ts');
    return pathToFileURL(await buildCliBundle(cacheDir)).href;
  } catch (error) {
    // Running from source reports a syntax error exactly as `node tools/arazzo/cli.ts` does.
    return fromSource(`the bundle could not be built: ${reasonOf(error)}`);
  }
};

/**
 * True when importing the bundle failed because one of its files is gone: nothing of the command has run yet
 * (a command's chunk is loaded before it does anything), so running it from source instead is safe. Any other
 * error is the command's own and is left to end the process as it would from source.
 * @param {unknown} error
 * @param {string} cacheDir
 */
export const isMissingBundleFile = (error, cacheDir) =>
  error instanceof Error &&
  /** @type {{ code?: unknown }} */ (error).code === 'ERR_MODULE_NOT_FOUND' &&
  error.message.includes(cacheDir);

/**
 * Imports the entry; a bundle with a file gone runs from source, and its manifest is removed so that the next
 * start builds it again.
 * @param {string} entry
 * @param {string} cacheDir
 */
export const runEntry = async (entry, cacheDir) => {
  try {
    await import(entry);
  } catch (error) {
    if (entry === SOURCE || !isMissingBundleFile(error, cacheDir)) throw error;
    try {
      rmSync(`${cacheDir}manifest.json`, { force: true });
    } catch {
      // A read-only cache: this start and the next run from source all the same.
    }
    await import(fromSource(`the bundle could not be loaded: ${reasonOf(error)}`));
  }
};

if (import.meta.main) {
  const entry = await resolveEntry(CACHE_DIR);
  // V8's code cache for the bundle: a warm start skips most of its parsing and compiling.
  enableCompileCache(`${CACHE_DIR}v8`);
  await runEntry(entry, CACHE_DIR);
}
