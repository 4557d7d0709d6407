/**
 * Which source operation a step calls (docs/arazzo.md §2.1), by `operationId` (qualified as
 * `$sourceDescriptions.<name>.<operationId>`, which Arazzo 1.0.1 §Step Object requires when there is more than one
 * openapi source) or by `operationPath` (`{$sourceDescriptions.<name>.url}#/paths/<path>/<method>`).
 */
import { parseJsonPointer } from '../../../lib/arazzo/json-pointer.ts';
import { checkPathTemplate } from '../../../lib/arazzo/prepare.ts';
import { at, type Rec, str } from './document-values.ts';
import type { IndexedOperation } from './operation-index.ts';
import type { DocumentScope, ScopeSource } from './scope.ts';

const QUALIFIED_OPERATION_ID = /^\$sourceDescriptions\.([A-Za-z0-9_-]+)\.(.+)$/s;
const OPERATION_PATH = /^\{\$sourceDescriptions\.([A-Za-z0-9_-]+)\.url\}#(\/.*)$/s;

/** The operation a step calls, under its key in the compiled document's `operations`. */
export type StepOperation = { readonly key: string; readonly operation: IndexedOperation };

/** The compiled key of an operation: `<source>.<operationId>`, or `<source> <METHOD> <path>` without an id. */
export const operationKeyOf = (operation: IndexedOperation): string =>
  operation.operationId === undefined
    ? `${operation.source} ${operation.method} ${operation.path}`
    : `${operation.source}.${operation.operationId}`;

const openapiSources = (scope: DocumentScope): ScopeSource[] =>
  [...scope.sources.values()].filter((source) => source.type === 'openapi');

const withOperationId = (source: ScopeSource, operationId: string) => {
  const operation = source.operations.get(operationId);
  return operation?.operationId === operationId ? operation : undefined;
};

/** The named source when it is an OpenAPI description; an issue otherwise. */
const namedSource = (name: string, pointer: string, scope: DocumentScope) => {
  const source = scope.sources.get(name);
  if (source === undefined) {
    const known = [...scope.sources.keys()].join(', ');
    scope.issues.push({
      pointer,
      message: `unknown source description "${name}" (the document has: ${known})`,
    });
    return undefined;
  }
  if (source.type === 'openapi') return source;
  scope.issues.push({
    pointer,
    message: `source description "${name}" is of type arazzo: it holds workflows, not operations`,
  });
  return undefined;
};

const unqualified = (operationId: string, pointer: string, scope: DocumentScope) => {
  const sources = openapiSources(scope);
  if (sources.length <= 1) {
    const operation =
      sources[0] === undefined ? undefined : withOperationId(sources[0], operationId);
    if (operation !== undefined) return operation;
    const message = `operationId "${operationId}" is not in the source description`;
    scope.issues.push({ pointer, message });
    return undefined;
  }
  const holders = sources.filter((source) => withOperationId(source, operationId) !== undefined);
  const names = (list: readonly ScopeSource[]) => list.map((source) => source.name).join(', ');
  scope.issues.push({
    pointer,
    message:
      holders.length === 0
        ? `operationId "${operationId}" is in none of the source descriptions (${names(sources)})`
        : `operationId "${operationId}" must be written $sourceDescriptions.<name>.${operationId} when there is more than one openapi source description; it is in: ${names(holders)}`,
  });
  return undefined;
};

const byOperationId = (operationId: string, pointer: string, scope: DocumentScope) => {
  const qualified = QUALIFIED_OPERATION_ID.exec(operationId);
  if (!qualified) return unqualified(operationId, pointer, scope);
  const [, name = '', id = ''] = qualified;
  const source = namedSource(name, pointer, scope);
  if (source === undefined) return undefined;
  const operation = withOperationId(source, id);
  if (operation !== undefined) return operation;
  scope.issues.push({
    pointer,
    message: `operationId "${id}" is not in source description "${name}"`,
  });
  return undefined;
};

const byOperationPath = (operationPath: string, pointer: string, scope: DocumentScope) => {
  const match = OPERATION_PATH.exec(operationPath);
  const tokens = match ? parseJsonPointer(match[2] ?? '') : undefined;
  if (!match || tokens?.length !== 3 || tokens[0] !== 'paths') {
    scope.issues.push({
      pointer,
      message: `operationPath "${operationPath}" must be {$sourceDescriptions.<name>.url}#/paths/<path>/<method>`,
    });
    return undefined;
  }
  const source = namedSource(match[1] ?? '', pointer, scope);
  if (source === undefined) return undefined;
  const operation = source.operations.get(`${(tokens[2] ?? '').toUpperCase()} ${tokens[1] ?? ''}`);
  if (operation !== undefined) return operation;
  scope.issues.push({
    pointer,
    message: `operationPath "${operationPath}" does not resolve in source description "${source.name}"`,
  });
  return undefined;
};

/**
 * Resolves the step's operation and records it in `scope.usedOperations`; `undefined` (with an issue) when the
 * step names none that its source has.
 */
export const resolveStepOperation = (
  step: Rec,
  pointer: string,
  scope: DocumentScope,
): StepOperation | undefined => {
  const operationId = str(step['operationId']);
  const operationPath = str(step['operationPath']);
  const field = operationId === undefined ? 'operationPath' : 'operationId';
  let operation: IndexedOperation | undefined;
  if (operationId !== undefined) operation = byOperationId(operationId, at(pointer, field), scope);
  else if (operationPath !== undefined) {
    operation = byOperationPath(operationPath, at(pointer, field), scope);
  }
  if (operation === undefined) return undefined;
  const problem = checkPathTemplate(operation.path);
  if (problem !== undefined) scope.issues.push({ pointer: at(pointer, field), message: problem });
  const { pointer: _pointer, operationId: _operationId, ...entry } = operation;
  const key = operationKeyOf(operation);
  scope.usedOperations[key] = entry;
  return { key, operation };
};
