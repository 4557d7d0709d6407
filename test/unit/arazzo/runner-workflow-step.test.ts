import { describe, expect, it } from 'vitest';
import { getItem, routedSend, runnerOf } from './workflows-support.ts';

/** Reads item `$inputs.id` and outputs its name; fails on anything but 200. */
const callee = {
  workflowId: 'callee',
  inputs: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', minLength: 2 } },
  },
  steps: [getItem('read', '$inputs.id', { outputs: { name: '$response.body#/name' } })],
  outputs: { name: '$steps.read.outputs.name', id: '$inputs.id' },
};

/** Calls `callee` with `$inputs.id`, then reads an item named after its output. */
const caller = (extra: Record<string, unknown> = {}) => ({
  workflowId: 'caller',
  inputs: { type: 'object', properties: { id: { type: 'string' } } },
  steps: [
    {
      stepId: 'call',
      workflowId: 'callee',
      parameters: [{ name: 'id', value: '$inputs.id' }],
      outputs: { name: '$outputs.name' },
      ...extra,
    },
    getItem('after', '$steps.call.outputs.name'),
  ],
  outputs: { name: '$steps.call.outputs.name' },
});

describe('a step that calls a workflow', () => {
  it('runs the workflow with its parameters as inputs and reads its outputs as $outputs', async () => {
    // Prepare
    const http = routedSend({ '/api/items/ab': [{ status: 200, json: { name: 'nm' } }] });
    const { runner } = runnerOf([callee, caller()], http.send);
    // Act
    const result = await runner.run('caller', { id: 'ab' });
    // Assess
    expect(result.status).toBe('completed');
    expect(http.paths()).toEqual(['/api/items/ab', '/api/items/nm']);
    expect(result.outputs).toEqual({ name: 'nm' });
    expect(result.steps.map((step) => [step.workflowId, step.stepId, step.outcome])).toEqual([
      [undefined, 'call', 'success'],
      ['callee', 'read', 'success'],
      [undefined, 'after', 'success'],
    ]);
    expect(result.trace.map((entry) => [entry.workflowId, entry.stepId])).toEqual([
      ['callee', 'read'],
      [undefined, 'after'],
    ]);
  });

  it('fails the step without a request when the inputs break the called workflow’s schema', async () => {
    // Prepare
    const http = routedSend();
    const { runner } = runnerOf([callee, caller()], http.send);
    // Act
    const result = await runner.run('caller', { id: 'a' });
    // Assess
    expect(http.requests).toEqual([]);
    expect(result.status).toBe('failed');
    expect(result.failure).toEqual({
      stepId: 'call',
      statusCode: null,
      reason: 'evaluation',
      code: 'NO_ANSWER',
      message: 'workflow "callee": inputs/id: must have at least 2 characters',
    });
  });

  it('fails the run with the called workflow’s innermost failure when no action handles it', async () => {
    // Prepare
    const http = routedSend({ '/api/items/ab': [{ status: 404 }] });
    const { runner } = runnerOf([callee, caller()], http.send);
    // Act
    const result = await runner.run('caller', { id: 'ab' });
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'read',
      workflowId: 'callee',
      statusCode: 404,
      reason: 'criteria',
    });
    expect(result.outputs).toEqual({});
    expect(result.steps.map((step) => [step.stepId, step.outcome])).toEqual([
      ['call', 'failure'],
      ['read', 'failure'],
    ]);
  });

  it('re-runs the called workflow on a retry action, counting against retryLimit', async () => {
    // Prepare
    const http = routedSend({
      '/api/items/ab': [{ status: 503 }, { status: 200, json: { name: 'nm' } }],
    });
    const retry = { name: 'again', type: 'retry', retryAfter: 2, retryLimit: 1 };
    const { runner, waits } = runnerOf([callee, caller({ onFailure: [retry] })], http.send);
    // Act
    const result = await runner.run('caller', { id: 'ab' });
    // Assess
    expect(result.status).toBe('completed');
    expect(http.paths()).toEqual(['/api/items/ab', '/api/items/ab', '/api/items/nm']);
    expect(waits).toEqual([2000]);
    expect(result.steps.find((step) => step.stepId === 'call')?.attempts).toBe(2);
  });

  it('judges the step by its criteria over the called workflow’s outputs', async () => {
    // Prepare
    const http = routedSend({ '/api/items/ab': [{ status: 200, json: { name: 'wrong' } }] });
    const criteria = [{ condition: "$outputs.name == 'nm'" }];
    const { runner } = runnerOf([callee, caller({ successCriteria: criteria })], http.send);
    // Act
    const result = await runner.run('caller', { id: 'ab' });
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'call', reason: 'criteria', statusCode: null });
    expect(result.failure?.workflowId).toBeUndefined();
    expect(http.paths()).toEqual(['/api/items/ab']);
  });

  it('takes a called workflow ended by an end success action as a success with its outputs', async () => {
    // Prepare
    const ending = {
      ...callee,
      steps: [
        getItem('read', '$inputs.id', {
          outputs: { name: '$response.body#/name' },
          onSuccess: [{ name: 'done', type: 'end' }],
        }),
        getItem('never', 'zz'),
      ],
    };
    const http = routedSend({ '/api/items/ab': [{ status: 200, json: { name: 'nm' } }] });
    const { runner } = runnerOf([ending, caller()], http.send);
    // Act
    const result = await runner.run('caller', { id: 'ab' });
    // Assess
    expect(result.status).toBe('completed');
    expect(http.paths()).toEqual(['/api/items/ab', '/api/items/nm']);
    expect(result.endAction).toBeUndefined();
  });

  it('routes a called workflow’s failure through the step’s goto', async () => {
    // Prepare
    const http = routedSend({ '/api/items/ab': [{ status: 404 }] });
    const goto = { name: 'fallback', type: 'goto', stepId: 'fallback' };
    const workflow = caller({ onFailure: [goto] });
    const withFallback = {
      ...workflow,
      steps: [workflow.steps[0], getItem('fallback', 'fb')],
      outputs: {},
    };
    const { runner } = runnerOf([callee, withFallback], http.send);
    // Act
    const result = await runner.run('caller', { id: 'ab' });
    // Assess
    expect(result.status).toBe('completed');
    expect(http.paths()).toEqual(['/api/items/ab', '/api/items/fb']);
    expect(result.handledFailures).toMatchObject([
      { stepId: 'read', workflowId: 'callee', statusCode: 404 },
    ]);
  });
});

describe('dotted names across a workflow call', () => {
  it('splits a dotted $outputs in the step’s criteria against the called workflow’s outputs', async () => {
    // Prepare
    const dotted = {
      ...callee,
      outputs: { 'item.name': '$steps.read.outputs.name' },
    };
    const step = {
      successCriteria: [{ condition: "$outputs.item.name == 'nm'" }],
      outputs: { name: '$outputs.item.name' },
    };
    const http = routedSend({ '/api/items/ab': [{ status: 200, json: { name: 'nm' } }] });
    const { runner } = runnerOf([dotted, caller(step)], http.send);
    // Act
    const result = await runner.run('caller', { id: 'ab' });
    // Assess
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ name: 'nm' });
  });
});
