/**
 * Builds the prebuilt JavaScript that `npm run arazzo` and `npm run workflows:build` run (docs/arazzo.md §13): an
 * esbuild ESM bundle of `cli.ts` (one chunk per command), with the Arazzo JSON Schema validator precompiled as
 * Ajv's standalone code, in `<cache>/build-<hash>/`. `launch.mjs` imports this module only when the bundle is
 * missing or stale; `manifest.json` beside the builds names the current one and lists every input with its mtime,
 * size, ctime and content hash (`cli-cache.mjs`), which is how the launcher knows.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import { build, type OutputFile, type Plugin } from 'esbuild';
import {
  type CliManifest,
  contentHash,
  DEFAULT_CACHE_DIR,
  fileSystemNow,
  type ManifestInput,
  ROOT,
  readManifest,
  UNUSED_BUILD_MS,
  writeAtomically,
} from './cli-cache.mjs';
import { ARAZZO_SCHEMA_OPTIONS, ARAZZO_SCHEMA_URL, readArazzoSchema } from './schema-validator.ts';

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
  'tools/arazzo/cli-cache.mjs',
  'node_modules/ajv/package.json',
  'node_modules/esbuild/package.json',
];

/**
 * The `package.json` and `tsconfig.json` files in the directories from each input up to the root: esbuild reads
 * them to resolve and load the inputs (`exports`, `type`, `sideEffects`, TypeScript options), but does not list them.
 */
const resolverInputs = (paths: readonly string[]): string[] => {
  const visited = new Set<string>();
  const found: string[] = [];
  for (const path of paths) {
    // Each directory is visited once, and `dirname` reaches `.` (the root) in as many steps as the path has.
    for (let dir = dirname(path); !visited.has(dir); dir = dirname(dir)) {
      visited.add(dir);
      for (const name of ['package.json', 'tsconfig.json']) {
        const file = dir === '.' ? name : `${dir}/${name}`;
        if (existsSync(`${ROOT}${file}`)) found.push(file);
      }
    }
  }
  return found;
};

/**
 * An input as the manifest records it. `startedMs` is the file system's time when the build began: an input whose
 * ctime is not older changed while esbuild read it (or in the same clock tick), so it is recorded as stale and the
 * next start builds again.
 */
const statInput = (path: string, startedMs: number): ManifestInput => {
  const stats = statSync(`${ROOT}${path}`);
  const mtimeMs = stats.ctimeMs >= startedMs ? -1 : stats.mtimeMs;
  return [path, mtimeMs, stats.size, stats.ctimeMs, contentHash(`${ROOT}${path}`)];
};

/**
 * Moves a written build into place. When another start built the same files first (the id is their hash), it may
 * be running them: its copy stays if complete. An incomplete copy is replaced; any other failure is thrown.
 */
const moveIntoPlace = (temporary: string, target: string, names: readonly string[]): void => {
  try {
    renameSync(temporary, target);
  } catch (error) {
    if (!existsSync(target)) throw error;
    if (names.every((name) => existsSync(`${target}/${name}`))) return;
    rmSync(target, { recursive: true, force: true });
    renameSync(temporary, target);
  }
};

/** Writes one build's files into `<cacheDir><build id>/`, the id hashing all of them; returns the id. */
const writeBuild = (cacheDir: string, outdir: string, files: readonly OutputFile[]): string => {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update(file.contents);
  const id = `build-${hash.digest('hex').slice(0, 16)}`;
  const temporary = `${cacheDir}${id}.${process.pid}.tmp/`;
  const names = files.map((file) => relative(outdir, file.path));
  try {
    files.forEach((file, index) => {
      const path = `${temporary}${names[index]}`;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.contents);
    });
    moveIntoPlace(temporary, `${cacheDir}${id}`, names);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  return id;
};

/** When a build was last used: its entry's mtime, which the launcher refreshes (`markUsed` in cli-cache.mjs). */
const lastUsedMs = (build: string): number => {
  const entry = statSync(`${build}/cli.mjs`, { throwIfNoEntry: false });
  return Math.max(statSync(build).mtimeMs, entry?.mtimeMs ?? 0);
};

/**
 * Removes the builds neither named by the manifest nor used within the hour: a CLI started before a rebuild may
 * still be loading an earlier one.
 */
const removeOldBuilds = (cacheDir: string, keep: string): void => {
  const named = readManifest(cacheDir)?.bundle.split('/')[0];
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith('build-') || name === keep || name === named) continue;
    const path = `${cacheDir}${name}`;
    if (Date.now() - lastUsedMs(path) > UNUSED_BUILD_MS) {
      rmSync(path, { recursive: true, force: true });
    }
  }
};

/** Builds the bundle and its manifest into `cacheDir` (ending in `/`); returns the entry file's path. */
export const buildCliBundle = async (cacheDir = DEFAULT_CACHE_DIR): Promise<string> => {
  // Throws before the build when the cache cannot be written; the clock the inputs' ctimes are compared with.
  const startedMs = fileSystemNow(cacheDir);
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
  const read = [...Object.keys(result.metafile.inputs), ...EXTRA_INPUTS];
  const inputs = [...new Set([...read, ...resolverInputs(read)])].map((path) =>
    statInput(path, startedMs),
  );
  const id = writeBuild(cacheDir, outdir, result.outputFiles);
  const manifest: CliManifest = { node: process.version, bundle: `${id}/cli.mjs`, inputs };
  writeAtomically(`${cacheDir}manifest.json`, JSON.stringify(manifest));
  removeOldBuilds(cacheDir, id);
  return `${cacheDir}${manifest.bundle}`;
};
