import { describe, expect, it } from 'vitest';
import { compileArazzoDocument, formatIssue } from '../../../tools/arazzo/build-time.ts';
import { compileOrFail, TEST_OPENAPI } from './support.ts';
import { documentOf, getItem, ok200, workflowIssues } from './workflows-support.ts';

/** A workflow other workflows call: one input `id`, one output `name`. */
const callee = {
  workflowId: 'callee',
  inputs: { type: 'object', properties: { id: { type: 'string' } } },
  steps: [getItem('read', '$inputs.id', { outputs: { name: '$response.body#/name' } })],
  outputs: { name: '$steps.read.outputs.name' },
};

/** A workflow whose only step calls `callee`, with `extra` merged into that step. */
const caller = (extra: Record<string, unknown> = {}) => ({
  workflowId: 'caller',
  steps: [
    {
      stepId: 'call',
      workflowId: 'callee',
      parameters: [{ name: 'id', value: 'a' }],
      ...extra,
    },
  ],
});

describe('compiling workflows that call workflows', () => {
  it('compiles a workflow step: parameters without `in` become inputs, `$outputs` are the callee’s', () => {
    // Prepare
    const document = documentOf(
      callee,
      caller({
        successCriteria: [{ condition: "$outputs.name != ''" }],
        outputs: { calleeName: '$outputs.name' },
        onFailure: [{ name: 'again', type: 'retry', workflowId: 'callee', retryLimit: 1 }],
      }),
    );
    // Act
    const compiled = compileOrFail(document);
    // Assess
    expect(compiled.workflows[1]?.steps[0]).toEqual({
      kind: 'workflow',
      stepId: 'call',
      workflow: 'callee',
      parameters: [{ name: 'id', value: 'a' }],
      successCriteria: [{ condition: "$outputs.name != ''", type: 'simple' }],
      onSuccess: [],
      onFailure: [
        {
          name: 'again',
          type: 'retry',
          workflowId: 'callee',
          retryLimit: 1,
          criteria: [],
          from: 'step',
        },
      ],
      outputs: { calleeName: '$outputs.name' },
    });
    expect(compiled.workflows.map((workflow) => [workflow.key, workflow.dependsOn])).toEqual([
      ['callee', []],
      ['caller', []],
    ]);
  });

  it.each([
    [
      'an input the callee does not declare',
      caller({ parameters: [{ name: 'nope', value: 1 }] }),
      '/workflows/1/steps/0/parameters/0/name: workflow "callee" declares no input "nope"',
    ],
    [
      'a requestBody',
      caller({ requestBody: { payload: {} } }),
      '/workflows/1/steps/0/requestBody: requestBody is not allowed on a step that calls a workflow',
    ],
    [
      '$statusCode in its criteria',
      caller({ successCriteria: ok200 }),
      '/workflows/1/steps/0/successCriteria/0/condition: $statusCode: no response exists here',
    ],
    [
      '$response in its outputs',
      caller({ outputs: { x: '$response.body#/id' } }),
      '/workflows/1/steps/0/outputs/x: $response.body#/id: no response exists here',
    ],
    [
      '$request in its outputs',
      caller({ outputs: { x: '$request.header.x-id' } }),
      '/workflows/1/steps/0/outputs/x: $request.header.x-id: no request exists here',
    ],
    [
      '$url in its parameters',
      caller({ parameters: [{ name: 'id', value: '$url' }] }),
      '/workflows/1/steps/0/parameters/0/value: $url: no request exists here',
    ],
    [
      '$method in an action criterion',
      caller({
        onFailure: [{ name: 'e', type: 'end', criteria: [{ condition: "$method == 'GET'" }] }],
      }),
      '/workflows/1/steps/0/onFailure/0/criteria/0/condition: $method: no request exists here',
    ],
    [
      'an output the callee does not declare',
      caller({ outputs: { x: '$outputs.nope' } }),
      '/workflows/1/steps/0/outputs/x: $outputs.nope: the called workflow declares no output "nope"',
    ],
    [
      'a repeated input',
      caller({
        parameters: [
          { name: 'id', value: 'a' },
          { name: 'id', in: 'query', value: 'b' },
        ],
      }),
      '/workflows/1/steps/0/parameters/1: duplicate parameter "id"',
    ],
  ])('reports %s on a workflow step', (_name, workflow, expected) => {
    // Prepare
    const workflows = [callee, workflow];
    // Act
    const issues = workflowIssues(...workflows);
    // Assess
    expect(issues).toContain(expected);
  });

  it('reports a step calling a workflow the document does not have', () => {
    // Prepare
    const workflow = { workflowId: 'w', steps: [{ stepId: 's', workflowId: 'ghost' }] };
    // Act
    const issues = workflowIssues(workflow);
    // Assess
    expect(issues).toEqual(['/workflows/0/steps/0/workflowId: unknown workflow "ghost"']);
  });
});

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

