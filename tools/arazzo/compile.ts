/**
 * Build time (docs/arazzo.md §1): reads an Arazzo document and its OpenAPI sources, validates it against the
 * Arazzo 1.0 JSON Schema and our semantic rules, and compiles it into a `CompiledDocument`. Every problem is
 * collected with a JSON Pointer location; nothing stops at the first. The parts live in `compile/`.
 */
import {
  COMPILED_FORMAT,
  type CompiledDocument,
  type CompiledOperation,
  type CompiledSource,
  type CompiledWorkflow,
} from '../../lib/arazzo/compiled-document.ts';
import { isRecord } from '../../lib/arazzo/is-record.ts';
import { WorkflowDocumentError } from '../../lib/errors.ts';
import { compileArazzoSourceFiles } from './compile/arazzo-files.ts';
import { type EmbeddedSources, embedArazzoSources } from './compile/arazzo-sources.ts';
import { checkId, walkForbiddenKeys } from './compile/document-checks.ts';
import { asArray, asRecord, at, type Rec, str } from './compile/document-values.ts';
import type { DocumentScope } from './compile/scope.ts';
import { checkSourceDescriptions, sourceEntriesOf } from './compile/source-description.ts';
import { createSourceLoader } from './compile/source-file.ts';
import { type SourceDocuments, scopeSources } from './compile/sources.ts';
import { compileWorkflow } from './compile/workflow.ts';
import { checkDependencyCycles, declaredWorkflows } from './compile/workflow-refs.ts';
import { readDocumentFile } from './load-document.ts';
import { type DocumentIssue, validateArazzoSchema } from './schema-validation.ts';

export {
  createSourceLoader,
  type LoadedSource,
  resolveSourcePath,
  type SourceLoader,
} from './compile/source-file.ts';
export type { SourceDocuments } from './compile/sources.ts';
export type { DocumentIssue } from './schema-validation.ts';

export type CompileOptions = {
  /** Path of the Arazzo document; relative source URLs resolve against its directory. */
  readonly documentPath: string;
  /** Overrides a source description's location by name: `{ billingApi: '/path/openapi.yaml' }`. */
  readonly sources?: Readonly<Record<string, string>>;
};

export type CompileResult = {
  /** Present only when there are no issues. */
  readonly compiled?: CompiledDocument;
  readonly issues: readonly DocumentIssue[];
  readonly warnings: readonly DocumentIssue[];
};

/** Formats an issue as one line: `<pointer>: <message>`. */
export const formatIssue = (issue: DocumentIssue): string => `${issue.pointer}: ${issue.message}`;

const compileWorkflows = (document: Rec, scope: DocumentScope): CompiledWorkflow[] => {
  const workflowIds = new Set<string>();
  return asArray(document['workflows']).flatMap((workflow, index) => {
    if (!isRecord(workflow)) return [];
    const workflowId = str(workflow['workflowId']) ?? '';
    if (workflowIds.has(workflowId)) {
      scope.issues.push({
        pointer: at('', 'workflows', index, 'workflowId'),
        message: `duplicate workflowId "${workflowId}"`,
      });
    }
    workflowIds.add(workflowId);
    checkId(workflowId, 'workflowId', at('', 'workflows', index, 'workflowId'), scope);
    return [compileWorkflow(workflow, index, scope)];
  });
};

/** Operations sorted by key, so the compiled JSON does not depend on the order steps use them in. */
const sortedByKey = (
  operations: Readonly<Record<string, CompiledOperation>>,
): Record<string, CompiledOperation> => {
  const sorted: Record<string, CompiledOperation> = {};
  for (const key of Object.keys(operations).sort()) {
    sorted[key] = operations[key] as CompiledOperation;
  }
  return sorted;
};

