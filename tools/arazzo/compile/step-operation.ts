/** Which source operation a step calls, by `operationId` (optionally source-qualified) or by `operationPath`. */
import { parseJsonPointer } from '../../../lib/arazzo/json-pointer.ts';
import { checkPathTemplate } from '../../../lib/arazzo/prepare.ts';
import { at, type Rec, str } from './document-values.ts';
import type { IndexedOperation } from './operation-index.ts';
import type { DocumentScope } from './scope.ts';

const QUALIFIED_OPERATION_ID = /^\$sourceDescriptions\.([A-Za-z0-9_-]+)\.(.+)$/;
const OPERATION_PATH = /^\{\$sourceDescriptions\.([A-Za-z0-9_-]+)\.url\}#(\/.*)$/;

/** The operation a step calls, under its key in the compiled document's `operations`. */
export type StepOperation = { readonly key: string; readonly operation: IndexedOperation };

const keyOfOperationId = (
  operationId: string,
  pointer: string,
  scope: DocumentScope,
): string | undefined => {
  let id = operationId;
  const qualified = QUALIFIED_OPERATION_ID.exec(operationId);
  if (qualified) {
    if (qualified[1] !== scope.sourceName) {
      scope.issues.push({ pointer, message: `unknown source description "${qualified[1]}"` });
    }
    id = qualified[2] ?? '';
  }
  if (scope.operations.has(id)) return id;
  scope.issues.push({ pointer, message: `operationId "${id}" is not in the source description` });
  return undefined;
};

const keyOfOperationPath = (
  operationPath: string,
  pointer: string,
  scope: DocumentScope,
): string | undefined => {
  const { sourceName } = scope;
  const match = OPERATION_PATH.exec(operationPath);
  const tokens = match ? parseJsonPointer(match[2] ?? '') : undefined;
  if (!match || match[1] !== sourceName || tokens?.length !== 3 || tokens[0] !== 'paths') {
    scope.issues.push({
      pointer,
      message: `operationPath "${operationPath}" must be {$sourceDescriptions.${sourceName}.url}#/paths/<path>/<method>`,
    });
    return undefined;
  }
  const key = `${(tokens[2] ?? '').toUpperCase()} ${tokens[1] ?? ''}`;
  if (scope.operations.has(key)) return key;
  scope.issues.push({
    pointer,
    message: `operationPath "${operationPath}" does not resolve in the source description`,
  });
  return undefined;
};

/**
 * Resolves the step's operation and records it in `scope.usedOperations`; `undefined` (with an issue) when the
 * step names none that the source has.
 */
export const resolveStepOperation = (
  step: Rec,
  pointer: string,
  scope: DocumentScope,
): StepOperation | undefined => {
  const operationId = str(step['operationId']);
  const operationPath = str(step['operationPath']);
  const field = operationId === undefined ? 'operationPath' : 'operationId';
  let key: string | undefined;
  if (operationId !== undefined) key = keyOfOperationId(operationId, at(pointer, field), scope);
  else if (operationPath !== undefined) {
    key = keyOfOperationPath(operationPath, at(pointer, field), scope);
  }
  const operation = key === undefined ? undefined : scope.operations.get(key);
  if (key === undefined || operation === undefined) return undefined;
  const problem = checkPathTemplate(operation.path);
  if (problem !== undefined) scope.issues.push({ pointer: at(pointer, field), message: problem });
  const { pointer: _pointer, ...entry } = operation;
  scope.usedOperations[key] = entry;
  return { key, operation };
};
