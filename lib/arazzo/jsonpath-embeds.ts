/**
 * Where an embedded value of a JSONPath query lands (docs/arazzo.md §5.4), found once by parsing the query with a
 * marker in the value's place. Outside quotes a value is written as a JSON literal, so it must stand where RFC 9535
 * allows a literal (a comparison operand or a function argument): elsewhere (`$.{$x}`) the query would parse with a
 * placeholder but never with a value. A value in the pattern argument of match() or search() is read as an I-Regexp
 * (RFC 9485), so the runtime escapes it to match only itself.
 */
import parse from 'jsonpath-rfc9535/parser';
import { isRecord } from './is-record.ts';

/**
 * Where a marked value landed: the pattern of match()/search() (`patternSyntax` when inside a character class, right
 * after a backslash or inside braces, where even escaped text is read as pattern syntax), another literal, or
 * elsewhere (a name).
 */
export type Landing = 'pattern' | 'patternSyntax' | 'literal' | 'other';

/** A private-use character: valid unescaped in an RFC 9535 string, and not written in real queries. */
const MARK = '\uE000';

/** The marker standing for the embedded value `index` (inside quotes as is, outside as a string literal). */
export const markerOf = (index: number): string => `x${MARK}${index}${MARK}`;

type StringLiteral = { readonly value: string; readonly pattern: boolean };

const REGEX_FUNCTIONS: readonly unknown[] = ['match', 'search'];

/** Collects the string literals of a parsed query, noting those that are the pattern (second) argument. */
const collectLiterals = (node: unknown, pattern: boolean, found: StringLiteral[]): void => {
  if (Array.isArray(node)) {
    for (const item of node) collectLiterals(item, false, found);
    return;
  }
  if (!isRecord(node)) return;
  if (node['type'] === 'Literal') {
    if (typeof node['value'] === 'string') found.push({ value: node['value'], pattern });
    return;
  }
  const regexCall = node['type'] === 'FunctionExpr' && REGEX_FUNCTIONS.includes(node['name']);
  for (const [key, child] of Object.entries(node)) {
    if (!(regexCall && key === 'arguments' && Array.isArray(child))) {
      collectLiterals(child, false, found);
      continue;
    }
    for (const [index, argument] of child.entries()) collectLiterals(argument, index === 1, found);
  }
};

/**
 * Whether `at` in an I-Regexp pattern lies outside any escape, character class and braces (`{2,3}`, `\p{L}`): the
 * only place where an escaped value is plain text. Values before `at` are placeholders here: escaped, they leave the
 * context as it was.
 */
const atTopLevel = (pattern: string, at: number): boolean => {
  let escaped = false;
  let inClass = false;
  let inBraces = false;
  for (const c of pattern.slice(0, at)) {
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '{' || c === '}') inBraces = c === '{';
  }
  return !escaped && !inClass && !inBraces;
};

/**
 * Where `marker` lands in `probe`: inside quotes, in the string literal containing it; outside, as a literal equal
 * to it. Undefined when the probe does not parse.
 */
export const landingOf = (probe: string, marker: string, quoted: boolean): Landing | undefined => {
  let query: unknown;
  try {
    query = parse(probe);
  } catch {
    return undefined;
  }
  const found: StringLiteral[] = [];
  collectLiterals(query, false, found);
  const hit = found.find(({ value }) => (quoted ? value.includes(marker) : value === marker));
  if (hit === undefined) return 'other';
  if (!hit.pattern) return 'literal';
  return !quoted || atTopLevel(hit.value, hit.value.indexOf(marker)) ? 'pattern' : 'patternSyntax';
};
