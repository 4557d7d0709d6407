import { describe, expect, it } from 'vitest';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import { compileOrFail, createScriptedSend, documentWith, testClassify } from './support.ts';
import { getItem, routedSend, runnerOf } from './workflows-support.ts';

const ok200 = [{ condition: '$statusCode == 200' }];

/** `a` answers 200 and goes back to itself: only the step budget ends the run. */
const loopRunner = (maxSteps: number, replies: Parameters<typeof createScriptedSend>[0]) => {
  const scripted = createScriptedSend(replies);
  const step = {
    stepId: 'a',
    operationId: 'listItems',
    successCriteria: ok200,
    onSuccess: [{ name: 'loop', type: 'goto', stepId: 'a' }],
  };
  const runner = createWorkflowRunner(compileOrFail(documentWith({ steps: [step] })), {
    baseUrl: 'http://127.0.0.1:9/api',
    send: scripted.send,
    classify: testClassify,
    maxSteps,
  });
  return { runner, requests: scripted.requests };
};

describe('a run the step budget ends without a failed answer (docs/arazzo.md §6)', () => {
  it('reports the status of the last answer, not null', async () => {
    // Prepare
    const { runner, requests } = loopRunner(7, [{ status: 200 }]);
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(requests).toHaveLength(7);
    expect(result.failure).toMatchObject({
      stepId: 'a',
      reason: 'step-budget',
      statusCode: 200,
      code: 'HTTP_200',
    });
  });

  it('records one step per execution that started: none for the one the budget refused', async () => {
    // Prepare
    const { runner } = loopRunner(7, [{ status: 200 }]);
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.steps).toHaveLength(7);
    expect(result.steps.every((step) => step.attempts === 1 && step.statusCode === 200)).toBe(true);
    expect(result.trace).toHaveLength(7);
  });

  it('reports the last answer of a called workflow when the budget stops its caller', async () => {
    // Prepare
    const callee = {
      workflowId: 'callee',
      steps: [
        getItem('a', 'a'),
        getItem('b', 'b', { successCriteria: [{ condition: '$statusCode == 201' }] }),
      ],
    };
    const main = {
      workflowId: 'main',
      steps: [{ stepId: 'call', workflowId: 'callee' }, getItem('after', 'after')],
    };
    const http = routedSend({ '/api/items/b': [{ status: 201 }] });
    const { runner } = runnerOf([callee, main], http.send, { maxSteps: 3 });
    // Act
    const result = await runner.run('main', {});
    // Assess
    expect(http.paths()).toEqual(['/api/items/a', '/api/items/b']);
    expect(result.failure).toMatchObject({
      stepId: 'after',
      reason: 'step-budget',
      statusCode: 201,
    });
    expect(result.steps.map((step) => [step.stepId, step.workflowId, step.outcome])).toEqual([
      ['call', undefined, 'success'],
      ['a', 'callee', 'success'],
      ['b', 'callee', 'success'],
    ]);
  });

  it('still reports the failed answer that spent the budget when there was one', async () => {
    // Prepare
    const retrying = createScriptedSend([{ status: 503 }]);
    const retry = createWorkflowRunner(
      compileOrFail(
        documentWith({
          steps: [
            {
              stepId: 'a',
              operationId: 'listItems',
              successCriteria: ok200,
              onFailure: [{ name: 'again', type: 'retry', retryLimit: 10 }],
            },
          ],
        }),
      ),
      {
        baseUrl: 'http://127.0.0.1:9/api',
        send: retrying.send,
        classify: testClassify,
        maxSteps: 3,
      },
    );
    // Act
    const retried = await retry.run('wf', {});
    // Assess
    expect(retried.failure).toMatchObject({
      stepId: 'a',
      statusCode: 503,
      reason: 'step-budget',
      code: 'HTTP_503',
    });
    expect(retried.steps).toMatchObject([{ stepId: 'a', attempts: 3, statusCode: 503 }]);
  });
});
