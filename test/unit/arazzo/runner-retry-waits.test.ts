import { describe, expect, it } from 'vitest';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import { compileOrFail, createScriptedSend, documentWith, testClassify } from './support.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');

/** One read that retries once after `retryAfter` seconds; the server answers `first`, then 200. */
const retryingRun = async (
  retryAfter: number,
  first: { status: number; headers?: Record<string, string> },
  options: { maxRetryWaitMs?: number; deadline?: number } = {},
) => {
  const scripted = createScriptedSend([first, { status: 200 }]);
  const waits: number[] = [];
  const { deadline, ...runnerOptions } = options;
  const step = {
    stepId: 'a',
    operationId: 'listItems',
    successCriteria: [{ condition: '$statusCode == 200' }],
    onFailure: [{ name: 'again', type: 'retry', retryAfter, retryLimit: 1 }],
  };
  const runner = createWorkflowRunner(compileOrFail(documentWith({ steps: [step] })), {
    baseUrl: 'http://127.0.0.1:9/api',
    send: scripted.send,
    classify: testClassify,
    now: () => NOW,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...runnerOptions,
  });
  const result = await runner.run('wf', {}, deadline === undefined ? {} : { deadline });
  return { result, waits, requests: scripted.requests };
};

describe('retry waits (docs/arazzo.md §6, §10)', () => {
  it('waits the document’s own retryAfter in full, past the cap on a server’s Retry-After', async () => {
    // Act
    const { result, waits } = await retryingRun(30, { status: 503 });
    // Assess
    expect(waits).toEqual([30_000]);
    expect(result.status).toBe('completed');
  });

  it('waits the document’s retryAfter in full with a smaller configured cap', async () => {
    // Act
    const { waits } = await retryingRun(2, { status: 503 }, { maxRetryWaitMs: 500 });
    // Assess
    expect(waits).toEqual([2_000]);
  });

  it.each([
    ['a shorter Retry-After', '3', 30_000],
    ['a longer Retry-After (capped below retryAfter)', '120', 30_000],
  ])('waits retryAfter when the server sends %s', async (_label, header, wait) => {
    // Act
    const { waits } = await retryingRun(30, { status: 429, headers: { 'retry-after': header } });
    // Assess
    expect(waits).toEqual([wait]);
  });

  it('caps only the server’s Retry-After: the longer of it (capped) and retryAfter is waited', async () => {
    // Act
    const { waits } = await retryingRun(
      1,
      { status: 429, headers: { 'retry-after': '120' } },
      { maxRetryWaitMs: 5_000 },
    );
    // Assess
    expect(waits).toEqual([5_000]);
  });

  it('fails at once with reason deadline when the document’s retryAfter would pass the deadline', async () => {
    // Act
    const { result, waits, requests } = await retryingRun(
      30,
      { status: 503 },
      {
        deadline: NOW + 20_000,
      },
    );
    // Assess
    expect(waits).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(result.failure).toMatchObject({ stepId: 'a', reason: 'deadline', statusCode: 503 });
  });
});
