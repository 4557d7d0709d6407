import { describe, expect, it } from 'vitest';
import { MAX_CALL_DEPTH } from '../../../lib/arazzo/run-frame.ts';
import { getItem, routedSend, runnerOf } from './workflows-support.ts';

/** `callee` reads three items; `main` calls it with the given failure actions, then reads once more. */
const callee = {
  workflowId: 'callee',
  steps: [getItem('a', 'a'), getItem('b', 'b'), getItem('c', 'c')],
};
const mainWith = (onFailure: unknown[]) => ({
  workflowId: 'main',
  steps: [{ stepId: 'call', workflowId: 'callee', onFailure }, getItem('after', 'after')],
});

describe('a stop inside a called workflow stops every frame (docs/arazzo.md §17)', () => {
  it('does not retry the call once the step budget is spent inside it', async () => {
    // Prepare
    const main = mainWith([{ name: 'again', type: 'retry', retryAfter: 5, retryLimit: 3 }]);
    const http = routedSend();
    const { runner, waits } = runnerOf([callee, main], http.send, { maxSteps: 3 });
    // Act
    const result = await runner.run('main', {});
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'c',
      workflowId: 'callee',
      reason: 'step-budget',
    });
    expect(waits).toEqual([]);
    expect(http.paths()).toEqual(['/api/items/a', '/api/items/b']);
    // `c` never started: it has no record (docs/arazzo.md §7).
    expect(result.steps.map((step) => [step.stepId, step.outcome])).toEqual([
      ['call', 'failure'],
      ['a', 'success'],
      ['b', 'success'],
    ]);
  });

  it('does not follow the caller’s failure goto after the signal aborted inside the call', async () => {
    // Prepare
    const controller = new AbortController();
    const http = routedSend();
    const send: typeof http.send = async (request, options) => {
      controller.abort();
      return http.send(request, options);
    };
    const main = mainWith([{ name: 'skip', type: 'goto', stepId: 'after' }]);
    const { runner } = runnerOf([callee, main], send);
    // Act
    const result = await runner.run('main', {}, { signal: controller.signal });
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'b', workflowId: 'callee', reason: 'deadline' });
    expect(result.handledFailures).toBeUndefined();
    expect(result.steps.map((step) => step.stepId)).toEqual(['call', 'a']);
  });

  it('does not re-run a recursion that hit the call depth from an outer retry', async () => {
    // Prepare
    const recursive = {
      workflowId: 'down',
      steps: [
        getItem('read', 'x'),
        {
          stepId: 'again',
          workflowId: 'down',
          onFailure: [{ name: 'retry', type: 'retry', retryLimit: 2 }],
        },
      ],
    };
    const http = routedSend();
    const { runner, waits } = runnerOf([recursive], http.send, { maxSteps: 1_000 });
    // Act
    const result = await runner.run('down', {});
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'again', reason: 'evaluation' });
    expect(result.failure?.message).toContain(`more than ${MAX_CALL_DEPTH} workflow calls`);
    expect(http.requests).toHaveLength(MAX_CALL_DEPTH + 1);
    expect(waits).toEqual([]);
  });
});

