/**
 * JSONPath criteria (Arazzo 1.0.1 Criterion Object, `type: jsonpath`): the condition is an RFC 9535 query run
 * against the criterion's `context`; a non-empty node list passes. The query may embed runtime expressions
 * (`{$inputs.customerId}`); each is substituted as a JSON literal (a string is quoted and escaped), so a value can
 * never change the query's structure. Evaluation is delegated to `jsonpath-rfc9535` (dependency-free, passes the
 * JSONPath compliance suite).
 */
import { type JsonValue, query } from 'jsonpath-rfc9535';
import { type Expression, type ExpressionScope, evaluateExpression } from './expression.ts';

/** A jsonpath condition split into literal query text and embedded expressions. */
export type JsonPathParts = readonly (string | Expression)[];

const literalOf = (value: unknown): string | undefined =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value))
    ? JSON.stringify(value)
    : undefined;

const errorText = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 200);

/** Build-time check: the query parses with every embedded expression replaced by `null`. */
export const checkJsonPathQuery = (parts: JsonPathParts): string | undefined => {
  const text = parts.map((part) => (typeof part === 'string' ? part : 'null')).join('');
  if (!text.trimStart().startsWith('$')) return 'a jsonpath condition must start with "$"';
  try {
    query(null, text);
    return undefined;
  } catch (error) {
    return `jsonpath query does not parse: ${errorText(error)}`;
  }
};

/**
 * Runs the query against `subject`. False when an embedded value is absent or not a scalar (nothing to compare
 * against), when the subject is absent, or when the query selects nothing.
 */
export const jsonPathMatches = (
  parts: JsonPathParts,
  subject: unknown,
  scope: ExpressionScope,
): boolean => {
  if (subject === undefined) return false;
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const literal = literalOf(evaluateExpression(part, scope));
    if (literal === undefined) return false;
    text += literal;
  }
  try {
    return query(subject as JsonValue, text).length > 0;
  } catch {
    // The build checked the query's syntax; a substituted literal cannot break it.
    return false;
  }
};