describe('workflow-level parameters and a workflow step', () => {
  it('passes a workflow-level parameter only as an input the called workflow declares', () => {
    // Prepare
    const document = documentOf(callee, {
      ...caller({ parameters: [] }),
      parameters: [
        { name: 'id', in: 'query', value: 'from-workflow' },
        { name: 'x-trace', in: 'header', value: 't' },
      ],
    });
    // Act
    const step = compileOrFail(document).workflows[1]?.steps[0];
    // Assess
    expect(step?.kind === 'workflow' ? step.parameters : undefined).toEqual([
      { name: 'id', value: 'from-workflow' },
    ]);
  });
});

describe('embedding an arazzo-type source', () => {
  it('keys its workflows $sourceDescriptions.<name>.<id> and rewrites every reference inside it', () => {
    // Prepare
    const inner = compileOrFail(
      documentOf(
        { workflowId: 'base', steps: [getItem('s', 'a')] },
        {
          workflowId: 'top',
          dependsOn: ['base'],
          steps: [
            { stepId: 'call', workflowId: 'base' },
            getItem('read', 'b', { onFailure: [{ name: 'g', type: 'goto', workflowId: 'base' }] }),
          ],
        },
      ),
    );
    const outer = {
      ...documentOf({
        workflowId: 'main',
        steps: [{ stepId: 'call', workflowId: '$sourceDescriptions.lib.top' }],
      }),
      sourceDescriptions: [{ name: 'lib', url: './lib.arazzo.yaml', type: 'arazzo' }],
    };
    // Act
    const result = compileArazzoDocument(outer, { sources: {} }, { lib: inner });
    // Assess
    expect(result.issues).toEqual([]);
    const [, base, top] = result.compiled?.workflows ?? [];
    expect([base?.key, top?.key, top?.dependsOn]).toEqual([
      '$sourceDescriptions.lib.base',
      '$sourceDescriptions.lib.top',
      ['$sourceDescriptions.lib.base'],
    ]);
    expect(top?.steps[0]).toMatchObject({
      kind: 'workflow',
      workflow: '$sourceDescriptions.lib.base',
    });
    expect(top?.steps[1]).toMatchObject({
      operation: 'lib/api.getItem',
      onFailure: [{ workflowId: '$sourceDescriptions.lib.base' }],
    });
    expect(result.compiled?.sources.map((source) => source.name)).toEqual(['lib', 'lib/api']);
    expect(result.compiled?.operations['lib/api.getItem']?.source).toBe('lib/api');
  });

  it('reports a reference to a workflow the source does not have', () => {
    // Prepare
    const inner = compileOrFail(documentOf({ workflowId: 'base', steps: [getItem('s', 'a')] }));
    const outer = {
      ...documentOf({
        workflowId: 'main',
        dependsOn: ['$sourceDescriptions.lib.nope'],
        steps: [getItem('s', 'a')],
      }),
      sourceDescriptions: [
        { name: 'lib', url: './lib.arazzo.yaml', type: 'arazzo' },
        { name: 'api', url: './api.yaml', type: 'openapi' },
      ],
    };
    // Act
    const result = compileArazzoDocument(outer, { sources: { api: TEST_OPENAPI } }, { lib: inner });
    // Assess
    expect(result.issues.map(formatIssue)).toEqual([
      '/workflows/0/dependsOn/0: unknown workflow "$sourceDescriptions.lib.nope"',
    ]);
  });
});
