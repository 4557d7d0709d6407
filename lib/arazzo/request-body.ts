/** The request body (docs/arazzo.md §8): the payload plan, its replacements, and its encoding. */
import { type ExpressionScope, stringifyEmbedded } from './expression.ts';
import { isRecord } from './is-record.ts';
import { resolveTokens } from './json-pointer.ts';
import { evaluatePlan, type PreparedOperationStep } from './prepare.ts';

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
  if (step.body === undefined) return { value: undefined, text: undefined };
  let value =
    step.body.plan === undefined ? undefined : evaluatePlan(step.body.plan, scope, errors);
  if (step.body.replacements.length > 0) {
    // Literal subtrees are shared with the prepared plan: copy before mutating.
    value = value === undefined ? undefined : structuredClone(value);
    for (const replacement of step.body.replacements) {
      const replaced = evaluatePlan(replacement.plan, scope, errors);
      value = applyReplacement(value, replacement.tokens, replaced, errors);
    }
  }
  if (value === undefined) return { value, text: undefined };
  const text = encodeBody(value, step.body.encoding, errors);
  if (text !== undefined && !Object.hasOwn(headers, 'content-type')) {
    headers['content-type'] = step.body.contentType;
  }
  return { value, text };
};
