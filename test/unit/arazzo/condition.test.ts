import { describe, expect, it } from 'vitest';
import { compareValues, evaluateCondition, parseCondition } from '../../../lib/arazzo/condition.ts';
import type { ExpressionScope } from '../../../lib/arazzo/expression.ts';

const scope: ExpressionScope = {
  inputs: { plan: 'Plan-A', count: 3, flag: true, nothing: null, list: ['x', 'y'], 'a~b': 1 },
  stepOutputs: new Map([
    ['read', { body: { items: [{ id: 'I-1' }], 'a/b': 'slash', 'c~d': 'tilde' } }],
  ]),
  workflowOutputs: {},
  response: {
    statusCode: 404,
    headers: { 'retry-after': '5', 'content-type': 'application/json' },
    body: { productPlanId: 'plan-a', nested: { zero: 0, empty: '' }, arr: [10, 20], text: "It's" },
  },
};

const evaluate = (condition: string): boolean => {
  const parsed = parseCondition(condition);
  if (!parsed.ok) throw new Error(parsed.error);
  return evaluateCondition(parsed.node, scope);
};

describe('parseCondition and evaluateCondition', () => {
  it.each([
    ['$statusCode == 404', true],
    ['$statusCode == 200 || $statusCode == 404', true],
    ['$statusCode >= 400 && $statusCode < 500', true],
    ['$statusCode != 404', false],
    ["$response.body#/productPlanId == 'PLAN-A'", true],
    ['$response.body#/productPlanId == $inputs.plan', true],
    ["'abc' < 'ABD'", true],
    ['$response.body#/missing == null', true],
    ['$response.body#/missing != null', false],
    ['$inputs.absent == null', true],
    ['$inputs.nothing == null', true],
    ['$steps.never.outputs.x == null', true],
    ['$response.body#/missing < 5', false],
    ['$response.body#/missing', false],
    ['!$response.body#/missing', true],
    ['$response.body#/nested/zero', true],
    ['$response.body#/nested/empty', true],
    ['$inputs.flag', true],
    ['!$inputs.flag', false],
    ['null', false],
    ['true', true],
    ['false || true && false', false],
    ['true || false && false', true],
    ['(true || false) && false', false],
    ['!(true || false) || true', true],
    ['!($statusCode == 404)', false],
    ["'5' == $response.header.Retry-After", true],
    ['$response.header.retry-after == 5', true],
    ["$response.header.Retry-After == 'five'", false],
    ["$response.header.Retry-After != 'five'", true],
    ["$response.header.Retry-After < 'five'", true],
    ["$statusCode < 'five'", false],
    ['$inputs.count == 3.0', true],
    ['$inputs.count >= -1e1', true],
    ['$inputs.flag == true', true],
    ['$inputs.flag != false', true],
    ['$inputs.flag < true', false],
    ['$response.body#/nested == null', false],
    ['$response.body#/nested != null', true],
    ["$response.body#/nested == 'x'", false],
    ["$response.body#/nested != 'x'", true],
    ['$response.body.arr[1] == 20', true],
    ['$response.body.nested.zero == 0', true],
    ['$response.body.arr[5] == null', true],
    ['$inputs.list[0] == $inputs.list[0]', true],
    ["$steps.read.outputs.body.items[0].id == 'i-1'", true],
    ["$steps.read.outputs.body#/a~1b == 'slash'", true],
    ["$steps.read.outputs.body#/c~0d == 'tilde'", true],
    ["$response.body#/text == 'it''s'", true],
    ['$response.body#/constructor == null', true],
    ['$response.body#/__proto__ == null', true],
    ['$response.body.arr.length == null', true],
  ])('evaluates %s to %s', (condition, expected) => {
    // Prepare
    const source = condition;
    // Act
    const result = evaluate(source);
    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    ['$statusCode == 200 == true', 'do not chain'],
    ['!$statusCode == 200', 'negation cannot be compared'],
    ['($statusCode) == 200', 'parenthesised group cannot be compared'],
    ['{$statusCode == 200}', 'without braces'],
    ['$statusCode === 200', 'unexpected "="'],
    ['$statusCode = 200', 'unexpected "="'],
    ['$statusCode == ', 'expected a value'],
    ["'open", 'unterminated string'],
    ['(true', 'expected ")"'],
    ['true false', 'unexpected'],
    ['', 'empty condition'],
    ['bareword == 1', 'unexpected "bareword"'],
    ['$nope == 1', 'not a runtime expression'],
    ['$statusCode.x == 1', 'cannot be navigated'],
    ['$response.body#/a~2 == 1', 'not a JSON Pointer'],
    ['$response.body.arr[x] == 1', 'unexpected'],
    ['true & false', 'unexpected "&"'],
  ])('rejects %s', (condition, message) => {
    // Prepare
    const source = condition;
    // Act
    const parsed = parseCondition(source);
    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(message);
  });

  it('parses && tighter than ||', () => {
    // Prepare
    const source = 'true || false && false';
    // Act
    const parsed = parseCondition(source);
    // Assess
    expect(parsed.ok && parsed.node.t).toBe('or');
  });
});

describe('compareValues', () => {
  it.each([
    ['==', 'ABC', 'abc', true],
    ['<', 'a', 'B', true],
    ['==', 10, '10', true],
    ['==', '1e1', 10, true],
    ['==', 10, 'ten', false],
    ['!=', 10, 'ten', true],
    ['>', 10, 'ten', false],
    ['==', null, undefined, true],
    ['!=', null, 0, true],
    ['==', [], null, false],
    ['==', { a: 1 }, { a: 1 }, false],
    ['!=', { a: 1 }, { a: 1 }, true],
    ['>=', true, false, false],
  ] as const)('%s on %j and %j is %s', (op, left, right, expected) => {
    // Prepare
    const operands = [left, right] as const;
    // Act
    const result = compareValues(op, operands[0], operands[1]);
    // Assess
    expect(result).toBe(expected);
  });
});
