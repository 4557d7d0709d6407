/** The request body (docs/arazzo.md §8): the payload plan, its replacements, and its encoding. */
import { type ExpressionScope, stringifyEmbedded } from './expression.ts';
import { isRecord } from './is-record.ts';
import { resolveTokens } from './json-pointer.ts';
import { evaluatePlan, type PreparedOperationStep } from './prepare.ts';
import { renderStringPayload, type StringPayloadPlan } from './string-payload.ts';

export type BuiltBody = {
  /** The payload as `$request.body` sees it. */
  readonly value: unknown;
  /** The serialised payload; undefined when there is none or it could not be encoded. */
  readonly text: string | undefined;
};

const applyReplacement = (
  body: unknown,
  tokens: readonly string[],
  value: unknown,
  errors: string[],
): unknown => {
  if (tokens.length === 0) return value;
  const parent = resolveTokens(body, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : /^(0|[1-9][0-9]*)$/.test(last) ? Number(last) : -1;
    if (index < 0 || index > parent.length) {
      errors.push(`replacement target index "${last}" is out of range`);
    } else if (value === undefined) {
      if (index < parent.length) parent.splice(index, 1);
    } else {
      parent[index] = value;
    }
  } else if (isRecord(parent)) {
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  } else {
    errors.push(`replacement target parent of "${last}" does not exist`);
  }
  return body;
};

const encodeBody = (
  value: unknown,
  encoding: NonNullable<PreparedOperationStep['body']>['encoding'],
  errors: string[],
): string | undefined => {
  if (encoding === 'json') return JSON.stringify(value);
  if (encoding === 'form') {
    if (!isRecord(value)) {
      errors.push('a form-encoded payload must be an object');
      return undefined;
    }
    const form = new URLSearchParams();
    for (const [key, entry] of Object.entries(value)) form.append(key, stringifyEmbedded(entry));
    return form.toString();
  }
  if (typeof value === 'string') return value;
  errors.push('a text/plain payload must be a string');
  return undefined;
};

const applyReplacements = (
  body: NonNullable<PreparedOperationStep['body']>,
  start: unknown,
  scope: ExpressionScope,
  errors: string[],
): unknown => {
  let value = start;
  for (const replacement of body.replacements) {
    const replaced = evaluatePlan(replacement.plan, scope, errors);
    value = applyReplacement(value, replacement.tokens, replaced, errors);
  }
  return value;
};

/**
 * A string payload (docs/arazzo.md §4): the rendered text is sent as it is. JSON text is parsed for
 * `$request.body`; with replacements it is parsed, replaced into and sent re-serialised (compact).
 */
const buildStringBody = (
  body: NonNullable<PreparedOperationStep['body']>,
  plan: StringPayloadPlan,
  scope: ExpressionScope,
  errors: string[],
): BuiltBody => {
  const rendered = renderStringPayload(plan, scope, errors);
  if (rendered === undefined || plan.encoding === 'form')
    return { value: rendered, text: rendered };
  let value: unknown;
  try {
    value = JSON.parse(rendered);
  } catch {
    // Unreachable: the text around the values was checked to be JSON, and every value is escaped for its place.
    errors.push('the rendered JSON payload does not parse');
    return { value: rendered, text: undefined };
  }
  if (body.replacements.length === 0) return { value, text: rendered };
  const replaced = applyReplacements(body, value, scope, errors);
  return { value: replaced, text: replaced === undefined ? undefined : JSON.stringify(replaced) };
};

const buildValueBody = (
  body: NonNullable<PreparedOperationStep['body']>,
  scope: ExpressionScope,
  errors: string[],
): BuiltBody => {
  let value = body.plan === undefined ? undefined : evaluatePlan(body.plan, scope, errors);
  if (body.replacements.length > 0) {
    // Literal subtrees are shared with the prepared plan: copy before mutating.
    value = applyReplacements(
      body,
      value === undefined ? undefined : structuredClone(value),
      scope,
      errors,
    );
  }
  if (value === undefined) return { value, text: undefined };
  return { value, text: encodeBody(value, body.encoding, errors) };
};

/**
 * Evaluates the step's payload and replacements and encodes it; sets `content-type` unless a parameter did.
 * Problems are appended to `errors`.
 */
export const buildBody = (
  step: PreparedOperationStep,
  scope: ExpressionScope,
  errors: string[],
  headers: Record<string, string>,
): BuiltBody => {
  const { body } = step;
  if (body === undefined) return { value: undefined, text: undefined };
  const built =
    body.stringPlan === undefined
      ? buildValueBody(body, scope, errors)
      : buildStringBody(body, body.stringPlan, scope, errors);
  if (built.text !== undefined && !Object.hasOwn(headers, 'content-type')) {
    headers['content-type'] = body.contentType;
  }
  return built;
};
