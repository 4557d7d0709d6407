/**
 * `npm run workflows:build`: compiles every `*.arazzo.yaml` in a directory to a sibling `*.compiled.json`
 * (deterministic, pretty-printed), or with `check` only reports which compiled files are stale. Build time only.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompiledDocument } from '../../lib/arazzo/compiled-document.ts';
import { compileArazzoFile, formatIssue } from './compile.ts';

export type BuildEntry = {
  readonly source: string;
  readonly output: string;
  /** written/unchanged (build), current/stale (check), invalid (either). */
  readonly status: 'written' | 'unchanged' | 'current' | 'stale' | 'invalid';
  readonly issues: readonly string[];
  readonly warnings: readonly string[];
};

/** The exact text a compiled document is stored as; the staleness check compares against it byte for byte. */
export const serializeCompiled = (compiled: CompiledDocument): string =>
  `${JSON.stringify(compiled, null, 2)}\n`;

/** Path of the compiled JSON next to an Arazzo document. */
export const compiledPathOf = (source: string): string =>
  source.replace(/\.arazzo\.ya?ml$/, '.compiled.json');

const readIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch {
    // A missing compiled file is simply stale (or to be written).
    return undefined;
  }
};

type BuildOptions = {
  readonly dir: string;
  readonly check?: boolean;
  readonly sources?: Readonly<Record<string, string>>;
};

/** Compiles one document and writes (or, with `check`, compares) its compiled JSON. */
const buildOne = async (source: string, options: BuildOptions): Promise<BuildEntry> => {
  const output = compiledPathOf(source);
  const result = await compileArazzoFile({
    documentPath: source,
    ...(options.sources === undefined ? {} : { sources: options.sources }),
  });
  const issues = result.issues.map(formatIssue);
  const warnings = result.warnings.map(formatIssue);
  if (result.compiled === undefined) return { source, output, status: 'invalid', issues, warnings };
  const text = serializeCompiled(result.compiled);
  const existing = await readIfExists(output);
  if (options.check === true) {
    return { source, output, status: existing === text ? 'current' : 'stale', issues, warnings };
  }
  if (existing === text) return { source, output, status: 'unchanged', issues, warnings };
  await writeFile(output, text, 'utf8');
  return { source, output, status: 'written', issues, warnings };
};

/**
 * Compiles (or, with `check`, verifies) every Arazzo document in `dir`. A missing directory is an empty set.
 * Never throws for invalid documents: they are entries with status `invalid`.
 */
export const buildWorkflows = async (options: BuildOptions): Promise<BuildEntry[]> => {
  let names: string[];
  try {
    names = (await readdir(options.dir)).filter((name) => /\.arazzo\.ya?ml$/.test(name)).sort();
  } catch {
    // lib/workflows may not exist yet: nothing to build.
    return [];
  }
  const entries: BuildEntry[] = [];
  for (const name of names) entries.push(await buildOne(join(options.dir, name), options));
  return entries;
};
