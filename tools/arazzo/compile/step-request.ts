/** A step's request: its parameters (merged with the workflow's) and its request body. */
import type {
  CompiledParameter,
  CompiledRequestBody,
} from '../../../lib/arazzo/compiled-document.ts';
import { parseTemplate } from '../../../lib/arazzo/expression.ts';
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import { FORBIDDEN_KEYS, parseJsonPointer } from '../../../lib/arazzo/json-pointer.ts';
import { bodyEncodingOf, splitPathTemplate } from '../../../lib/arazzo/prepare.ts';
import { prepareStringPayload } from '../../../lib/arazzo/string-payload.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { parameterIdentity, type ResolvedParameter } from './components.ts';
import { asArray, at, type Rec, str } from './document-values.ts';
import { checkValue, type ExpressionSite } from './expression-checks.ts';
import type { IndexedOperation } from './operation-index.ts';

const NO_BODY_METHODS = new Set(['GET', 'HEAD', 'DELETE']);

/** Step parameters override workflow parameters of the same identity. */
export const mergeParameters = (
  workflowParameters: readonly ResolvedParameter[],
  stepParameters: readonly ResolvedParameter[],
): CompiledParameter[] => {
  const stepIdentities = new Set(
    stepParameters.map((parameter) => parameterIdentity(parameter.value)),
  );
  const merged = [
    ...workflowParameters.filter(
      (parameter) => !stepIdentities.has(parameterIdentity(parameter.value)),
    ),
    ...stepParameters,
  ];
  return merged.map((parameter) => ({
    name: str(parameter.value['name']) ?? '',
    in: (str(parameter.value['in']) ?? 'query') as CompiledParameter['in'],
    value: parameter.value['value'],
  }));
};

/** Every slot of the operation's path template has exactly one path parameter, and no path parameter is spare. */
export const checkPathParameters = (
  operation: IndexedOperation,
  parameters: readonly CompiledParameter[],
  pointer: string,
  issues: DocumentIssue[],
): void => {
  const slots = (splitPathTemplate(operation.path) ?? []).flatMap((part) =>
    typeof part === 'string' ? [] : [part.param],
  );
  for (const slot of slots) {
    if (!parameters.some((parameter) => parameter.in === 'path' && parameter.name === slot)) {
      issues.push({
        pointer,
        message: `path parameter "${slot}" of ${operation.path} has no value`,
      });
    }
  }
  for (const parameter of parameters) {
    if (parameter.in === 'path' && !slots.includes(parameter.name)) {
      issues.push({
        pointer: at(pointer, 'parameters'),
        message: `path parameter "${parameter.name}" is not in ${operation.path}`,
      });
    }
  }
};

const compileReplacement = (replacement: Rec, pointer: string, site: ExpressionSite) => {
  const target = str(replacement['target']) ?? '';
  const tokens = parseJsonPointer(target);
  if (tokens === undefined) {
    site.issues.push({
      pointer: at(pointer, 'target'),
      message: `"${target}" is not a JSON Pointer (XPath targets are not supported)`,
    });
  } else if (tokens.some((token) => FORBIDDEN_KEYS.has(token))) {
    site.issues.push({
      pointer: at(pointer, 'target'),
      message: `forbidden key in target "${target}"`,
    });
  }
  checkValue(replacement['value'], at(pointer, 'value'), site);
  return { target, value: replacement['value'] };
};

const checkContentType = (
  rawBody: Rec,
  operation: IndexedOperation | undefined,
  pointer: string,
  issues: DocumentIssue[],
): string => {
  if (operation !== undefined && NO_BODY_METHODS.has(operation.method)) {
    issues.push({ pointer, message: `requestBody is not allowed on ${operation.method}` });
  }
  const contentType = str(rawBody['contentType']) ?? operation?.contentType ?? 'application/json';
  if (bodyEncodingOf(contentType) === undefined) {
    issues.push({
      pointer: at(pointer, 'contentType'),
      message: `content type "${contentType}" is not supported (JSON, form or text only)`,
    });
  }
  return contentType;
};

/**
 * A literal string payload with a JSON or form content type is sent as the text itself (docs/arazzo.md §4): JSON
 * text must be JSON around its embedded values, and a form string has nowhere for a replacement to go.
 */
const checkStringPayload = (
  payload: unknown,
  contentType: string,
  hasReplacements: boolean,
  pointer: string,
  site: ExpressionSite,
): void => {
  const encoding = bodyEncodingOf(contentType);
  if (typeof payload !== 'string' || payload.startsWith('$')) return;
  if (encoding !== 'json' && encoding !== 'form') return;
  const prepared = prepareStringPayload(payload, encoding);
  // A template that does not parse was reported by checkValue already.
  if (!prepared.ok && parseTemplate(payload)?.ok !== false) {
    site.issues.push({ pointer: at(pointer, 'payload'), message: prepared.error });
  }
  if (encoding === 'form' && hasReplacements) {
    site.issues.push({
      pointer: at(pointer, 'replacements'),
      message: 'a form payload written as a string has no JSON Pointer targets',
    });
  }
};

/** Compiles a step's `requestBody`; `undefined` when the step has none. */
export const compileRequestBody = (
  rawBody: unknown,
  operation: IndexedOperation | undefined,
  pointer: string,
  site: ExpressionSite,
): CompiledRequestBody | undefined => {
  if (!isRecord(rawBody)) return undefined;
  const contentType = checkContentType(rawBody, operation, pointer, site.issues);
  const hasPayload = Object.hasOwn(rawBody, 'payload');
  if (hasPayload) checkValue(rawBody['payload'], at(pointer, 'payload'), site);
  const replacements = asArray(rawBody['replacements'])
    .filter(isRecord)
    .map((replacement, index) =>
      compileReplacement(replacement, at(pointer, 'replacements', index), site),
    );
  checkStringPayload(rawBody['payload'], contentType, replacements.length > 0, pointer, site);
  return {
    contentType,
    ...(hasPayload ? { payload: rawBody['payload'] } : {}),
    replacements,
  };
};
