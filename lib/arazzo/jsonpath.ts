/**
 * JSONPath criteria (Arazzo 1.0.1 Criterion Object, `type: jsonpath`; docs/arazzo.md §5.4): the condition is an
 * RFC 9535 query run against the criterion's `context`; a non-empty node list passes (1.1 "Condition Evaluation").
 * The query may embed runtime expressions (`{$inputs.customerId}`): inside a quoted string literal a value is written
 * as that string's escaped content, elsewhere as a JSON literal (only where RFC 9535 allows one), and in the pattern
 * of match() or search() with I-Regexp metacharacters escaped too, so a value can never change the query's structure
 * nor be read as a pattern.
 * Evaluation is delegated to `jsonpath-rfc9535` (dependency-free, passes the JSONPath compliance suite).
 */
import { type JsonValue, query } from 'jsonpath-rfc9535';
import { errorText } from './errors.ts';
import {
  type Expression,
  type ExpressionScope,
  evaluateExpression,
  stringifyEmbedded,
  type TemplatePart,
} from './expression.ts';
import { landingOf, markerOf } from './jsonpath-embeds.ts';
import { escapeInQuotes, escapeIRegexp, type Quote, quotesOfParts } from './quoted-text.ts';

/**
 * An embedded expression of a query: the quote of the string literal it sits in (if any), and whether it lands in
 * the pattern argument of match() or search().
 */
export type JsonPathEmbed = {
  readonly expression: Expression;
  readonly quote: Quote;
  readonly pattern: boolean;
};

/** A jsonpath condition split into literal query text and embedded expressions. */
export type JsonPathParts = readonly (string | JsonPathEmbed)[];

/** The versions of the typed criterion form (`type: {type: jsonpath, version}`) we evaluate, with RFC 9535. */
export const JSONPATH_VERSIONS: readonly string[] = ['draft-goessner-dispatch-jsonpath-00'];

/**
 * The query text with each embedded value replaced: the one at `marked` by its marker, the others by a placeholder of
 * their kind (`x` inside quotes, so a backslash right before a value, which could join the value into an escape,
 * does not parse; `null` outside).
 */
const probeOf = (parts: readonly TemplatePart[], quotes: readonly Quote[], marked = -1): string => {
  let index = -1;
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      index += 1;
      const quoted = quotes[index] !== undefined;
      if (index !== marked) return quoted ? 'x' : 'null';
      return quoted ? markerOf(index) : JSON.stringify(markerOf(index));
    })
    .join('');
};

const syntaxProblem = (probe: string): string | undefined => {
  if (!probe.trimStart().startsWith('$')) return 'a jsonpath condition must start with "$"';
  try {
    query(null, probe);
    return undefined;
  } catch (error) {
    return `jsonpath query does not parse: ${errorText(error)}`;
  }
};

/** One message per kind of misplaced value, each naming the values; undefined when none is misplaced. */
const misplacedError = (outside: string[], inSyntax: string[]): string | undefined => {
  const errors: string[] = [];
  if (outside.length > 0) {
    errors.push(
      `${outside.join(', ')} outside quotes must be a comparison operand or a function argument, where RFC 9535 allows a literal (a member name is written quoted: $['{$...}'])`,
    );
  }
  if (inSyntax.length > 0) {
    errors.push(
      `${inSyntax.join(', ')} in a match()/search() pattern must stand outside character classes, escapes and braces, where its text would be read as pattern syntax`,
    );
  }
  return errors.length === 0 ? undefined : errors.join('; ');
};

/**
 * Checks a parsed condition template as a query (build time, and again when a compiled document is prepared) and
 * splits it into parts: the query must parse with placeholders, every value outside quotes must stand where a
 * literal may, and a value in a match()/search() pattern where its escaped text is plain text (docs/arazzo.md §5.4).
 */
export const jsonPathQueryOf = (
  template: readonly TemplatePart[],
): { ok: true; parts: JsonPathParts } | { ok: false; error: string } => {
  const quotes = quotesOfParts(template, `"'`);
  const problem = syntaxProblem(probeOf(template, quotes));
  if (problem !== undefined) return { ok: false, error: problem };
  const outside: string[] = [];
  const inSyntax: string[] = [];
  let index = -1;
  const parts = template.map((part) => {
    if (typeof part === 'string') return part;
    index += 1;
    const quote = quotes[index];
    const landing = landingOf(
      probeOf(template, quotes, index),
      markerOf(index),
      quote !== undefined,
    );
    if (quote === undefined && landing !== 'literal' && landing !== 'pattern') {
      outside.push(`{${part.text}}`);
    }
    if (landing === 'patternSyntax') inSyntax.push(`{${part.text}}`);
    return { expression: part, quote, pattern: landing === 'pattern' };
  });
  const error = misplacedError(outside, inSyntax);
  return error === undefined ? { ok: true, parts } : { ok: false, error };
};

/** An embedded value as query text; in a match()/search() pattern escaped to match only itself. */
const literalOf = (value: unknown, embed: JsonPathEmbed): string | undefined => {
  if (value === undefined) return undefined;
  const { quote, pattern } = embed;
  if (quote !== undefined) {
    const text = stringifyEmbedded(value);
    return escapeInQuotes(pattern ? escapeIRegexp(text) : text, quote);
  }
  if (typeof value === 'string') return JSON.stringify(pattern ? escapeIRegexp(value) : value);
  return value === null ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
    ? JSON.stringify(value)
    : undefined;
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
    const literal = literalOf(evaluateExpression(part.expression, scope), part);
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
