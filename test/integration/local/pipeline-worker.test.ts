import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InvocationOutcome } from '../../../tools/local/event-source-mapping.ts';
import { sendToSourceQueue, waitForDrain } from '../../../tools/local/pipeline.ts';
import { startLocalPipelineInWorker } from '../../../tools/local/pipeline-worker.ts';
import { type LocalStack, startLocalStack } from '../../../tools/local/stack.ts';
import { accountCreatedFactory } from '../../helpers/factories.ts';

describe('startLocalPipelineInWorker', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      visibilityTimeoutSeconds: 5,
      // Unpaced: this is about the worker thread, not the request budget.
      env: { POWERTOOLS_LOG_LEVEL: 'SILENT', AMBERFLO_MAX_REQUESTS_PER_SECOND: '10000' },
      emulator: { defaultPlanId: 'default-plan' },
    });
  });

  beforeEach(() => {
    stack.fauxqs.reset();
    stack.emulator?.reset();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const customerIdsIn = (bodies: ReadonlyArray<Record<string, unknown>>) =>
    bodies.map((body) => String(body['customerId'])).sort();

  it('provisions every message end to end from a worker thread and reports the counts', async () => {
    // Prepare
    const bodies = Array.from({ length: 5 }, () => accountCreatedFactory());
    const invalid = '{"customerId": 42}';
    const sentIds = await sendToSourceQueue(stack, [
      ...bodies.map((body) => ({ body: JSON.stringify(body) })),
      { body: invalid },
    ]);
    const outcomes: InvocationOutcome[] = [];
    const pipeline = await startLocalPipelineInWorker(stack, {
      concurrency: 1,
      functionTimeoutMs: 5_000,
      onInvoke: (outcome) => outcomes.push(outcome),
    });
    // Act
    const drained = await waitForDrain(stack, { timeoutMs: 20_000, intervalMs: 50 });
    const counts = await pipeline.stop();
    // Assess
    expect(drained).toBe(true);
    expect(
      stack.emulator
        ?.state()
        .customers.map((customer) => customer.customerId)
        .sort(),
    ).toEqual(customerIdsIn(bodies));
    expect(counts.metrics['AccountProvisioned']).toBe(5);
    expect(counts.deadLetteredByCode).toEqual({ INVALID_MESSAGE: 1 });
    expect(counts.invocations).toBe(outcomes.length);
    expect(outcomes.flatMap((outcome) => outcome.messageIds).sort()).toEqual([...sentIds].sort());
    expect(outcomes.flatMap((outcome) => outcome.failedIds)).toEqual([]);
  });

  it('runs the handler on a thread of its own, which ends by itself once stopped', async () => {
    // Prepare
    const pipeline = await startLocalPipelineInWorker(stack, { concurrency: 1 });
    // Act
    await pipeline.stop();
    const exitCode = await pipeline.exited;
    // Assess
    expect(pipeline.threadId).not.toBe(threadId);
    expect(exitCode).toBe(0);
  });

  it('answers counts while running, and the final counts once stopped', async () => {
    // Prepare
    const body = accountCreatedFactory();
    await sendToSourceQueue(stack, [{ body: JSON.stringify(body) }]);
    const pipeline = await startLocalPipelineInWorker(stack, { concurrency: 1 });
    await waitForDrain(stack, { timeoutMs: 20_000, intervalMs: 50 });
    // Act
    const running = await pipeline.counts();
    const stopped = await pipeline.stop();
    const afterStop = await pipeline.counts();
    const stoppedAgain = await pipeline.stop();
    // Assess
    expect(running.metrics['AccountProvisioned']).toBe(1);
    expect(await pipeline.invocations()).toBe(running.invocations);
    expect(stopped).toEqual(running);
    expect(afterStop).toEqual(stopped);
    expect(stoppedAgain).toEqual(stopped);
  });

  it.each([
    {
      problem: 'no SQS endpoint in the environment',
      env: { AWS_ENDPOINT_URL_SQS: '' },
      reason: /no AWS_ENDPOINT_URL_SQS/,
    },
    {
      problem: 'an invalid function environment',
      env: { MAX_RECEIVE_COUNT: 'many' },
      reason: /MAX_RECEIVE_COUNT/,
    },
  ])('rejects with the reason when the worker cannot start: $problem', async ({ env, reason }) => {
    // Prepare
    const broken: LocalStack = { ...stack, env: { ...stack.env, ...env } };
    // Act
    const starting = startLocalPipelineInWorker(broken, { timeoutMs: 20_000 });
    // Assess
    await expect(starting).rejects.toMatchObject({
      name: 'UnexpectedError',
      message: expect.stringMatching(reason),
    });
    await expect(starting).rejects.not.toMatchObject({
      message: expect.stringContaining(stack.env['AMBERFLO_API_KEY'] ?? 'no-key'),
    });
  });
});
