/**
 * Simple conditions (docs/arazzo.md §5.1, §5.2): a tokenizer and a recursive-descent parser into an AST that is walked.
 * No eval, no `new Function`. Strings compare case-insensitively; absent behaves as null; comparisons do not chain.
 */

import {
  ConditionSyntaxError,
  fail,
  type Operand,
  parseOperandExpression,
} from './condition-operand.ts';
import type { DeclaredNames } from './declared-names.ts';
import { type ExpressionScope, evaluateExpression } from './expression.ts';

export { type Operand, parseOperand } from './condition-operand.ts';

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A parsed condition. */
export type ConditionNode =
  | { readonly t: 'or' | 'and'; readonly items: readonly ConditionNode[] }
  | { readonly t: 'not'; readonly item: ConditionNode }
  | {
      readonly t: 'cmp';
      readonly op: ComparisonOperator;
      readonly left: Operand;
      readonly right: Operand;
    }
  | { readonly t: 'truthy'; readonly value: Operand };

type Token =
  | {
      readonly k: 'op';
      readonly v: '||' | '&&' | '!' | '(' | ')' | ComparisonOperator;
      readonly at: number;
    }
  | { readonly k: 'value'; readonly v: Operand; readonly at: number };

/** Result of parsing a condition. */
export type ParsedCondition = { ok: true; node: ConditionNode } | { ok: false; error: string };

const DELIMITERS = new Set(['!', '&', '(', ')', '<', '=', '>', '{', '|', '}']);
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

