import { describe, expect, it } from 'vitest';
import { compileOrFail } from './support.ts';
import { callee, documentOf, ok200, workflowIssues } from './workflows-support.ts';

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
