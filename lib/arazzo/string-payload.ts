/**
 * A `payload` written as a string (docs/arazzo.md §4; Arazzo 1.0.1 "JSON Templated Example", "Form Data String
 * Example"): the string itself is the body, after its `{$...}` expressions are substituted. Substitution follows
 * 1.1's rules for embedded values (scalars as their text, objects and arrays as JSON) and escapes each value for
 * where it lands, so a value can never change the body's structure:
 * - JSON: inside a JSON string literal a value is written as that string's escaped content; outside any string, as
 *   a JSON literal (a string value quoted). The text around the expressions must be JSON, checked once.
 * - form: each value is form-encoded (`&`, `=` and spaces cannot start a new field).
 */
import { errorText } from './errors.ts';
import {
  type Expression,
  type ExpressionScope,
  evaluateExpression,
  parseTemplate,
  stringifyEmbedded,
  type TemplatePart,
} from './expression.ts';
import { escapeInQuotes, quotesOfParts } from './quoted-text.ts';

/** One embedded value: `inString` when it sits inside a JSON string literal. */
type Embed = { readonly expression: Expression; readonly inString: boolean };

/** A string payload, pre-parsed: literal text and embedded values, and how the values are escaped. */
export type StringPayloadPlan = {
  readonly encoding: 'json' | 'form';
  readonly parts: readonly (string | Embed)[];
  readonly text: string;
};

/**
 * Parses the JSON text with every embedded value replaced by a placeholder of its kind; undefined when it is JSON.
 * Inside a string the placeholder is `x`, so a backslash right before a value (which could join the value into an
 * escape) makes the text invalid.
 */
const jsonProblem = (parts: readonly (string | Embed)[]): string | undefined => {
  const probe = parts
    .map((part) => (typeof part === 'string' ? part : part.inString ? 'x' : 'null'))
    .join('');
  try {
    JSON.parse(probe);
    return undefined;
  } catch (error) {
    return `a string payload with a JSON content type must be JSON text (read with each {$...} outside a string as null): ${errorText(error)}`;
  }
};

/** Pre-parses a string payload; an error when an embedded expression does not parse or JSON text is not JSON. */
export const prepareStringPayload = (
  text: string,
  encoding: 'json' | 'form',
): { ok: true; plan: StringPayloadPlan } | { ok: false; error: string } => {
  const template = parseTemplate(text);
  if (template !== undefined && !template.ok) return template;
  const raw: readonly TemplatePart[] = template?.parts ?? [text];
  const quotes = quotesOfParts(raw, encoding === 'json' ? '"' : '');
  let next = 0;
  const parts = raw.map((part) => {
    if (typeof part === 'string') return part;
    const inString = quotes[next] !== undefined;
    next += 1;
    return { expression: part, inString };
  });
  const problem = encoding === 'json' ? jsonProblem(parts) : undefined;
  return problem === undefined
    ? { ok: true, plan: { encoding, parts, text } }
    : { ok: false, error: problem };
};

const FORM_PREFIX = 1; // URLSearchParams writes "=value" for an empty name.

const embedText = (value: unknown, embed: Embed, encoding: 'json' | 'form'): string => {
  if (encoding === 'form') {
    return new URLSearchParams([['', stringifyEmbedded(value)]]).toString().slice(FORM_PREFIX);
  }
  return embed.inString
    ? escapeInQuotes(stringifyEmbedded(value), '"')
    : (JSON.stringify(value) ?? 'null');
};

/**
 * Renders a string payload. Undefined, with an error in `errors`, when an embedded value is absent: the step fails
 * before sending (docs/arazzo.md §4).
 */
export const renderStringPayload = (
  plan: StringPayloadPlan,
  scope: ExpressionScope,
  errors: string[],
): string | undefined => {
  let result = '';
  for (const part of plan.parts) {
    if (typeof part === 'string') {
      result += part;
      continue;
    }
    const value = evaluateExpression(part.expression, scope);
    if (value === undefined) {
      errors.push(`absent value embedded in "${plan.text}"`);
      return undefined;
    }
    result += embedText(value, part, plan.encoding);
  }
  return result;
};