const tokenize = (source: string, names: DeclaredNames | undefined): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  // Bounded: every branch advances `i`.
  while (i < source.length) {
    const c = source[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (
      two === '||' ||
      two === '&&' ||
      two === '==' ||
      two === '!=' ||
      two === '<=' ||
      two === '>='
    ) {
      tokens.push({ k: 'op', v: two, at: i });
      i += 2;
      continue;
    }
    if (c === '!' || c === '(' || c === ')' || c === '<' || c === '>') {
      tokens.push({ k: 'op', v: c, at: i });
      i += 1;
      continue;
    }
    if (c === '{' || c === '}') {
      return fail(`unexpected "${c}" at ${i}: write conditions without braces`);
    }
    if (c === '=' || c === '&' || c === '|') return fail(`unexpected "${c}" at ${i}`);
    if (c === "'") {
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < source.length) {
        const d = source[j];
        if (d === "'") {
          if (source[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          closed = true;
          j += 1;
          break;
        }
        value += d;
        j += 1;
      }
      if (!closed) return fail(`unterminated string starting at ${i}`);
      tokens.push({ k: 'value', v: { t: 'lit', value }, at: i });
      i = j;
      continue;
    }
    let j = i;
    while (j < source.length && !DELIMITERS.has(source[j] ?? '') && !/\s/.test(source[j] ?? '')) {
      j += 1;
    }
    const word = source.slice(i, j);
    if (word.startsWith('$')) {
      tokens.push({ k: 'value', v: parseOperandExpression(word, i, names), at: i });
    } else if (word === 'true' || word === 'false') {
      tokens.push({ k: 'value', v: { t: 'lit', value: word === 'true' }, at: i });
    } else if (word === 'null') {
      tokens.push({ k: 'value', v: { t: 'lit', value: null }, at: i });
    } else if (NUMBER.test(word)) {
      tokens.push({ k: 'value', v: { t: 'lit', value: Number(word) }, at: i });
    } else {
      return fail(`unexpected "${word}" at ${i}`);
    }
    i = j;
  }
  return tokens;
};

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

const createParser = (tokens: readonly Token[]) => {
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const isOp = (token: Token | undefined, value: string): boolean =>
    token !== undefined && token.k === 'op' && token.v === value;
  const describe = (token: Token | undefined): string =>
    token === undefined
      ? 'end of condition'
      : token.k === 'op'
        ? `"${token.v}" at ${token.at}`
        : `a value at ${token.at}`;

  const expectNoComparison = (what: string): void => {
    const next = peek();
    if (next?.k === 'op' && COMPARISONS.has(next.v)) {
      fail(`${describe(next)}: ${what} cannot be compared`);
    }
  };

  const value = (): Operand => {
    const token = peek();
    if (token?.k !== 'value') return fail(`expected a value, found ${describe(token)}`);
    position += 1;
    return token.v;
  };

  const group = (): ConditionNode => {
    position += 1;
    const inner = or();
    if (!isOp(peek(), ')')) return fail(`expected ")", found ${describe(peek())}`);
    position += 1;
    return inner;
  };

  const basic = (): ConditionNode => {
    if (isOp(peek(), '!')) {
      position += 1;
      const item = isOp(peek(), '(') ? group() : { t: 'truthy' as const, value: value() };
      expectNoComparison('a negation');
      return { t: 'not', item };
    }
    if (isOp(peek(), '(')) {
      const inner = group();
      expectNoComparison('a parenthesised group');
      return inner;
    }
    const left = value();
    const next = peek();
    if (next?.k === 'op' && COMPARISONS.has(next.v)) {
      position += 1;
      const right = value();
      expectNoComparison('a comparison (comparisons do not chain)');
      return { t: 'cmp', op: next.v as ComparisonOperator, left, right };
    }
    return { t: 'truthy', value: left };
  };

  const and = (): ConditionNode => {
    const items = [basic()];
    while (isOp(peek(), '&&')) {
      position += 1;
      items.push(basic());
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { t: 'and', items };
  };

  const or = (): ConditionNode => {
    const items = [and()];
    while (isOp(peek(), '||')) {
      position += 1;
      items.push(and());
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { t: 'or', items };
  };

  return {
    parse: (): ConditionNode => {
      if (tokens.length === 0) return fail('empty condition');
      const node = or();
      if (position < tokens.length) fail(`unexpected ${describe(peek())}`);
      return node;
    },
  };
};

/**
 * Parses a simple condition once (at build and at load). Returns `{ ok: false, error }` on bad syntax. `names`
 * (the workflow's declarations) decides where a dotted input or output name ends.
 */
export const parseCondition = (source: string, names?: DeclaredNames): ParsedCondition => {
  try {
    return { ok: true, node: createParser(tokenize(source, names)).parse() };
  } catch (error) {
    if (error instanceof ConditionSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
};

const operandValue = (operand: Operand, scope: ExpressionScope): unknown =>
  operand.t === 'lit' ? operand.value : evaluateExpression(operand.expr, scope);

const isJsonNumberText = (text: string): boolean => NUMBER.test(text.trim());

const ordered = (op: ComparisonOperator, a: number | string, b: number | string): boolean => {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    default:
      return a !== b;
  }
};

/** Compares two resolved values by the table in docs/arazzo.md §5.2. */
export const compareValues = (op: ComparisonOperator, left: unknown, right: unknown): boolean => {
  const leftNull = left === null || left === undefined;
  const rightNull = right === null || right === undefined;
  const mismatch = op === '!=';
  if (leftNull || rightNull) {
    if (op === '==') return leftNull && rightNull;
    if (op === '!=') return !(leftNull && rightNull);
    return false;
  }
  if (typeof left === 'string' && typeof right === 'string') {
    return ordered(op, left.toLowerCase(), right.toLowerCase());
  }
  if (typeof left === 'number' && typeof right === 'number') return ordered(op, left, right);
  if (typeof left === 'number' && typeof right === 'string') {
    return isJsonNumberText(right) ? ordered(op, left, Number(right)) : mismatch;
  }
  if (typeof left === 'string' && typeof right === 'number') {
    return isJsonNumberText(left) ? ordered(op, Number(left), right) : mismatch;
  }
  if (typeof left === 'boolean' && typeof right === 'boolean') {
    if (op === '==') return left === right;
    if (op === '!=') return left !== right;
    return false;
  }
  return mismatch;
};

/** Evaluates a parsed condition. Never throws: type mismatches simply make a comparison false. */
export const evaluateCondition = (node: ConditionNode, scope: ExpressionScope): boolean => {
  switch (node.t) {
    case 'or':
      return node.items.some((item) => evaluateCondition(item, scope));
    case 'and':
      return node.items.every((item) => evaluateCondition(item, scope));
    case 'not':
      return !evaluateCondition(node.item, scope);
    case 'cmp':
      return compareValues(
        node.op,
        operandValue(node.left, scope),
        operandValue(node.right, scope),
      );
    default: {
      const value = operandValue(node.value, scope);
      return value !== undefined && value !== null && value !== false;
    }
  }
};
