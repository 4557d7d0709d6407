/** A step's request body: its encoding, its payload plan and its JSON Pointer replacements, prepared once. */
import type { CompiledRequestBody } from './compiled-document.ts';
import { FORBIDDEN_KEYS, parseJsonPointer } from './json-pointer.ts';
import type { PreparedBody } from './prepared-document.ts';
import { prepareStringPayload, type StringPayloadPlan } from './string-payload.ts';
import { compileValuePlan } from './value-plan.ts';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json(\s*;.*)?$/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded(\s*;.*)?$/i;
const TEXT_TYPE = /^text\/plain(\s*;.*)?$/i;

/** Classifies a request content type; undefined for one the interpreter cannot encode. */
export const bodyEncodingOf = (contentType: string): 'json' | 'form' | 'text' | undefined => {
  if (JSON_TYPE.test(contentType)) return 'json';
  if (FORM_TYPE.test(contentType)) return 'form';
  if (TEXT_TYPE.test(contentType)) return 'text';
  return undefined;
};

const prepareReplacements = (
  requestBody: CompiledRequestBody,
  where: string,
  issues: string[],
): PreparedBody['replacements'] =>
  requestBody.replacements.map((replacement, r) => {
    const tokens = parseJsonPointer(replacement.target);
    const rWhere = `${where}/requestBody/replacements/${r}`;
    if (tokens === undefined) issues.push(`${rWhere}/target: not a JSON Pointer`);
    if (tokens?.some((token) => FORBIDDEN_KEYS.has(token))) {
      issues.push(`${rWhere}/target: forbidden key in "${replacement.target}"`);
    }
    return {
      tokens: tokens ?? [],
      plan: compileValuePlan(replacement.value, `${rWhere}/value`, issues),
    };
  });

/**
 * A literal string payload (not one `$...` expression) with a JSON or form content type is the body text itself
 * (string-payload.ts); undefined for every other payload.
 */
const prepareStringBody = (
  requestBody: CompiledRequestBody,
  encoding: 'json' | 'form' | 'text' | undefined,
  where: string,
  issues: string[],
): StringPayloadPlan | undefined => {
  const { payload } = requestBody;
  if (typeof payload !== 'string' || payload.startsWith('$')) return undefined;
  if (encoding !== 'json' && encoding !== 'form') return undefined;
  const prepared = prepareStringPayload(payload, encoding);
  if (!prepared.ok) {
    issues.push(`${where}/requestBody/payload: ${prepared.error}`);
    return undefined;
  }
  if (encoding === 'form' && requestBody.replacements.length > 0) {
    issues.push(
      `${where}/requestBody/replacements: a form payload written as a string has no JSON Pointer targets`,
    );
  }
  return prepared.plan;
};

/** Prepares a step's request body; undefined when the step sends none. `where` is the step's location. */
export const prepareBody = (
  requestBody: CompiledRequestBody | undefined,
  where: string,
  issues: string[],
): PreparedBody | undefined => {
  if (requestBody === undefined) return undefined;
  const encoding = bodyEncodingOf(requestBody.contentType);
  if (encoding === undefined) {
    issues.push(`${where}/requestBody/contentType: unsupported "${requestBody.contentType}"`);
  }
  const stringPlan = prepareStringBody(requestBody, encoding, where, issues);
  return {
    contentType: requestBody.contentType,
    encoding: encoding ?? 'json',
    plan:
      Object.hasOwn(requestBody, 'payload') && stringPlan === undefined
        ? compileValuePlan(requestBody.payload, `${where}/requestBody/payload`, issues)
        : undefined,
    ...(stringPlan === undefined ? {} : { stringPlan }),
    replacements: prepareReplacements(requestBody, where, issues),
  };
};