describe('a goto to a workflow replaces the frame (docs/arazzo.md §17)', () => {
  const poll = {
    workflowId: 'poll',
    steps: [
      getItem('read', 'job', {
        onFailure: [{ name: 'again', type: 'goto', workflowId: 'poll' }],
      }),
    ],
    outputs: { id: '$steps.read.outputs.id' },
  };
  const withOutputs = {
    ...poll,
    steps: [{ ...(poll.steps[0] as object), outputs: { id: '$response.body#/id' } }],
  };

  it('polls by goto past the call depth, bounded by the step budget only', async () => {
    // Prepare
    const answers = [
      ...Array.from({ length: 25 }, () => ({ status: 404 })),
      { status: 200, json: { id: 'done' } },
    ];
    const http = routedSend({ '/api/items/job': answers });
    const endless = routedSend({ '/api/items/job': [{ status: 404 }] });
    const { runner } = runnerOf([withOutputs], http.send, { maxSteps: 1_000 });
    const bounded = runnerOf([withOutputs], endless.send, { maxSteps: 40 });
    // Act
    const result = await runner.run('poll', {});
    const spent = await bounded.runner.run('poll', {});
    // Assess
    expect(result.status).toBe('completed');
    // The first execution's outputs, over what it had (docs/arazzo.md §17): it read nothing.
    expect(result.outputs).toEqual({});
    expect(http.requests).toHaveLength(26);
    expect(result.steps.every((step) => step.workflowId === undefined)).toBe(true);
    expect(result.trace.every((entry) => entry.workflowId === undefined)).toBe(true);
    expect(spent.status).toBe('failed');
    expect(spent.failure).toMatchObject({ stepId: 'read', reason: 'step-budget', statusCode: 404 });
    expect(spent.failure?.workflowId).toBeUndefined();
    expect(endless.requests).toHaveLength(40);
  });
});

describe('a retry whose target fails', () => {
  it('closes the retried step: its time, its outcome and its trace entry say it failed', async () => {
    // Prepare
    let clock = 0;
    const main = {
      workflowId: 'main',
      steps: [
        getItem('refresh', 'refresh', {
          onSuccess: [{ name: 'skip', type: 'goto', stepId: 'use' }],
        }),
        getItem('use', 'use', {
          successCriteria: [{ condition: '$response.body#/ready == true' }],
          onFailure: [{ name: 'again', type: 'retry', stepId: 'refresh', retryLimit: 1 }],
        }),
      ],
    };
    const http = routedSend({
      '/api/items/use': [{ status: 200, json: { ready: false } }],
      '/api/items/refresh': [{ status: 200, json: {} }, { status: 500 }],
    });
    const { runner } = runnerOf([main], http.send, { now: () => (clock += 1) });
    // Act
    const result = await runner.run('main', {});
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'refresh', statusCode: 500 });
    const use = result.steps.find((step) => step.stepId === 'use');
    expect(use).toMatchObject({ outcome: 'failure', statusCode: 200, attempts: 1 });
    expect(use?.ms).toBeGreaterThan(0);
    expect(result.trace.map((entry) => [entry.stepId, entry.action])).toEqual([
      ['refresh', 'goto:use'],
      ['use', 'failure'],
      ['refresh', 'failure'],
    ]);
  });
});

describe('a workflow that cannot start with the current inputs', () => {
  const strict = {
    workflowId: 'strict',
    inputs: { type: 'object', required: ['must'], properties: { must: { type: 'string' } } },
    steps: [getItem('s', 'strict')],
  };
  const main = (action: Record<string, unknown>) => ({
    workflowId: 'main',
    steps: [
      getItem('first', 'first', { onFailure: [action], outputs: { id: '$response.body#/id' } }),
    ],
    outputs: { seen: '$steps.first.outputs.id' },
  });

  it.each([
    ['a goto', { name: 'away', type: 'goto', workflowId: 'strict' }, 'goto:strict'],
    ['a retry', { name: 'again', type: 'retry', workflowId: 'strict' }, 'failure'],
  ])('fails the run at the step for %s, sending nothing of it', async (_name, action, outcome) => {
    // Prepare
    const http = routedSend({ '/api/items/first': [{ status: 404 }] });
    const { runner } = runnerOf([strict, main(action)], http.send);
    // Act
    const result = await runner.run('main', {});
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'first', reason: 'evaluation' });
    expect(result.failure?.message).toContain('workflow "strict": inputs/must: is required');
    expect(result.steps.map((step) => [step.stepId, step.outcome])).toEqual([['first', outcome]]);
    expect(http.paths()).toEqual(['/api/items/first']);
  });
});
