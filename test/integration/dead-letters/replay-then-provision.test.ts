import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_DEADLINE_MARGIN_MS } from '../../../lib/config.ts';
import { replayDeadLetters } from '../../../tools/dlq/replay.ts';
import {
  type LocalPipeline,
  readDeadLetters,
  sendToSourceQueue,
  startLocalPipeline,
  waitForDrain,
} from '../../../tools/local/pipeline.ts';
import { type LocalStack, startLocalStack } from '../../../tools/local/stack.ts';

const accounts = ['acct-replay-1', 'acct-replay-2', 'acct-replay-3'].map((customerId) => ({
  customerId,
  customerName: `Replay ${customerId}`,
  productId: 'plan-pro',
}));

describe('replay after an Amberflo outage', () => {
  let stack: LocalStack;
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    stack = await startLocalStack({
      visibilityTimeoutSeconds: 4,
      // One receive is the last one: a retryable failure is dead-lettered at once.
      // Unpaced: the short function timeout leaves no room for the deployed request budget.
      env: {
        MAX_RECEIVE_COUNT: '1',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        DEADLINE_MARGIN_MS: String(MIN_DEADLINE_MARGIN_MS),
        AMBERFLO_MAX_REQUESTS_PER_SECOND: '10000',
      },
      emulator: { defaultPlanId: 'default-plan', faults: { global: { error503: 1 } } },
    });
    // The outage opens the circuit breaker; its cool-down is scaled down with the other timings.
    pipeline = startLocalPipeline(stack, {
      concurrency: 1,
      functionTimeoutMs: 1_500 + MIN_DEADLINE_MARGIN_MS,
      overrides: { circuit: { coolDownMs: 200 } },
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await stack?.stop();
  });

  it('sends back exactly the matched dead letters, and the handler then provisions them', async () => {
    // Prepare
    await sendToSourceQueue(stack, [
      ...accounts.map((account) => ({ body: JSON.stringify(account) })),
      { body: 'not json at all' },
    ]);
    await waitForDrain(stack, { timeoutMs: 30_000 });
    const before = await readDeadLetters(stack);
    stack.emulator?.setFaults({});
    // Act
    const summary = await replayDeadLetters({
      sqs: stack.sqs,
      queueUrl: stack.deadLetterQueue.url,
      sourceQueueUrl: stack.sourceQueue.url,
      filter: { codes: ['AMBERFLO_UNAVAILABLE'] },
      visibilityTimeoutSeconds: 5,
    });
    await waitForDrain(stack, { timeoutMs: 30_000 });
    // Assess
    expect(before.map((letter) => letter.code).sort()).toEqual([
      'AMBERFLO_UNAVAILABLE',
      'AMBERFLO_UNAVAILABLE',
      'AMBERFLO_UNAVAILABLE',
      'INVALID_MESSAGE',
    ]);
    expect(summary).toMatchObject({ matched: 3, sent: 3, deleted: 3, failed: 0 });
    const state = stack.emulator?.state();
    for (const { customerId } of accounts) {
      expect(state?.relations[customerId]?.map((relation) => relation.productPlanId)).toEqual([
        'default-plan',
        'plan-pro',
      ]);
    }
    const after = await readDeadLetters(stack);
    expect(after.map((letter) => letter.code)).toEqual(['INVALID_MESSAGE']);
  }, 90_000);
});
