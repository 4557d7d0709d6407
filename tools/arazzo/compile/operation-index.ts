/**
 * The operations of one OpenAPI source, by `operationId` and by `<METHOD> <path>`, with the request media type, the
 * path- or operation-level servers and the success response schemas the runtime needs.
 */
import type { CompiledOperation, HttpMethod } from '../../../lib/arazzo/compiled-document.ts';
import type { JsonSchema } from '../../../lib/arazzo/input-schema.ts';
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import { escapePointerToken } from '../../../lib/arazzo/json-pointer.ts';
import { bodyEncodingOf } from '../../../lib/arazzo/prepare.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { at, str } from './document-values.ts';
import { resolveInputSchema } from './resolve-schema.ts';
import { serverUrlsOf } from './servers.ts';

/** An operation with its JSON Pointer inside the OpenAPI source, and its operationId when it has one. */
export type IndexedOperation = CompiledOperation & {
  readonly pointer: string;
  readonly operationId?: string;
};

/** The source being indexed: its name, its url (for relative servers) and where its problems are reported. */
export type IndexedSource = { readonly name: string; readonly url: string; readonly where: string };

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

type OperationPlace = {
  readonly path: string;
  readonly method: (typeof HTTP_METHODS)[number];
  /** The Path Item's own servers, which the operation's replace. */
  readonly pathServers: readonly string[] | undefined;
};

const indexedOperation = (
  place: OperationPlace,
  operation: Record<string, unknown>,
  source: IndexedSource,
  issues: DocumentIssue[],
): IndexedOperation => {
  const { path, method } = place;
  const mediaType = requestMediaTypeOf(operation);
  const pointer = `/paths/${escapePointerToken(path)}/${method}`;
  const where = `${source.where}#${pointer}`;
  const responses = responseSchemasOf(operation['responses'], where, issues);
  const servers =
    serverUrlsOf(operation['servers'], source.url, `${where}/servers`, {
      issues,
      fallbackToRoot: false,
    }) ?? place.pathServers;
  const operationId = str(operation['operationId']);
  return {
    source: source.name,
    method: method.toUpperCase() as HttpMethod,
    path,
    ...(servers === undefined ? {} : { servers }),
    ...(mediaType === undefined ? {} : { contentType: mediaType }),
    ...(responses === undefined ? {} : { responses }),
    pointer,
    ...(operationId === undefined ? {} : { operationId }),
  };
};

/** Indexes the source's operations; problems are reported at `source.where` (the source description's url). */
export const indexOperations = (
  openapi: unknown,
  issues: DocumentIssue[],
  source: IndexedSource,
): OperationIndex => {
  const { where } = source;
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
    const pathServers = serverUrlsOf(
      item['servers'],
      source.url,
      `${where}#/paths/${escapePointerToken(path)}/servers`,
      {
        issues,
        fallbackToRoot: false,
      },
    );
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const entry = indexedOperation({ path, method, pathServers }, operation, source, issues);
      const { operationId } = entry;
      if (operationId !== undefined) {
        if (index.has(operationId)) {
          issues.push({
            pointer: where,
            message: `duplicate operationId "${operationId}" in source "${source.name}"`,
          });
        }
        index.set(operationId, entry);
      }
      index.set(`${entry.method} ${path}`, entry);
    }
  }
  return index;
};
