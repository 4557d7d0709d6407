/**
 * JSONPath criteria (Arazzo 1.0.1 Criterion Object, `type: jsonpath`; docs/arazzo.md §5.4): the condition is an
 * RFC 9535 query run against the criterion's `context`; a non-empty node list passes (1.1 "Condition Evaluation").
 * The query may embed runtime expressions (`{$inputs.customerId}`): inside a quoted string literal a value is written
 * as that string's escaped content, elsewhere as a JSON literal, so a value can never change the query's structure.
 * Evaluation is delegated to `jsonpath-rfc9535` (dependency-free, passes the JSONPath compliance suite).
 */
import { type JsonValue, query } from 'jsonpath-rfc9535';
import {
  type Expression,
  type ExpressionScope,
  evaluateExpression,
  stringifyEmbedded,
  type TemplatePart,
} from './expression.ts';
import { escapeInQuotes, type Quote, quotesOfParts } from './quoted-text.ts';

/** An embedded expression of a query, with the quote of the string literal it sits in (if any). */
export type JsonPathEmbed = { readonly expression: Expression; readonly quote: Quote };

/** A jsonpath condition split into literal query text and embedded expressions. */
export type JsonPathParts = readonly (string | JsonPathEmbed)[];

/** The versions of the typed criterion form (`type: {type: jsonpath, version}`) we evaluate, with RFC 9535. */
export const JSONPATH_VERSIONS: readonly string[] = ['draft-goessner-dispatch-jsonpath-00'];

/** Splits a parsed condition template into query parts, noting which embedded values sit inside quotes. */
export const jsonPathPartsOf = (parts: readonly TemplatePart[]): JsonPathParts => {
  const quotes = quotesOfParts(parts, `"'`);
  let next = 0;
  return parts.map((part) => {
    if (typeof part === 'string') return part;
    const quote = quotes[next];
    next += 1;
    return { expression: part, quote };
  });
};

const literalOf = (value: unknown, quote: Quote): string | undefined => {
  if (value === undefined) return undefined;
  if (quote !== undefined) return escapeInQuotes(stringifyEmbedded(value), quote);
  return value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
    ? JSON.stringify(value)
    : undefined;
};

const errorText = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 200);

/**
 * Build-time check: the query parses with every embedded value replaced by a placeholder of its kind (`x` inside
 * quotes, so a backslash right before a value, which could join the value into an escape, does not parse).
 */
export const checkJsonPathQuery = (parts: JsonPathParts): string | undefined => {
  const text = parts
    .map((part) => (typeof part === 'string' ? part : part.quote === undefined ? 'null' : 'x'))
    .join('');
  if (!text.trimStart().startsWith('$')) return 'a jsonpath condition must start with "$"';
  try {
    query(null, text);
    return undefined;
  } catch (error) {
    return `jsonpath query does not parse: ${errorText(error)}`;
  }
};

/**
 * Runs the query against `subject`. False when the subject is absent or null (1.1: the condition MUST fail), when an
 * embedded value is absent (or, outside quotes, not a scalar), or when the query selects nothing.
 */
export const jsonPathMatches = (
  parts: JsonPathParts,
  subject: unknown,
  scope: ExpressionScope,
): boolean => {
  if (subject === undefined || subject === null) return false;
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const literal = literalOf(evaluateExpression(part.expression, scope), part.quote);
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
