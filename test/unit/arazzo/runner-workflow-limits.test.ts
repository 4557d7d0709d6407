import { describe, expect, it } from 'vitest';
import { MAX_CALL_DEPTH } from '../../../lib/arazzo/run-frame.ts';
import { getItem, routedSend, runnerOf } from './workflows-support.ts';

/** `main` calls `callee` (three reads) and then reads once more itself. */
const callee = {
  workflowId: 'callee',
  steps: [getItem('a', 'a'), getItem('b', 'b'), getItem('c', 'c')],
};
const main = {
  workflowId: 'main',
  steps: [{ stepId: 'call', workflowId: 'callee' }, getItem('after', 'after')],
};

describe('limits shared by every workflow of a run', () => {
  it('counts the called workflow’s steps against the one step budget', async () => {
    // Prepare
    const http = routedSend();
    const { runner } = runnerOf([callee, main], http.send, { maxSteps: 4 });
    const roomy = runnerOf([callee, main], routedSend().send, { maxSteps: 5 });
    // Act
    const result = await runner.run('main', {});
    const completed = await roomy.runner.run('main', {});
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'after', reason: 'step-budget' });
    expect(http.paths()).toEqual(['/api/items/a', '/api/items/b', '/api/items/c']);
    expect(completed.status).toBe('completed');
  });

  it('stops inside a called workflow at the run’s deadline', async () => {
    // Prepare
    let clock = 1_000;
    const http = routedSend();
    const send: typeof http.send = async (request, options) => {
      clock += 10;
      return http.send(request, options);
    };
    const { runner } = runnerOf([callee, main], send, { now: () => clock });
    // Act
    const result = await runner.run('main', {}, { deadline: 1_015 });
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'c', workflowId: 'callee', reason: 'deadline' });
    expect(http.paths()).toEqual(['/api/items/a', '/api/items/b']);
  });

  it('stops every workflow when the caller’s signal aborts', async () => {
    // Prepare
    const controller = new AbortController();
    const http = routedSend();
    const send: typeof http.send = async (request, options) => {
      controller.abort();
      return http.send(request, options);
    };
    const { runner } = runnerOf([callee, main], send);
    // Act
    const result = await runner.run('main', {}, { signal: controller.signal });
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'b', workflowId: 'callee', reason: 'deadline' });
    expect(http.paths()).toEqual(['/api/items/a']);
  });

  it(`fails clearly when workflow calls nest deeper than ${MAX_CALL_DEPTH}`, async () => {
    // Prepare
    const recursive = {
      workflowId: 'down',
      steps: [getItem('read', 'x'), { stepId: 'again', workflowId: 'down' }],
    };
    const http = routedSend();
    const { runner } = runnerOf([recursive], http.send, { maxSteps: 1_000 });
    // Act
    const result = await runner.run('down', {});
    // Assess
    expect(result.status).toBe('failed');
    // The innermost `down` is the run's own workflow: no workflowId (docs/arazzo.md §17).
    expect(result.failure?.workflowId).toBeUndefined();
    expect(result.failure).toMatchObject({
      stepId: 'again',
      reason: 'evaluation',
      message: `calling workflow "down" would nest more than ${MAX_CALL_DEPTH} workflow calls`,
    });
    expect(http.requests).toHaveLength(MAX_CALL_DEPTH + 1);
  });

  it('keeps retry counters per workflow execution', async () => {
    // Prepare
    const flaky = {
      workflowId: 'flaky',
      steps: [
        getItem('read', '$inputs.id', {
          onFailure: [{ name: 'again', type: 'retry', retryLimit: 1 }],
        }),
      ],
    };
    const twice = {
      workflowId: 'twice',
      steps: [
        { stepId: 'one', workflowId: 'flaky', parameters: [{ name: 'id', value: 'p' }] },
        { stepId: 'two', workflowId: 'flaky', parameters: [{ name: 'id', value: 'q' }] },
      ],
    };
    const http = routedSend({
      '/api/items/p': [{ status: 503 }, { status: 200, json: {} }],
      '/api/items/q': [{ status: 503 }, { status: 200, json: {} }],
    });
    const { runner } = runnerOf([flaky, twice], http.send);
    // Act
    const result = await runner.run('twice', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(http.paths()).toEqual(['/api/items/p', '/api/items/p', '/api/items/q', '/api/items/q']);
  });
});
