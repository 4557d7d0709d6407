/**
 * Builds the prebuilt JavaScript that `npm run arazzo` and `npm run workflows:build` run (docs/arazzo.md §13): an
 * esbuild ESM bundle of `cli.ts` (one chunk per command), with the Arazzo JSON Schema validator precompiled as
 * Ajv's standalone code, in `node_modules/.cache/arazzo-cli/build-<hash>/`. `launch.mjs` imports this module only
 * when the bundle is missing or stale; `manifest.json` beside the builds names the current one and lists every
 * input with its mtime and size, which is how the launcher knows.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import { build, type OutputFile, type Plugin } from 'esbuild';
import { ARAZZO_SCHEMA_OPTIONS, ARAZZO_SCHEMA_URL, readArazzoSchema } from './schema-validator.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_CACHE_DIR = `${ROOT}node_modules/.cache/arazzo-cli/`;

/** `[path relative to ROOT, mtimeMs, size]`; mtimeMs -1 marks an input that changed while it was bundled. */
export type ManifestInput = readonly [string, number, number];
export type CliManifest = {
  readonly node: string;
  readonly bundle: string;
  readonly inputs: readonly ManifestInput[];
};

/** Ajv's standalone code for the schema, exported under the name `schema-validator.ts` exports. */
const standaloneValidatorModule = (): string => {
  const ajv = new Ajv2020({ ...ARAZZO_SCHEMA_OPTIONS, code: { source: true, esm: true } });
  const validate = ajv.compile(readArazzoSchema());
  // The CommonJS module is the function; `.default` is the same function, and the name TypeScript types.
  return `${standalone.default(ajv, validate)}\nexport const compileArazzoSchemaValidator = () => validate;\n`;
};

const precompiledSchema: Plugin = {
  name: 'arazzo-precompiled-schema',
  setup: (plugin) => {
    plugin.onLoad({ filter: /[\\/]tools[\\/]arazzo[\\/]schema-validator\.ts$/ }, () => ({
      contents: standaloneValidatorModule(),
      loader: 'js',
      // The standalone code requires `ajv/dist/runtime/*`, resolved from here like the module it replaces.
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
    }));
  },
};

/**
 * Our own modules may not use `import.meta`: once bundled, `import.meta.url` is the cache directory, so a file read
 * relative to it would fail only in the bundle. Such a module fails the build (the launcher then runs from source,
 * and the bundle test fails), instead of the bundled CLI answering differently.
 */
const noImportMeta: Plugin = {
  name: 'arazzo-no-import-meta',
  setup: (plugin) => {
    plugin.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const contents = await readFile(args.path, 'utf8');
      if (!contents.includes('import.meta')) return { contents, loader: 'ts' };
      return {
        errors: [
          { text: `${args.path} uses import.meta, which would point into the bundle cache` },
        ],
      };
    });
  },
};

/** Inputs esbuild does not list: the schema the plugin reads, this file, and the generators' versions. */
const EXTRA_INPUTS = [
  fileURLToPath(ARAZZO_SCHEMA_URL).slice(ROOT.length),
  'tools/arazzo/cli-bundle.ts',
  'node_modules/ajv/package.json',
  'node_modules/esbuild/package.json',
];

const statInput = (path: string, startedMs: number): ManifestInput => {
  const stats = statSync(`${ROOT}${path}`);
  // Changed while esbuild read it: record it as stale, so the next start builds again.
  return [path, stats.mtimeMs >= startedMs ? -1 : stats.mtimeMs, stats.size];
};

/** Writes atomically (temporary file, then rename), so a concurrent start never reads half a file. */
const writeAtomically = (path: string, contents: string | Uint8Array): void => {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
};

/** Writes one build's files into `<cacheDir><build id>/`, the id hashing all of them; returns the id. */
const writeBuild = (cacheDir: string, outdir: string, files: readonly OutputFile[]): string => {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update(file.contents);
  const id = `build-${hash.digest('hex').slice(0, 16)}`;
  const temporary = `${cacheDir}${id}.${process.pid}.tmp/`;
  for (const file of files) {
    const path = `${temporary}${relative(outdir, file.path)}`;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.contents);
  }
  try {
    renameSync(temporary, `${cacheDir}${id}`);
  } catch {
    // Another start built the same files first (the id is their hash), and may be running them: keep its copy.
    rmSync(temporary, { recursive: true, force: true });
  }
  return id;
};

/** Removes earlier builds at least an hour old (a CLI started before the rebuild may still be loading one). */
const removeOldBuilds = (cacheDir: string, keep: string): void => {
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith('build-') || name === keep) continue;
    const path = `${cacheDir}${name}`;
    if (Date.now() - statSync(path).mtimeMs > 3_600_000) {
      rmSync(path, { recursive: true, force: true });
    }
  }
};

/** Builds the bundle and its manifest into `cacheDir` (ending in `/`); returns the entry file's path. */
export const buildCliBundle = async (cacheDir = DEFAULT_CACHE_DIR): Promise<string> => {
  const startedMs = Date.now();
  const outdir = `${cacheDir}pending`;
  const result = await build({
    entryPoints: [`${ROOT}tools/arazzo/cli.ts`],
    absWorkingDir: ROOT,
    bundle: true,
    // Each command's module (imported when it runs) becomes its own chunk: `validate` never loads `run`'s HTTP stack.
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    outdir,
    outExtension: { '.js': '.mjs' },
    write: false,
    metafile: true,
    // Whitespace and syntax only: identifiers stay, so a stack trace still names our functions.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    // CommonJS dependencies (yaml, commander) require Node built-ins; an ESM bundle needs `require` for that.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    // The first plugin that loads a file wins: the schema validator's replacement, then the check of the rest.
    plugins: [precompiledSchema, noImportMeta],
    logLevel: 'silent',
  });
  const inputs = [...Object.keys(result.metafile.inputs), ...EXTRA_INPUTS].map((path) =>
    statInput(path, startedMs),
  );
  mkdirSync(cacheDir, { recursive: true });
  const id = writeBuild(cacheDir, outdir, result.outputFiles);
  const manifest: CliManifest = { node: process.version, bundle: `${id}/cli.mjs`, inputs };
  writeAtomically(`${cacheDir}manifest.json`, JSON.stringify(manifest));
  removeOldBuilds(cacheDir, id);
  return `${cacheDir}${manifest.bundle}`;
};
