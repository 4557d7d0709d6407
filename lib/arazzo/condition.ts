/**
 * Simple conditions (docs/arazzo.md §5.1, §5.2): tokens (condition-tokens.ts) parsed by recursive descent into an AST
 * that is walked. No eval, no `new Function`. Strings compare case-insensitively; absent behaves as null; comparisons
 * do not chain.
 */

import { ConditionSyntaxError, fail, type Operand } from './condition-operand.ts';
import { type ComparisonOperator, NUMBER, type Token, tokenize } from './condition-tokens.ts';
import type { DeclaredNames } from './declared-names.ts';
import { type ExpressionScope, evaluateExpression } from './expression.ts';

export { type Operand, parseOperand } from './condition-operand.ts';
export type { ComparisonOperator } from './condition-tokens.ts';

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

/** Result of parsing a condition. */
export type ParsedCondition = { ok: true; node: ConditionNode } | { ok: false; error: string };

const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** The parser's place in the token list: a recursive descent that only ever moves forward. */
type Cursor = { readonly tokens: readonly Token[]; position: number };

const peek = (cursor: Cursor): Token | undefined => cursor.tokens[cursor.position];

const isOp = (token: Token | undefined, value: string): boolean =>
  token !== undefined && token.k === 'op' && token.v === value;

const describe = (token: Token | undefined): string =>
  token === undefined
    ? 'end of condition'
    : token.k === 'op'
      ? `"${token.v}" at ${token.at}`
      : `a value at ${token.at}`;

/** The comparison operator at the cursor, if there is one. */
const comparisonAt = (cursor: Cursor): ComparisonOperator | undefined => {
  const next = peek(cursor);
  return next?.k === 'op' && COMPARISONS.has(next.v) ? (next.v as ComparisonOperator) : undefined;
};

const expectNoComparison = (cursor: Cursor, what: string): void => {
  if (comparisonAt(cursor) !== undefined) {
    fail(`${describe(peek(cursor))}: ${what} cannot be compared`);
  }
};

const value = (cursor: Cursor): Operand => {
  const token = peek(cursor);
  if (token?.k !== 'value') return fail(`expected a value, found ${describe(token)}`);
  cursor.position += 1;
  return token.v;
};

/** `( condition )`, the cursor on the `(`. */
const group = (cursor: Cursor): ConditionNode => {
  cursor.position += 1;
  const inner = or(cursor);
  if (!isOp(peek(cursor), ')')) return fail(`expected ")", found ${describe(peek(cursor))}`);
  cursor.position += 1;
  return inner;
};

/** `!value` or `!( condition )`, the cursor on the `!`. */
const negation = (cursor: Cursor): ConditionNode => {
  cursor.position += 1;
  const item = isOp(peek(cursor), '(')
    ? group(cursor)
    : { t: 'truthy' as const, value: value(cursor) };
  expectNoComparison(cursor, 'a negation');
  return { t: 'not', item };
};

/** A negation, a group, a comparison of two values, or one value taken for its truthiness. */
const basic = (cursor: Cursor): ConditionNode => {
  if (isOp(peek(cursor), '!')) return negation(cursor);
  if (isOp(peek(cursor), '(')) {
    const inner = group(cursor);
    expectNoComparison(cursor, 'a parenthesised group');
    return inner;
  }
  const left = value(cursor);
  const op = comparisonAt(cursor);
  if (op === undefined) return { t: 'truthy', value: left };
  cursor.position += 1;
  const right = value(cursor);
  expectNoComparison(cursor, 'a comparison (comparisons do not chain)');
  return { t: 'cmp', op, left, right };
};

/** Items joined by `operator`; one item is returned as it is. */
const chain = (
  cursor: Cursor,
  operator: '&&' | '||',
  item: (cursor: Cursor) => ConditionNode,
  t: 'and' | 'or',
): ConditionNode => {
  const items = [item(cursor)];
  // Bounded: every iteration consumes the operator and at least one token of the item.
  while (isOp(peek(cursor), operator)) {
    cursor.position += 1;
    items.push(item(cursor));
  }
  return items.length === 1 ? (items[0] as ConditionNode) : { t, items };
};

const and = (cursor: Cursor): ConditionNode => chain(cursor, '&&', basic, 'and');

// `||` binds loosest: a condition is an `or` of `and`s of basics.
const or = (cursor: Cursor): ConditionNode => chain(cursor, '||', and, 'or');

/** The whole token list as one condition: nothing may be left over. */
const parseTokens = (tokens: readonly Token[]): ConditionNode => {
  if (tokens.length === 0) return fail('empty condition');
  const cursor: Cursor = { tokens, position: 0 };
  const node = or(cursor);
  if (cursor.position < tokens.length) fail(`unexpected ${describe(peek(cursor))}`);
  return node;
};

/**
 * Parses a simple condition once (at build and at load). Returns `{ ok: false, error }` on bad syntax. `names`
 * (the workflow's declarations) decides where a dotted input or output name ends.
 */
export const parseCondition = (source: string, names?: DeclaredNames): ParsedCondition => {
  try {
    return { ok: true, node: parseTokens(tokenize(source, names)) };
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
