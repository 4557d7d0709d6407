import { describe, expect, it } from 'vitest';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import { compileOrFail, createScriptedSend, documentWith, testClassify } from './support.ts';

const ok200 = [{ condition: '$statusCode == 200' }];
const getItem = (stepId: string, extra: Record<string, unknown> = {}) => ({
  stepId,
  operationId: 'listItems',
  successCriteria: ok200,
  ...extra,
});

const createRunner = (
  workflow: Record<string, unknown>,
  replies: Parameters<typeof createScriptedSend>[0],
  options: { maxSteps?: number; now?: () => number; maxRetryWaitMs?: number } = {},
) => {
  const scripted = createScriptedSend(replies);
  const waits: number[] = [];
  const runner = createWorkflowRunner(compileOrFail(documentWith(workflow)), {
    baseUrl: 'http://127.0.0.1:9/api',
    send: scripted.send,
    classify: testClassify,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return { runner, waits, requests: scripted.requests };
};

describe('createWorkflowRunner actions', () => {
  it('completes after the last step by default', async () => {
    // Prepare
    const { runner } = createRunner({ steps: [getItem('a'), getItem('b')] }, [{ status: 200 }]);
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(result.steps.map((step) => [step.stepId, step.outcome])).toEqual([
      ['a', 'success'],
      ['b', 'success'],
    ]);
  });

  it('ends early on an end success action', async () => {
    // Prepare
    const { runner, requests } = createRunner(
      { steps: [getItem('a', { onSuccess: [{ name: 'stop', type: 'end' }] }), getItem('b')] },
      [{ status: 200 }],
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.status).toBe('ended');
    expect(requests).toHaveLength(1);
  });

  it('jumps with goto only when the action criteria pass', async () => {
    // Prepare
    const { runner } = createRunner(
      {
        steps: [
          getItem('a', {
            onSuccess: [
              {
                name: 'never',
                type: 'goto',
                stepId: 'b',
                criteria: [{ condition: '$statusCode == 201' }],
              },
              {
                name: 'skip',
                type: 'goto',
                stepId: 'c',
                criteria: [{ condition: '$response.body#/done' }],
              },
            ],
          }),
          getItem('b'),
          getItem('c'),
        ],
      },
      [{ status: 200, json: { done: true } }],
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.steps.map((step) => `${step.stepId}:${step.outcome}`)).toEqual([
      'a:goto:c',
      'c:success',
    ]);
  });

  it('fails with reason criteria when no failure action matches', async () => {
    // Prepare
    const { runner } = createRunner({ steps: [getItem('a')] }, [{ status: 422, bodyText: 'bad' }]);
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toEqual({
      stepId: 'a',
      statusCode: 422,
      reason: 'criteria',
      code: 'HTTP_422',
      message: 'criteria: bad',
    });
  });

  it('fails with reason end-action on an end failure action and still returns outputs', async () => {
    // Prepare
    const { runner } = createRunner(
      {
        steps: [
          getItem('a', { outputs: { seen: '$statusCode' } }),
          getItem('b', { onFailure: [{ name: 'stop', type: 'end' }] }),
        ],
        outputs: { first: '$steps.a.outputs.seen' },
      },
      [{ status: 200 }, { status: 500 }],
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.failure?.reason).toBe('end-action');
    expect(result.outputs).toEqual({ first: 200 });
  });

  it('recovers through a failure goto', async () => {
    // Prepare
    const { runner } = createRunner(
      {
        steps: [
          getItem('create', {
            onFailure: [
              {
                name: 'dup',
                type: 'goto',
                stepId: 'recheck',
                criteria: [{ condition: '$statusCode == 400' }],
              },
            ],
            onSuccess: [{ name: 'done', type: 'end' }],
          }),
          getItem('other'),
          getItem('recheck'),
        ],
      },
      [{ status: 400 }, { status: 200 }],
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(result.steps.map((step) => `${step.stepId}:${step.outcome}`)).toEqual([
      'create:goto:recheck',
      'recheck:success',
    ]);
  });

  it.each([
    [undefined, 2],
    [0, 1],
    [3, 4],
  ])('retries with retryLimit %s: %i attempts', async (retryLimit, attempts) => {
    // Prepare
    const { runner, requests } = createRunner(
      {
        steps: [
          getItem('a', {
            onFailure: [
              {
                name: 'again',
                type: 'retry',
                retryAfter: 0.25,
                ...(retryLimit === undefined ? {} : { retryLimit }),
              },
            ],
          }),
        ],
      },
      [{ status: 503 }],
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.failure?.reason).toBe('criteria');
    expect(requests).toHaveLength(attempts);
    expect(result.steps[0]?.attempts).toBe(attempts);
    expect(result.trace.map((entry) => entry.action)).toEqual([
      ...Array.from({ length: attempts - 1 }, () => 'retry'),
      'failure',
    ]);
  });

  it('succeeds after a retry and waits retryAfter seconds', async () => {
    // Prepare
    const { runner, waits } = createRunner(
      { steps: [getItem('a', { onFailure: [{ name: 'again', type: 'retry', retryAfter: 1.5 }] })] },
      [{ status: 500 }, { status: 200 }],
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(waits).toEqual([1500]);
    expect(result.steps[0]).toMatchObject({ attempts: 2, outcome: 'success', statusCode: 200 });
  });

  it.each([
    ['7', 7000],
    ['Thu, 01 Jan 2026 00:00:03 GMT', 3000],
    ['soon', 1000],
    ['120', 10_000],
  ])('lets a Retry-After of %s override retryAfter (capped)', async (header, wait) => {
    // Prepare
    const { runner, waits } = createRunner(
      { steps: [getItem('a', { onFailure: [{ name: 'again', type: 'retry', retryAfter: 1 }] })] },
      [{ status: 429, headers: { 'retry-after': header } }, { status: 200 }],
      { now: () => Date.parse('2026-01-01T00:00:00Z') },
    );
    // Act
    await runner.run('wf', {});
    // Assess
    expect(waits).toEqual([wait]);
  });

  it('fails with reason deadline instead of waiting past the deadline', async () => {
    // Prepare
    const { runner, waits } = createRunner(
      { steps: [getItem('a', { onFailure: [{ name: 'again', type: 'retry', retryAfter: 5 }] })] },
      [{ status: 503 }],
    );
    // Act
    const result = await runner.run('wf', {}, { deadline: Date.now() + 2000 });
    // Assess
    expect(result.failure).toMatchObject({ reason: 'deadline', statusCode: 503 });
    expect(waits).toEqual([]);
  });

  it('fails with reason deadline when the deadline has already passed', async () => {
    // Prepare
    const { runner, requests } = createRunner({ steps: [getItem('a')] }, [{ status: 200 }]);
    // Act
    const result = await runner.run('wf', {}, { deadline: Date.now() - 1 });
    // Assess
    expect(result.failure?.reason).toBe('deadline');
    expect(requests).toHaveLength(0);
  });

  it('moves on to the next matching failure action once a retry is exhausted', async () => {
    // Prepare
    const { runner } = createRunner(
      {
        steps: [
          getItem('a', {
            onFailure: [
              { name: 'again', type: 'retry', retryLimit: 1 },
              { name: 'fallback', type: 'goto', stepId: 'b' },
            ],
          }),
          getItem('b'),
        ],
      },
      [{ status: 500 }, { status: 500 }, { status: 200 }],
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(result.trace.map((entry) => `${entry.stepId}:${entry.attempt}:${entry.action}`)).toEqual(
      ['a:1:retry', 'a:2:goto:b', 'b:1:success'],
    );
  });

  it('lets a step action override a workflow-level action of the same name', async () => {
    // Prepare
    const { runner, requests } = createRunner(
      {
        failureActions: [
          {
            name: 'transient',
            type: 'retry',
            retryLimit: 2,
            criteria: [{ condition: '$statusCode >= 500' }],
          },
        ],
        steps: [
          getItem('read', {
            onSuccess: [
              { name: 'done', type: 'end', criteria: [{ condition: '$response.body#/written' }] },
            ],
          }),
          getItem('write', {
            onFailure: [
              {
                name: 'transient',
                type: 'goto',
                stepId: 'read',
                criteria: [{ condition: '$statusCode >= 500' }],
              },
            ],
          }),
        ],
      },
      [{ status: 200, json: {} }, { status: 502 }, { status: 200, json: { written: true } }],
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.status).toBe('ended');
    expect(requests).toHaveLength(3);
    expect(result.steps.map((step) => `${step.stepId}:${step.outcome}`)).toEqual([
      'read:success',
      'write:goto:read',
      'read:end',
    ]);
  });

  it('applies a workflow-level retry to steps that do not override it, after their own actions', async () => {
    // Prepare
    const { runner, requests } = createRunner(
      {
        failureActions: [
          {
            name: 'transient',
            type: 'retry',
            retryLimit: 2,
            criteria: [{ condition: '$statusCode >= 500' }],
          },
        ],
        steps: [
          getItem('read', {
            onFailure: [
              { name: 'gone', type: 'end', criteria: [{ condition: '$statusCode == 410' }] },
            ],
          }),
        ],
      },
      [{ status: 500 }, { status: 503 }, { status: 200 }],
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(requests).toHaveLength(3);
  });

  it('stops a goto loop with reason step-budget', async () => {
    // Prepare
    const { runner, requests } = createRunner(
      { steps: [getItem('a', { onSuccess: [{ name: 'loop', type: 'goto', stepId: 'a' }] })] },
      [{ status: 200 }],
      { maxSteps: 5 },
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.failure).toMatchObject({ reason: 'step-budget', stepId: 'a' });
    expect(requests).toHaveLength(5);
  });

  it('counts retries against the step budget', async () => {
    // Prepare
    const { runner, requests } = createRunner(
      { steps: [getItem('a', { onFailure: [{ name: 'again', type: 'retry', retryLimit: 10 }] })] },
      [{ status: 500 }],
      { maxSteps: 3 },
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.failure?.reason).toBe('step-budget');
    expect(requests).toHaveLength(3);
  });

  it('keeps retry counters across a goto back to the same step', async () => {
    // Prepare
    const { runner, requests } = createRunner(
      {
        steps: [
          getItem('a', {
            onFailure: [
              { name: 'again', type: 'retry', retryLimit: 1 },
              { name: 'back', type: 'goto', stepId: 'b' },
            ],
          }),
          getItem('b', { onSuccess: [{ name: 'loop', type: 'goto', stepId: 'a' }] }),
        ],
      },
      [{ status: 500 }, { status: 500 }, { status: 200 }, { status: 500 }, { status: 200 }],
      { maxSteps: 5 },
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.trace.map((entry) => `${entry.stepId}:${entry.action}`)).toEqual([
      'a:retry',
      'a:goto:b',
      'b:goto:a',
      'a:goto:b',
      'b:goto:a',
    ]);
    expect(requests).toHaveLength(5);
  });

  it('treats a transport failure as a failed step with a null status and evaluates failure actions', async () => {
    // Prepare
    const { runner } = createRunner(
      {
        steps: [
          getItem('a', {
            onFailure: [
              { name: 'again', type: 'retry', criteria: [{ condition: '$statusCode == null' }] },
            ],
          }),
        ],
      },
      [{ error: new Error('ECONNRESET') }, { status: 200 }],
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(result.trace.map((entry) => entry.statusCode)).toEqual([null, 200]);
  });

  it('reports transport and timeout reasons', async () => {
    // Prepare
    const timeout = Object.assign(new Error('slow'), { name: 'TimeoutError' });
    const network = createRunner({ steps: [getItem('a')] }, [{ error: new Error('ECONNRESET') }]);
    const slow = createRunner({ steps: [getItem('a')] }, [{ error: timeout }]);
    // Act
    const results = await Promise.all([network.runner.run('wf', {}), slow.runner.run('wf', {})]);
    // Assess
    expect(results.map((result) => result.failure?.reason)).toEqual(['transport', 'timeout']);
    expect(results[0]?.failure?.statusCode).toBeNull();
  });

  it('treats a step without successCriteria as successful on any 2xx only', async () => {
    // Prepare
    const { runner } = createRunner({ steps: [{ stepId: 'a', operationId: 'listItems' }] }, [
      { status: 204 },
    ]);
    const failing = createRunner({ steps: [{ stepId: 'a', operationId: 'listItems' }] }, [
      { status: 302 },
    ]);
    // Act
    const results = [await runner.run('wf', {}), await failing.runner.run('wf', {})];
    // Assess
    expect(results.map((result) => result.status)).toEqual(['completed', 'failed']);
  });
});
