/**
 * The prebuilt CLI's cache, shared by `launch.mjs` (which reads it at every start) and `cli-bundle.ts` (which writes
 * it): where it lives, the manifest's shape, and when a build is fresh (docs/arazzo.md §13).
 * Plain JavaScript, like the launcher: type stripping it would add ~40 ms to every start.
 */
import {
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * FNV-1a of the checkout's path, as 8 hex digits: each checkout gets its own directory in a cache that several
 * share when `node_modules` is a symlink (loading `node:crypto` for this would cost ~4 ms a start).
 * @param {string} text
 */
const shortHash = (text) => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
};

/**
 * The cache directory of the checkout at `root` (ending in `/`).
 * @param {string} root
 */
export const checkoutCacheDir = (root) =>
  `${root}node_modules/.cache/arazzo-cli/${shortHash(root)}/`;

export const DEFAULT_CACHE_DIR = checkoutCacheDir(ROOT);
const configured = process.env['ARAZZO_CLI_CACHE_DIR'];
/** Absolute and ending in `/`: the launcher recognises the bundle's own files in error messages by it. */
export const CACHE_DIR = configured ? `${resolve(configured)}/` : DEFAULT_CACHE_DIR;

/** A build last used longer ago than this, and not the manifest's, may be removed. */
export const UNUSED_BUILD_MS = 3_600_000;

/**
 * `[path relative to ROOT, mtimeMs, size, ctimeMs, sha256 of the content]`; mtimeMs -1 marks an input that
 * changed while it was bundled.
 * @typedef {readonly [string, number, number, number, string]} ManifestInput
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
 * The hex SHA-256 of a file's content; `node:crypto` is loaded only when a file needs it.
 * @param {string} path
 */
export const contentHash = (path) =>
  process
    .getBuiltinModule('node:crypto')
    .createHash('sha256')
    .update(readFileSync(path))
    .digest('hex');

/**
 * The input as it is now when it has the recorded mtime and size and the same content, else undefined. Any write
 * sets a file's ctime to the present (`cp -p`, `rsync -t` and `tar` restore the mtime, never the ctime), so the
 * content is hashed only when the ctime moved: the common start costs one `stat` per input.
 * @param {ManifestInput} input
 * @returns {ManifestInput | undefined}
 */
const current = (input) => {
  const [path, mtimeMs, size, ctimeMs, sha256] = input;
  const stats = statSync(`${ROOT}${path}`, { throwIfNoEntry: false });
  if (stats === undefined || stats.mtimeMs !== mtimeMs || stats.size !== size) return undefined;
  if (stats.ctimeMs === ctimeMs) return input;
  return contentHash(`${ROOT}${path}`) === sha256
    ? [path, mtimeMs, size, stats.ctimeMs, sha256]
    : undefined;
};

/**
 * @param {string} cacheDir
 * @param {CliManifest} manifest
 */
const entryStats = (cacheDir, manifest) =>
  statSync(`${cacheDir}${manifest.bundle}`, { throwIfNoEntry: false });

/**
 * The manifest's inputs as they are now when the bundle it names exists and was built by this Node from exactly
 * the files there are now, else undefined. An input whose ctime alone moved comes back with its new ctime.
 * @param {CliManifest} manifest
 * @param {string} cacheDir
 * @returns {ManifestInput[] | undefined}
 */
export const freshInputs = (manifest, cacheDir) => {
  if (manifest.node !== process.version || entryStats(cacheDir, manifest) === undefined) {
    return undefined;
  }
  const inputs = [];
  for (const input of manifest.inputs) {
    const now = current(input);
    if (now === undefined) return undefined;
    inputs.push(now);
  }
  return inputs;
};

/**
 * True when the bundle the manifest names exists and was built by this Node from exactly the files there are now.
 * @param {CliManifest} manifest
 * @param {string} cacheDir
 */
export const isFresh = (manifest, cacheDir) => freshInputs(manifest, cacheDir) !== undefined;

/**
 * Writes atomically (temporary file, then rename), so a concurrent start never reads half a file.
 * @param {string} path
 * @param {string | Uint8Array} contents
 */
export const writeAtomically = (path, contents) => {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
};

/**
 * Records the inputs' new ctimes once their content was found unchanged, so that later starts do not hash them
 * again. Best effort: a read-only cache only keeps hashing.
 * @param {string} cacheDir
 * @param {CliManifest} manifest
 * @param {readonly ManifestInput[]} inputs
 */
export const recordCtimes = (cacheDir, manifest, inputs) => {
  if (inputs.every((input, index) => input === manifest.inputs[index])) return;
  try {
    writeAtomically(`${cacheDir}manifest.json`, JSON.stringify({ ...manifest, inputs }));
  } catch {
    // Unwritable: the next start hashes the same files again, and finds them fresh again.
  }
};

/**
 * Marks the manifest's build as used (its entry's mtime), at most every few minutes, so that another start's
 * cleanup never removes a build in use. Best effort: a read-only cache only loses the mark.
 * @param {string} cacheDir
 * @param {CliManifest} manifest
 */
export const markUsed = (cacheDir, manifest) => {
  const path = `${cacheDir}${manifest.bundle}`;
  const stats = entryStats(cacheDir, manifest);
  if (stats === undefined || Date.now() - stats.mtimeMs < UNUSED_BUILD_MS / 6) return;
  try {
    utimesSync(path, stats.atime, new Date());
  } catch {
    // Unwritable: the build still runs; only its age is not refreshed.
  }
};

/**
 * The file system's present time in `dir` (the mtime of a file written there now), which is the clock the inputs'
 * ctimes are compared with; throws when `dir` cannot be written, before any build work is done.
 * @param {string} dir ending in `/`
 * @returns {number}
 */
export const fileSystemNow = (dir) => {
  const probe = `${dir}.probe.${process.pid}.tmp`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(probe, '');
  try {
    return statSync(probe).mtimeMs;
  } finally {
    unlinkSync(probe);
  }
};
