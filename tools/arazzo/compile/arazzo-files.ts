/**
 * Reading arazzo-type sources (docs/arazzo.md §17): each names another Arazzo document, found like an OpenAPI source
 * (next to the document, or overridden by name; never fetched), and compiled on its own with its own sources. A
 * document that is already being compiled further up is a cycle, reported instead of followed.
 */
import { resolve } from 'node:path';
import type { CompiledDocument } from '../../../lib/arazzo/compiled-document.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { at } from './document-values.ts';
import type { SourceEntry } from './source-description.ts';
import { resolveSourcePath } from './source-file.ts';

/** Compiles the document at `documentPath`, knowing which documents enclose it (`compileArazzoFile`). */
export type CompileNested = (
  documentPath: string,
  enclosing: readonly string[],
) => Promise<{
  readonly compiled?: CompiledDocument;
  readonly issues: readonly DocumentIssue[];
}>;

export type ArazzoSourceFiles = {
  /** By source name; undefined where the document could not be compiled (its problems are in `issues`). */
  readonly compiled: Record<string, CompiledDocument | undefined>;
  readonly issues: DocumentIssue[];
};

const compileEntry = async (
  entry: SourceEntry,
  context: {
    readonly documentPath: string;
    readonly overrides: Readonly<Record<string, string>> | undefined;
    readonly enclosing: readonly string[];
    readonly compileNested: CompileNested;
  },
): Promise<{ compiled?: CompiledDocument; issues: DocumentIssue[] }> => {
  const where = at(entry.pointer, 'url');
  const path = resolveSourcePath(context.documentPath, entry, context.overrides);
  if (path === undefined) {
    const message = `remote source "${entry.url}" is not supported; override it with --source ${entry.name}=<path>`;
    return { issues: [{ pointer: where, message }] };
  }
  const chain = [...context.enclosing, resolve(context.documentPath)];
  if (chain.includes(path)) {
    const message = `arazzo source "${entry.name}" includes ${path}, which is already being compiled (a cycle)`;
    return { issues: [{ pointer: where, message }] };
  }
  const nested = await context.compileNested(path, chain);
  const issues = nested.issues.map((issue) => ({
    pointer: where,
    message: `in ${path}: ${issue.pointer}: ${issue.message}`,
  }));
  return { ...(nested.compiled === undefined ? {} : { compiled: nested.compiled }), issues };
};

/** Compiles every arazzo-type source of the document at `documentPath`. */
export const compileArazzoSourceFiles = async (
  documentPath: string,
  entries: readonly SourceEntry[],
  options: {
    readonly overrides: Readonly<Record<string, string>> | undefined;
    readonly enclosing: readonly string[];
    readonly compileNested: CompileNested;
  },
): Promise<ArazzoSourceFiles> => {
  const result: ArazzoSourceFiles = { compiled: {}, issues: [] };
  for (const entry of entries) {
    if (entry.type !== 'arazzo' || Object.hasOwn(result.compiled, entry.name)) continue;
    const one = await compileEntry(entry, { documentPath, ...options });
    result.compiled[entry.name] = one.compiled;
    result.issues.push(...one.issues);
  }
  return result;
};