/** The compiled document: its own sources, operations and workflows first, then its arazzo sources' (§17). */
const assemble = (
  document: Rec,
  scope: DocumentScope,
  workflows: CompiledWorkflow[],
  embedded: EmbeddedSources,
): CompiledDocument => {
  const info = asRecord(document['info']);
  const sources: CompiledSource[] = [...scope.sources.values()].map((source) => ({
    name: source.name,
    type: source.type,
    url: source.url,
    servers: source.servers,
  }));
  return {
    format: COMPILED_FORMAT,
    arazzo: str(document['arazzo']) ?? '',
    info: { title: str(info['title']) ?? '', version: str(info['version']) ?? '' },
    sources: [...sources, ...embedded.sources],
    operations: sortedByKey({ ...scope.usedOperations, ...embedded.operations }),
    workflows: [...workflows, ...embedded.workflows],
  };
};

/**
 * Validates and compiles a parsed Arazzo document whose sources have already been parsed: `{ sources: { name:
 * openapi } }`, or `{ openapi }` for the only OpenAPI source. Pure (no I/O); `compileArazzoFile` does the reading.
 * Returns every issue; `compiled` only when there are none.
 */
export const compileArazzoDocument = (
  document: unknown,
  given: SourceDocuments,
  arazzo: Readonly<Record<string, CompiledDocument | undefined>> = {},
): CompileResult => {
  const issues: DocumentIssue[] = [...validateArazzoSchema(document), ...(given.issues ?? [])];
  const warnings: DocumentIssue[] = [];
  walkForbiddenKeys(document, '', issues);
  if (!isRecord(document)) return { issues, warnings };
  const entries = sourceEntriesOf(document);
  checkSourceDescriptions(document, entries, issues, warnings);
  const embedded = embedArazzoSources(entries, arazzo, issues);
  const scope: DocumentScope = {
    issues,
    warnings,
    components: asRecord(document['components']),
    sources: scopeSources(entries, given, issues),
    usedOperations: {},
    localWorkflows: declaredWorkflows(document, asRecord(document['components'])),
    externalWorkflows: embedded.infos,
  };
  const workflows = compileWorkflows(document, scope);
  checkDependencyCycles(workflows, issues);
  if (issues.length > 0) return { issues, warnings };
  return { compiled: assemble(document, scope, workflows, embedded), issues, warnings };
};

const readFailure = (error: unknown): CompileResult => {
  const issues = (error as WorkflowDocumentError).details?.issues ?? [(error as Error).message];
  return { issues: issues.map((line) => ({ pointer: '/', message: line })), warnings: [] };
};

/**
 * Reads, validates and compiles an Arazzo document file with its OpenAPI sources (each resolved relative to the
 * document, or overridden by name). Never throws for document problems: they come back as `issues`.
 */
export const compileArazzoFile = async (
  options: CompileOptions,
  enclosing: readonly string[] = [],
): Promise<CompileResult> => {
  let document: unknown;
  try {
    document = (await readDocumentFile(options.documentPath)).document;
  } catch (error) {
    return readFailure(error);
  }
  const entries = isRecord(document) ? sourceEntriesOf(document) : [];
  const load = createSourceLoader(options.documentPath, entries, options.sources);
  const sources: Record<string, unknown> = {};
  const issues: DocumentIssue[] = [];
  for (const entry of entries) {
    // Arazzo-type sources are compiled as documents of their own below.
    if (entry.type !== 'openapi' || Object.hasOwn(sources, entry.name)) continue;
    const loaded = await load(entry.name);
    sources[entry.name] = loaded.document;
    issues.push(...loaded.issues);
  }
  const arazzo = await compileArazzoSourceFiles(options.documentPath, entries, {
    overrides: options.sources,
    enclosing,
    compileNested: (documentPath, chain) => compileArazzoFile({ documentPath }, chain),
  });
  issues.push(...arazzo.issues);
  return compileArazzoDocument(document, { sources, issues }, arazzo.compiled);
};

/**
 * Like `compileArazzoFile`, but returns the compiled document or throws WorkflowDocumentError with every issue
 * (formatted `<pointer>: <message>`) in `details.issues`.
 */
export const compileArazzoFileOrThrow = async (
  options: CompileOptions,
): Promise<CompiledDocument> => {
  const result = await compileArazzoFile(options);
  if (result.compiled === undefined) {
    throw new WorkflowDocumentError(
      `Workflow document ${options.documentPath} is invalid (${result.issues.length} problems)`,
      { issues: result.issues.map(formatIssue) },
    );
  }
  return result.compiled;
};
