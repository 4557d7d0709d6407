/**
 * The operations of the one OpenAPI source, by `operationId` and by `<METHOD> <path>`, with the request media type
 * and the success response schemas the runtime needs.
 */
import type { CompiledOperation, HttpMethod } from '../../../lib/arazzo/compiled-document.ts';
import type { JsonSchema } from '../../../lib/arazzo/input-schema.ts';
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import { escapePointerToken } from '../../../lib/arazzo/json-pointer.ts';
import { bodyEncodingOf } from '../../../lib/arazzo/prepare.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { at, str } from './document-values.ts';
import { resolveInputSchema } from './resolve-schema.ts';

/** An operation with its JSON Pointer inside the OpenAPI source. */
export type IndexedOperation = CompiledOperation & { readonly pointer: string };

export type OperationIndex = Map<string, IndexedOperation>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Status keys whose documented JSON body the runtime validates: success codes only (`200`, `2XX`). */
const SUCCESS_STATUS = /^2(\d\d|XX)$/;

/**
 * The JSON Schemas of an operation's documented success bodies (OpenAPI Response Objects, inline schemas only), by
 * status. Error bodies stay free-form: their words are kept for the dead letter, never judged.
 */
const responseSchemasOf = (
  responses: unknown,
  pointer: string,
  issues: DocumentIssue[],
): Record<string, JsonSchema> | undefined => {
  if (!isRecord(responses)) return undefined;
  const result: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(responses)) {
    if (!SUCCESS_STATUS.test(status) || !isRecord(response)) continue;
    const content = response['content'];
    if (!isRecord(content)) continue;
    const jsonType = Object.keys(content).find((type) => bodyEncodingOf(type) === 'json');
    const media = jsonType === undefined ? undefined : content[jsonType];
    const schema = isRecord(media) ? media['schema'] : undefined;
    if (schema === undefined) continue;
    const where = at(pointer, 'responses', status, 'content', jsonType ?? '', 'schema');
    result[status] = resolveInputSchema(schema, where, {}, issues) as JsonSchema;
  }
  return Object.keys(result).length === 0 ? undefined : result;
};

const requestMediaTypeOf = (operation: Record<string, unknown>): string | undefined => {
  const requestBody = operation['requestBody'];
  const content = isRecord(requestBody) ? requestBody['content'] : undefined;
  return isRecord(content)
    ? Object.keys(content).find((type) => bodyEncodingOf(type) !== undefined)
    : undefined;
};

const indexedOperation = (
  path: string,
  method: (typeof HTTP_METHODS)[number],
  operation: Record<string, unknown>,
  where: string,
  issues: DocumentIssue[],
): IndexedOperation => {
  const mediaType = requestMediaTypeOf(operation);
  const pointer = `/paths/${escapePointerToken(path)}/${method}`;
  const responses = responseSchemasOf(operation['responses'], `${where}#${pointer}`, issues);
  return {
    method: method.toUpperCase() as HttpMethod,
    path,
    ...(mediaType === undefined ? {} : { contentType: mediaType }),
    ...(responses === undefined ? {} : { responses }),
    pointer,
  };
};

/** Indexes the source's operations; problems are reported at `where` (the source description's url). */
export const indexOperations = (
  openapi: unknown,
  issues: DocumentIssue[],
  where: string,
): OperationIndex => {
  const index: OperationIndex = new Map();
  const paths = isRecord(openapi) ? openapi['paths'] : undefined;
  if (!isRecord(paths)) {
    // A source that failed to load has already been reported.
    if (openapi !== undefined)
      issues.push({ pointer: where, message: 'the OpenAPI source has no "paths"' });
    return index;
  }
  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const entry = indexedOperation(path, method, operation, where, issues);
      const operationId = str(operation['operationId']);
      if (operationId !== undefined) {
        if (index.has(operationId)) {
          issues.push({
            pointer: where,
            message: `duplicate operationId "${operationId}" in the source`,
          });
        }
        index.set(operationId, entry);
      }
      index.set(`${entry.method} ${path}`, entry);
    }
  }
  return index;
};
