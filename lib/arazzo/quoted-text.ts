/**
 * Embedding values into JSON text and JSONPath queries without letting a value change their shape
 * (docs/arazzo.md §4, §5.4). A `{$...}` inside a quoted string literal is escaped as that string's content; one
 * outside any string is written as a JSON literal. Which one applies is decided once, from the literal text around
 * each embedded expression.
 */
import type { TemplatePart } from './expression.ts';

/** The quote character enclosing an embedded expression, or undefined when it sits outside any string. */
export type Quote = '"' | "'" | undefined;

/**
 * For each expression part of `parts`, the quote it is inside. `quotes` lists the characters that open a string
 * (`"` for JSON, `"` and `'` for JSONPath); a backslash escapes the next character inside a string.
 */
export const quotesOfParts = (parts: readonly TemplatePart[], quotes: string): Quote[] => {
  const result: Quote[] = [];
  let open: Quote;
  let escaped = false;
  for (const part of parts) {
    if (typeof part !== 'string') {
      result.push(open);
      continue;
    }
    for (const c of part) {
      if (open === undefined) {
        if (quotes.includes(c)) open = c as Quote;
      } else if (escaped) {
        escaped = false;
      } else if (c === '\\') {
        escaped = true;
      } else if (c === open) {
        open = undefined;
      }
    }
  }
  return result;
};

/**
 * `text` as the content of a string literal delimited by `quote`: JSON escapes (control characters, backslash, lone
 * surrogates), with the quote escaped. For a single-quoted JSONPath literal `\"` becomes `"` (RFC 9535 does not
 * allow `\"` there) and `'` becomes `\'`.
 */
export const escapeInQuotes = (text: string, quote: '"' | "'"): string => {
  const json = JSON.stringify(text).slice(1, -1);
  if (quote === '"') return json;
  let result = '';
  // Bounded by the text's length; every backslash in JSON.stringify output starts a two-character (or \u) escape.
  for (let i = 0; i < json.length; i += 1) {
    const c = json[i];
    if (c === '\\') {
      const next = json[i + 1];
      result += next === '"' ? '"' : `\\${next ?? ''}`;
      i += 1;
    } else {
      result += c === "'" ? "\\'" : c;
    }
  }
  return result;
};

/**
 * `text` as a pattern that matches exactly that text, read as I-Regexp (RFC 9485) and as the ECMAScript pattern
 * `jsonpath-rfc9535` turns it into (docs/arazzo.md §5.4). Each metacharacter is escaped with a backslash; `$` is
 * plain text in I-Regexp but an anchor in ECMAScript, and `\$` is not I-Regexp, so it is written as the class `[$]`.
 */
export const escapeIRegexp = (text: string): string =>
  text.replace(/[\\.[\]()*+?{}|^$]/g, (c) => (c === '$' ? '[$]' : `\\${c}`));
