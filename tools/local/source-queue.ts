/** Feeding the local stack's source queue and watching it drain. */
import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import type { LocalStack } from './stack.ts';

export type OutgoingMessage = {
  readonly body: string;
  readonly attributes?: SendMessageBatchRequestEntry['MessageAttributes'];
};

/**
 * Sends messages to the stack's source queue, ten per call, and returns their SQS message ids in order.
 * Throws when SQS refuses any entry.
 */
export const sendToSourceQueue = async (
  stack: LocalStack,
  messages: readonly OutgoingMessage[],
): Promise<string[]> => {
  const ids: string[] = [];
  for (let offset = 0; offset < messages.length; offset += 10) {
    const entries = messages.slice(offset, offset + 10).map((message, index) => ({
      Id: String(index),
      MessageBody: message.body,
      ...(message.attributes ? { MessageAttributes: message.attributes } : {}),
    }));
    const result = await stack.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: stack.sourceQueue.url, Entries: entries }),
    );
    if (result.Failed?.length) {
      throw new TypeError(
        `SQS refused ${result.Failed.length} messages: ${result.Failed[0]?.Message}`,
      );
    }
    const byEntry = new Map(
      (result.Successful ?? []).map((entry) => [entry.Id, entry.MessageId ?? '']),
    );
    ids.push(...entries.map((entry) => byEntry.get(entry.Id) ?? ''));
  }
  return ids;
};

export type QueueDepth = {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
};

/** Approximate counts of a queue, as SQS reports them. */
export const queueDepth = async (stack: LocalStack, queueUrl: string): Promise<QueueDepth> => {
  const { Attributes = {} } = await stack.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
};

/**
 * Waits until the source queue holds nothing visible, in flight or delayed (checked twice in a row, `intervalMs`
 * apart, default 250), or the time limit passes. Resolves true when drained. Bounded by `timeoutMs`.
 */
export const waitForDrain = async (
  stack: LocalStack,
  {
    timeoutMs,
    onTick,
    intervalMs = 250,
  }: { timeoutMs: number; onTick?: (depth: QueueDepth) => void; intervalMs?: number },
): Promise<boolean> => {
  const endsAt = Date.now() + timeoutMs;
  let emptyInARow = 0;
  while (Date.now() < endsAt) {
    const depth = await queueDepth(stack, stack.sourceQueue.url);
    onTick?.(depth);
    emptyInARow = depth.visible + depth.inFlight + depth.delayed === 0 ? emptyInARow + 1 : 0;
    if (emptyInARow >= 2) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
};
