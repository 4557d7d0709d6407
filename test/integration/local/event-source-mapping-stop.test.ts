import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type InvocationOutcome,
  startEventSourceMapping,
} from '../../../tools/local/event-source-mapping.ts';
import { queueDepth, sendToSourceQueue } from '../../../tools/local/pipeline.ts';
import { type LocalStack, startLocalStack } from '../../../tools/local/stack.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startEventSourceMapping: stop()', () => {
  let stack: LocalStack | undefined;

  beforeEach(async () => {
    stack = await startLocalStack({ visibilityTimeoutSeconds: 30 });
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    vi.restoreAllMocks();
  });

  const startMapping = (
    running: Pick<LocalStack, 'sqs' | 'sourceQueue'>,
    handler: () => Promise<SQSBatchResponse>,
    onInvoke?: (outcome: InvocationOutcome) => void,
  ) =>
    startEventSourceMapping({
      sqs: running.sqs,
      queueUrl: running.sourceQueue.url,
      queueArn: running.sourceQueue.arn,
      handler,
      functionTimeoutMs: 5_000,
      waitTimeSeconds: 5,
      ...(onInvoke ? { onInvoke } : {}),
    });

  it('aborts the pending long poll and resolves with no request left in flight', async () => {
    // Prepare
    const running = stack as LocalStack;
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: running.fauxqs.address,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let requestsInFlight = 0;
    const endings: string[] = [];
    sqs.middlewareStack.add(
      (next) => async (args) => {
        requestsInFlight += 1;
        try {
          const output = await next(args);
          endings.push('answered');
          return output;
        } catch (error) {
          endings.push((error as Error).name);
          throw error;
        } finally {
          requestsInFlight -= 1;
        }
      },
      { step: 'initialize' },
    );
    const mapping = startMapping({ ...running, sqs }, async () => ({ batchItemFailures: [] }));
    await pause(300);
    const pollingBeforeStop = requestsInFlight;
    const endedBeforeStop = endings.length;
    // Act
    await mapping.stop();
    const requestsInFlightAfterStop = requestsInFlight;
    sqs.destroy();
    // Assess: the 5 s long poll pending at stop() was aborted, not waited out.
    expect(pollingBeforeStop).toBe(1);
    expect(requestsInFlightAfterStop).toBe(0);
    expect(endings.slice(endedBeforeStop)).toEqual(['AbortError']);
  });

  it('logs nothing about the stop, nor about the stack going away after it', async () => {
    // Prepare
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const running = stack as LocalStack;
    const mapping = startMapping(running, async () => ({ batchItemFailures: [] }));
    await pause(300);
    // Act
    await mapping.stop();
    await running.stop();
    stack = undefined;
    await pause(1_500);
    // Assess
    expect(errors).not.toHaveBeenCalled();
  });

  it('lets a batch being handled finish and deletes it before resolving', async () => {
    // Prepare
    const running = stack as LocalStack;
    const outcomes: InvocationOutcome[] = [];
    let entered: () => void = () => {};
    const handlerEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const mapping = startMapping(
      running,
      async () => {
        entered();
        await pause(300);
        return { batchItemFailures: [] };
      },
      (outcome) => outcomes.push(outcome),
    );
    const [sentId] = await sendToSourceQueue(running, [
      { body: '{"customerId":"stop-mid-batch"}' },
    ]);
    await handlerEntered;
    // Act
    await mapping.stop();
    const depth = await queueDepth(running, running.sourceQueue.url);
    // Assess
    expect(outcomes).toEqual([{ messageIds: [sentId], failedIds: [] }]);
    expect(depth).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});
