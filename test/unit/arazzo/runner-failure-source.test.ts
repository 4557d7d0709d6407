import { describe, expect, it } from 'vitest';
import type { StepFailure } from '../../../lib/arazzo/http-port.ts';
import { testClassify } from './support.ts';
import { getItem, routedSend, runnerOf } from './workflows-support.ts';

// The classifier learns the failing step's source (StepFailure.source), so a caller can word each API's failures,
// and for an evaluation failure what was at fault (StepFailure.issues).

const recording = () => {
  const seen: StepFailure[] = [];
  return {
    seen,
    classify: (failure: StepFailure) => {
      seen.push(failure);
      return testClassify(failure);
    },
  };
};

const callee = { workflowId: 'callee', steps: [getItem('read', 'x')] };
const caller = { workflowId: 'caller', steps: [{ stepId: 'call', workflowId: 'callee' }] };

describe('StepFailure.source', () => {
  it("names the source of an operation step's failure", async () => {
    // Prepare
    const { seen, classify } = recording();
    const http = routedSend({ '/api/items/x': [{ status: 404 }] });
    const { runner } = runnerOf([callee], http.send, { classify });
    // Act
    const result = await runner.run('callee', {});
    // Assess
    expect(result.failure).toMatchObject({ stepId: 'read', code: 'HTTP_404' });
    expect(seen.map((failure) => [failure.reason, failure.source])).toEqual([['criteria', 'api']]);
  });

  it("names the inner operation's source when a called workflow fails", async () => {
    // Prepare
    const { seen, classify } = recording();
    const http = routedSend({ '/api/items/x': [{ status: 500 }] });
    const { runner } = runnerOf([callee, caller], http.send, { classify });
    // Act
    const result = await runner.run('caller', {});
    // Assess
    expect(result.failure).toMatchObject({ workflowId: 'callee', stepId: 'read' });
    expect(seen.map((failure) => failure.source)).toEqual(['api']);
  });

  it('names the source of the failure that caused a step-budget give-up', async () => {
    // Prepare
    const { seen, classify } = recording();
    const http = routedSend({ '/api/items/x': [{ status: 503 }] });
    const retried = getItem('read', 'x', {
      onFailure: [{ name: 'again', type: 'retry', retryAfter: 0, retryLimit: 5 }],
    });
    const { runner } = runnerOf([{ workflowId: 'wf', steps: [retried] }], http.send, {
      classify,
      maxSteps: 2,
    });
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.failure).toMatchObject({ reason: 'step-budget', code: 'HTTP_503' });
    expect(seen.map((failure) => [failure.reason, failure.source])).toEqual([['criteria', 'api']]);
  });

  it('names no source for a workflow step’s own failure', async () => {
    // Prepare
    const { seen, classify } = recording();
    const strict = {
      ...callee,
      inputs: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    };
    const http = routedSend();
    const { runner } = runnerOf([strict, caller], http.send, { classify });
    // Act
    const result = await runner.run('caller', {});
    // Assess
    expect(result.failure).toMatchObject({ stepId: 'call', reason: 'evaluation' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.source).toBeUndefined();
    expect(http.requests).toEqual([]);
  });
});

describe('StepFailure.issues for an evaluation failure', () => {
  it('names the absent path parameter of a request that could not be built', async () => {
    // Prepare
    const { seen, classify } = recording();
    const http = routedSend();
    const workflow = { workflowId: 'wf', steps: [getItem('read', '$inputs.id')] };
    const { runner } = runnerOf([workflow], http.send, { classify });
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(http.requests).toEqual([]);
    expect(result.failure).toMatchObject({ stepId: 'read', reason: 'evaluation' });
    expect(seen.map((failure) => failure.issues)).toEqual([['path parameter "itemId" is absent']]);
  });

  it('names the expression of an absent embedded value', async () => {
    // Prepare
    const { seen, classify } = recording();
    const http = routedSend();
    const workflow = { workflowId: 'wf', steps: [getItem('read', 'item-{$inputs.id}')] };
    const { runner } = runnerOf([workflow], http.send, { classify });
    // Act
    await runner.run('wf', {});
    // Assess
    expect(http.requests).toEqual([]);
    expect(seen[0]?.issues).toContain('absent value embedded in "item-{$inputs.id}"');
  });

  it('lists the called workflow’s input problems for a workflow step', async () => {
    // Prepare
    const { seen, classify } = recording();
    const strict = {
      ...callee,
      inputs: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    };
    const { runner } = runnerOf([strict, caller], routedSend().send, { classify });
    // Act
    await runner.run('caller', {});
    // Assess
    expect(seen.map((failure) => failure.issues)).toEqual([
      ['workflow "callee": inputs/id: is required'],
    ]);
  });
});
