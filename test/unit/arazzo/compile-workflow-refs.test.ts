import { describe, expect, it } from 'vitest';
import { compileOrFail } from './support.ts';
import { callee, documentOf, getItem, workflowIssues } from './workflows-support.ts';

describe('compiling dependsOn', () => {
  const plain = (workflowId: string, dependsOn: string[] = []) => ({
    workflowId,
    dependsOn,
    steps: [getItem('s', 'a')],
  });

  it('keeps the dependencies in their order', () => {
    // Prepare
    const document = documentOf(plain('a'), plain('b'), plain('c', ['b', 'a']));
    // Act
    const compiled = compileOrFail(document);
    // Assess
    expect(compiled.workflows[2]?.dependsOn).toEqual(['b', 'a']);
  });

  it.each([
    [
      'an unknown workflow',
      [plain('a', ['ghost'])],
      ['/workflows/0/dependsOn/0: unknown workflow "ghost"'],
    ],
    [
      'an unknown source workflow',
      [plain('a', ['$sourceDescriptions.other.flow'])],
      ['/workflows/0/dependsOn/0: unknown workflow "$sourceDescriptions.other.flow"'],
    ],
    ['itself', [plain('a', ['a'])], ['/workflows/0/dependsOn/0: workflow "a" depends on itself']],
    [
      'a cycle, once',
      [plain('a', ['b']), plain('b', ['c']), plain('c', ['a'])],
      ['/workflows/0/dependsOn: dependsOn cycle: a → b → c → a'],
    ],
  ])('reports %s', (_name, workflows, expected) => {
    // Prepare
    const list = workflows;
    // Act
    const issues = workflowIssues(...list);
    // Assess
    expect(issues).toEqual(expected);
  });
});

describe('compiling goto and retry targets', () => {
  const failing = (action: Record<string, unknown>) => ({
    workflowId: 'w',
    steps: [getItem('first', 'a'), getItem('second', 'b', { onFailure: [action] })],
  });
  const other = { workflowId: 'other', steps: [getItem('s', 'c')] };

  it('compiles a goto to a workflow and retries with a step or a workflow', () => {
    // Prepare
    const document = documentOf(
      {
        workflowId: 'w',
        steps: [
          getItem('first', 'a'),
          getItem('second', 'b', {
            onSuccess: [{ name: 'on', type: 'goto', workflowId: 'other' }],
            onFailure: [
              { name: 'r1', type: 'retry', stepId: 'first' },
              { name: 'r2', type: 'retry', workflowId: 'other', retryAfter: 1 },
            ],
          }),
        ],
      },
      other,
    );
    // Act
    const step = compileOrFail(document).workflows[0]?.steps[1];
    // Assess
    expect(step?.onSuccess.map((action) => [action.type, action.workflowId])).toEqual([
      ['goto', 'other'],
    ]);
    expect(step?.onFailure.map((action) => [action.stepId, action.workflowId])).toEqual([
      ['first', undefined],
      [undefined, 'other'],
    ]);
  });

  it.each([
    [
      'both a stepId and a workflowId',
      { name: 'x', type: 'goto', stepId: 'first', workflowId: 'other' },
      '/workflows/0/steps/1/onFailure/0: stepId and workflowId are mutually exclusive',
    ],
    [
      'a goto with neither',
      { name: 'x', type: 'goto' },
      '/workflows/0/steps/1/onFailure/0: goto needs a stepId or a workflowId',
    ],
    [
      'a retry of an unknown workflow',
      { name: 'x', type: 'retry', workflowId: 'ghost' },
      '/workflows/0/steps/1/onFailure/0/workflowId: unknown workflow "ghost"',
    ],
  ])('reports %s', (_name, action, expected) => {
    // Prepare
    const workflows = [failing(action), other];
    // Act
    const issues = workflowIssues(...workflows);
    // Assess
    expect(issues).toContain(expected);
  });
});

describe('compiling $workflows expressions', () => {
  const reader = (value: string) => ({
    workflowId: 'reader',
    dependsOn: ['callee'],
    steps: [getItem('s', value)],
  });

  it('accepts a declared output or input of another workflow', () => {
    // Prepare
    const document = documentOf(
      callee,
      reader('{$workflows.callee.outputs.name}-{$workflows.callee.inputs.id}'),
    );
    // Act
    const compiled = compileOrFail(document);
    // Assess
    expect(compiled.workflows[1]?.dependsOn).toEqual(['callee']);
  });

  it.each([
    ['$workflows.ghost.outputs.name', '$workflows.ghost.outputs.name: no workflow "ghost"'],
    [
      '$workflows.callee.outputs.nope',
      '$workflows.callee.outputs.nope: workflow "callee" declares no output "nope"',
    ],
    [
      '$workflows.callee.inputs.nope',
      '$workflows.callee.inputs.nope: workflow "callee" declares no input "nope"',
    ],
  ])('reports %s', (expression, expected) => {
    // Prepare
    const workflows = [callee, reader(expression)];
    // Act
    const issues = workflowIssues(...workflows);
    // Assess
    expect(issues).toEqual([`/workflows/1/steps/0/parameters/0/value: ${expected}`]);
  });
});
