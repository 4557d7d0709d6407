import { describe, expect, it } from 'vitest';
import {
  type ExpressionScope,
  evaluateExpression,
  parseExpression,
  parseTemplate,
  renderTemplate,
} from '../../../lib/arazzo/expression.ts';
import { parseJsonPointer, resolveTokens } from '../../../lib/arazzo/json-pointer.ts';

const scope: ExpressionScope = {
  inputs: { id: 'c-1', n: 5, obj: { 'a/b': { '~k': 'deep' } }, list: [1, 2], 'my.id': 'dotted' },
  stepOutputs: new Map([['s1', { out: { x: [true] }, 'a.b': { c: 3 } }]]),
  workflowOutputs: { done: 'yes', 'v.1': 'one' },
  request: {
    url: 'http://127.0.0.1/x?q=1',
    method: 'POST',
    headers: { 'x-trace': 't1' },
    query: { q: '1' },
    path: { id: 'p1' },
    body: { sent: 1 },
  },
  response: { statusCode: 201, headers: { etag: 'e1' }, body: { customerId: 'C-9' } },
};

const resolve = (text: string): unknown => {
  const parsed = parseExpression(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return evaluateExpression(parsed.expression, scope);
};

describe('parseExpression and evaluateExpression', () => {
  it.each([
    ['$statusCode', 201],
    ['$url', 'http://127.0.0.1/x?q=1'],
    ['$method', 'POST'],
    ['$request.header.X-Trace', 't1'],
    ['$request.query.q', '1'],
    ['$request.path.id', 'p1'],
    ['$request.body#/sent', 1],
    ['$response.header.ETag', 'e1'],
    ['$response.body#/customerId', 'C-9'],
    ['$response.body', { customerId: 'C-9' }],
    ['$response.body#/missing', undefined],
    ['$inputs.n', 5],
    ['$inputs.absent', undefined],
    ['$inputs.obj#/a~1b/~0k', 'deep'],
    ['$inputs.list#/1', 2],
    ['$inputs.list#/01', undefined],
    ['$inputs.list#/-', undefined],
    ['$inputs.id#/toString', undefined],
    ['$steps.s1.outputs.out#/x/0', true],
    ['$steps.s2.outputs.out', undefined],
    ['$outputs.done', 'yes'],
    ['$inputs.my.id', 'dotted'],
    ['$steps.s1.outputs.a.b', { c: 3 }],
    ['$steps.s1.outputs.a.b#/c', 3],
    ['$outputs.v.1', 'one'],
  ])('resolves %s', (text, expected) => {
    // Prepare
    const expression = text;
    // Act
    const value = resolve(expression);
    // Assess
    expect(value).toEqual(expected);
  });

  it.each([
    ['$inputs'],
    ['$inputs.a b'],
    ['$steps.s.1.outputs.x'],
    ['$steps.s1.out'],
    ['$response.body#x'],
    ['$response.body#/a~'],
    ['$workflows.other.steps.x'],
    ['$request.cookie.x'],
    ['statusCode'],
    ['$statusCode '],
  ])('rejects %s', (text) => {
    // Prepare
    const expression = text;
    // Act
    const parsed = parseExpression(expression);
    // Assess
    expect(parsed.ok).toBe(false);
  });

  it('keeps component references for build-time resolution only', () => {
    // Prepare
    const parsed = parseExpression('$components.failureActions.transient');
    // Act
    const value = parsed.ok ? evaluateExpression(parsed.expression, scope) : 'not parsed';
    // Assess
    expect(parsed.ok && parsed.expression.kind).toBe('component');
    expect(value).toBeUndefined();
  });
});

describe('parseTemplate and renderTemplate', () => {
  it.each([
    ['id={$inputs.id}', 'id=c-1'],
    ['{$inputs.n} items', '5 items'],
    ['obj {$inputs.list}', 'obj [1,2]'],
    ['{$statusCode}/{$response.body#/customerId}', '201/C-9'],
  ])('renders %s', (text, expected) => {
    // Prepare
    const template = parseTemplate(text);
    // Act
    const rendered = template?.ok ? renderTemplate(template.parts, scope) : undefined;
    // Assess
    expect(rendered).toBe(expected);
  });

  it('returns undefined when an embedded value is absent', () => {
    // Prepare
    const template = parseTemplate('x {$inputs.absent}');
    // Act
    const rendered = template?.ok ? renderTemplate(template.parts, scope) : 'not parsed';
    // Assess
    expect(rendered).toBeUndefined();
  });

  it.each([['a {$inputs.id'], ['a {$bad}']])('rejects %s', (text) => {
    // Prepare
    const source = text;
    // Act
    const template = parseTemplate(source);
    // Assess
    expect(template?.ok).toBe(false);
  });

  it('treats a string without {$ as plain text', () => {
    // Prepare
    const source = 'price {5}';
    // Act
    const template = parseTemplate(source);
    // Assess
    expect(template).toBeUndefined();
  });
});

describe('JSON pointers', () => {
  it.each([
    ['', []],
    ['/a~1b/c~0d', ['a/b', 'c~d']],
    ['/', ['']],
  ])('parses %j', (pointer, tokens) => {
    // Prepare
    const text = pointer;
    // Act
    const parsed = parseJsonPointer(text);
    // Assess
    expect(parsed).toEqual(tokens);
  });

  it('refuses inherited properties', () => {
    // Prepare
    const value = Object.create({ inherited: 1 }) as object;
    // Act
    const resolved = resolveTokens(value, ['inherited']);
    // Assess
    expect(resolved).toBeUndefined();
  });
});
