/**
 * The tokenizer of simple conditions (docs/arazzo.md §5.1): operators, quoted strings, literals and runtime
 * expression operands, each with its offset for error messages.
 */
import { fail, type Operand, parseOperandExpression } from './condition-operand.ts';
import type { DeclaredNames } from './declared-names.ts';

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

type Operator = '||' | '&&' | '!' | '(' | ')' | ComparisonOperator;

export type Token =
  | { readonly k: 'op'; readonly v: Operator; readonly at: number }
  | { readonly k: 'value'; readonly v: Operand; readonly at: number };

/** A token and the offset just past it. */
type Read = { readonly token: Token; readonly end: number };

const DELIMITERS = new Set(['!', '&', '(', ')', '<', '=', '>', '{', '|', '}']);
const TWO_CHAR_OPS: ReadonlySet<string> = new Set(['||', '&&', '==', '!=', '<=', '>=']);
const ONE_CHAR_OPS: ReadonlySet<string> = new Set(['!', '(', ')', '<', '>']);

const isOperatorIn = (set: ReadonlySet<string>, text: string): text is Operator => set.has(text);

/** A JSON number's text: the only numbers a condition may write, and the strings that compare as numbers (§5.2). */
export const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** An operator at `i`, undefined when there is none; a lone `=`, `&`, `|` or a brace is an error. */
const readOperator = (source: string, i: number): Read | undefined => {
  const two = source.slice(i, i + 2);
  if (isOperatorIn(TWO_CHAR_OPS, two)) return { token: { k: 'op', v: two, at: i }, end: i + 2 };
  const c = source[i] ?? '';
  if (isOperatorIn(ONE_CHAR_OPS, c)) return { token: { k: 'op', v: c, at: i }, end: i + 1 };
  if (c === '{' || c === '}') {
    return fail(`unexpected "${c}" at ${i}: write conditions without braces`);
  }
  if (c === '=' || c === '&' || c === '|') return fail(`unexpected "${c}" at ${i}`);
  return undefined;
};

/** A single-quoted string starting at `i`; `''` inside it is one quote. */
const readString = (source: string, i: number): Read => {
  let value = '';
  let j = i + 1;
  // Bounded: every iteration advances `j`.
  while (j < source.length) {
    const d = source[j];
    if (d === "'") {
      if (source[j + 1] !== "'") {
        return { token: { k: 'value', v: { t: 'lit', value }, at: i }, end: j + 1 };
      }
      value += "'";
      j += 2;
      continue;
    }
    value += d;
    j += 1;
  }
  return fail(`unterminated string starting at ${i}`);
};

/** The literal a bare word stands for: `true`, `false`, `null` or a JSON number; undefined for anything else. */
const literalOf = (word: string): Operand | undefined => {
  if (word === 'true' || word === 'false') return { t: 'lit', value: word === 'true' };
  if (word === 'null') return { t: 'lit', value: null };
  return NUMBER.test(word) ? { t: 'lit', value: Number(word) } : undefined;
};

/** A word up to the next delimiter or space: a runtime expression operand or a literal. */
const readWord = (source: string, i: number, names: DeclaredNames | undefined): Read => {
  let j = i;
  while (j < source.length && !DELIMITERS.has(source[j] ?? '') && !/\s/.test(source[j] ?? '')) {
    j += 1;
  }
  const word = source.slice(i, j);
  const operand = word.startsWith('$') ? parseOperandExpression(word, i, names) : literalOf(word);
  if (operand === undefined) return fail(`unexpected "${word}" at ${i}`);
  return { token: { k: 'value', v: operand, at: i }, end: j };
};

/** Splits a condition into tokens; throws ConditionSyntaxError on a character or word it cannot read. */
export const tokenize = (source: string, names: DeclaredNames | undefined): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  // Bounded: every read advances `i`.
  while (i < source.length) {
    const c = source[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
      continue;
    }
    const read =
      readOperator(source, i) ?? (c === "'" ? readString(source, i) : readWord(source, i, names));
    tokens.push(read.token);
    i = read.end;
  }
  return tokens;
};
