import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../lib/arazzo/condition.ts';
import { splitDottedName } from '../../../lib/arazzo/declared-names.ts';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import {
  compileOrFail,
  createScriptedSend,
  documentWith,
  issuesOf,
  testClassify,
} from './support.ts';

const inputs = {
  type: 'object',
  properties: { 'customer.id': { type: 'string' }, plain: { type: 'object' } },
};

const readStep = (outputs: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  stepId: 'read',
  operationId: 'listItems',
  successCriteria: [{ condition: '$statusCode == 200' }],
  outputs,
  ...extra,
});

const useStep = (extra: Record<string, unknown>) => ({
  stepId: 'use',
  operationId: 'getItem',
  parameters: [{ name: 'itemId', in: 'path', value: '$steps.read.outputs.item.id' }],
  ...extra,
});

const run = async (workflow: Record<string, unknown>, values: Record<string, unknown>) => {
  const scripted = createScriptedSend([{ status: 200, json: { id: 'i-1', item: { id: 'nav' } } }]);
  const runner = createWorkflowRunner(compileOrFail(documentWith({ inputs, ...workflow })), {
    baseUrl: 'http://127.0.0.1:9/',
    send: scripted.send,
    classify: testClassify,
  });
  const result = await runner.run('wf', values);
  return { result, requests: scripted.requests };
};

describe('names with "." (1.0.1: ^[a-zA-Z0-9.\\-_]+$)', () => {
  it('resolves dotted step outputs, inputs and workflow outputs to the declared names', async () => {
    // Prepare
    const workflow = {
      steps: [
        readStep({ 'item.id': '$response.body#/id', 'item.body': '$response.body' }),
        useStep({
          parameters: [
            { name: 'itemId', in: 'path', value: '$steps.read.outputs.item.id' },
            { name: 'x-customer', in: 'header', value: '$inputs.customer.id' },
          ],
          successCriteria: [
            { condition: '$steps.read.outputs.item.id == $inputs.customer.id' },
            { condition: "$steps.read.outputs.item.body.item.id == 'nav'" },
            { condition: "$steps.read.outputs.item.body#/item/id == 'nav'" },
          ],
        }),
      ],
      outputs: { 'result.id': '$steps.read.outputs.item.id', 'result.nav': '$inputs.plain#/a' },
    };
    // Act
    const { result, requests } = await run(workflow, {
      'customer.id': 'i-1',
      plain: { a: 'b' },
    });
    // Assess
    expect(requests.map((request) => request.url)).toEqual([
      'http://127.0.0.1:9/items',
      'http://127.0.0.1:9/items/i-1',
    ]);
    expect(requests[1]?.headers['x-customer']).toBe('i-1');
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ 'result.id': 'i-1', 'result.nav': 'b' });
  });

  it('navigates into an undeclared dotted name in a condition, as before', async () => {
    // Prepare
    const workflow = {
      steps: [
        readStep({ item: '$response.body#/item' }),
        useStep({
          parameters: [{ name: 'itemId', in: 'path', value: '$steps.read.outputs.item#/id' }],
          successCriteria: [{ condition: "$steps.read.outputs.item.id == 'nav'" }],
        }),
      ],
    };
    // Act
    const { result, requests } = await run(workflow, {});
    // Assess
    expect(requests[1]?.url).toBe('http://127.0.0.1:9/items/nav');
    expect(result.status).toBe('completed');
  });

  it('takes the longest declared name first', () => {
    // Act
    const split = splitDottedName('a.b.c.d', new Set(['a', 'a.b', 'a.b.x']));
    // Assess
    expect(split).toEqual({ name: 'a.b', navigation: ['c', 'd'] });
  });

  it('splits a condition operand against the names it is given', () => {
    // Act
    const declared = parseCondition('$inputs.a.b.c == 1', {
      inputNames: new Set(['a.b']),
      workflowOutputNames: new Set(),
      stepOutputs: new Map(),
    });
    const undeclared = parseCondition('$inputs.a.b.c == 1');
    // Assess
    expect(declared).toMatchObject({
      ok: true,
      node: { left: { expr: { kind: 'input', name: 'a.b', path: ['c'] } } },
    });
    expect(undeclared).toMatchObject({
      ok: true,
      node: { left: { expr: { kind: 'input', name: 'a', path: ['b', 'c'] } } },
    });
  });

  it('accepts a dotted component key', async () => {
    // Prepare
    const document = documentWith(
      {
        steps: [
          readStep(
            {},
            { parameters: [{ reference: '$components.parameters.my.org.Limit', value: 3 }] },
          ),
        ],
      },
      { parameters: { 'my.org.Limit': { name: 'limit', in: 'query', value: 1 } } },
    );
    // Act
    const issues = issuesOf(document);
    // Assess
    expect(issues).toEqual([]);
  });

  it.each([
    [
      'an undeclared dotted output outside a condition',
      { steps: [readStep({ item: '$response.body' }), useStep({})] },
      '/workflows/0/steps/1/parameters/0/value: $steps.read.outputs.item.id: step "read" declares no output "item.id"',
    ],
    [
      'an undeclared dotted input',
      { steps: [readStep({ x: '$inputs.customer.name' })] },
      '/workflows/0/steps/0/outputs/x: $inputs.customer.name: the inputs schema declares no "customer.name"',
    ],
  ])('reports %s', (_what, workflow, expected) => {
    // Act
    const issues = issuesOf(documentWith({ inputs, ...workflow }));
    // Assess
    expect(issues.join('\n')).toContain(expected);
  });
});
