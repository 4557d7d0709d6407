/**
 * A local stand-in for Lambda's SQS event source mapping with ReportBatchItemFailures (toolchain.md §5), on
 * sqs-consumer: poll, call the handler with Lambda-shaped records, delete exactly the records that are not in
 * `batchItemFailures`, and delete nothing when the handler throws. Failed records become visible again after the
 * queue's visibility timeout, and the queue's redrive policy moves them to the DLQ, as in AWS.
 */
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Consumer } from 'sqs-consumer';
import { createLambdaContext } from './lambda-context.ts';
import { toSqsRecord } from './sqs-record.ts';

/** The Lambda handler the loop invokes. */
export type BatchHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse | undefined>;

/** The queue to poll and the handler to call. */
export type EventSourceMappingOptions = {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: BatchHandler;
  readonly batchSize?: number;
  /** Function timeout, ms: each invocation gets a context counting down from it. */
  readonly functionTimeoutMs?: number;
  readonly region?: string;
  /** Long-poll wait, seconds; keep it well below the queue's visibility timeout. */
  readonly waitTimeSeconds?: number;
  /** Called with every invocation's outcome, for logs and tests. */
  readonly onInvoke?: (outcome: InvocationOutcome) => void;
};

/** One invocation: the records it was given and those it reported failed (all of them if it threw). */
export type InvocationOutcome = {
  readonly messageIds: readonly string[];
  readonly failedIds: readonly string[];
  readonly error?: unknown;
};

/** A running loop. */
export type EventSourceMapping = {
  /**
   * Stops polling: aborts a pending long poll, lets a batch being handled finish (bounded by the function timeout),
   * and resolves once the loop sends no more requests. Errors caused by the stop itself are not logged.
   */
  readonly stop: () => Promise<void>;
};

export { toSqsRecord } from './sqs-record.ts';

/** The options with their defaults applied. */
type Settings = Required<Omit<EventSourceMappingOptions, 'onInvoke'>> &
  Pick<EventSourceMappingOptions, 'onInvoke'>;

/** What the loop's events and its stop share. */
type LoopState = {
  inFlight: Promise<unknown>;
  stopping: boolean;
  // From the first record of a batch until its deletes are done: while true, a stop must not abort.
  batchInProgress: boolean;
};

/**
 * Invokes the handler with one batch and resolves with the messages to delete: those it did not report failed. A
 * thrown handler must leave the whole batch in the queue, as Lambda does, so the error goes on to sqs-consumer.
 */
const invokeBatch = async (
  messages: Message[],
  settings: Settings,
  state: LoopState,
): Promise<Message[]> => {
  const { handler, queueArn, region, functionTimeoutMs, onInvoke } = settings;
  const records = messages.map((message) => toSqsRecord(message, queueArn, region));
  const invocation = handler(
    { Records: records },
    createLambdaContext({ remainingMs: functionTimeoutMs }),
  );
  state.inFlight = invocation.catch(() => undefined);
  const messageIds = records.map((record) => record.messageId);
  let response: SQSBatchResponse | undefined;
  try {
    response = await invocation;
  } catch (error) {
    onInvoke?.({ messageIds, failedIds: messageIds, error });
    throw error;
  }
  const failed = new Set((response?.batchItemFailures ?? []).map((item) => item.itemIdentifier));
  onInvoke?.({ messageIds, failedIds: [...failed] });
  return messages.filter((message) => !failed.has(message.MessageId ?? ''));
};

/** Tracks whether a batch is being handled, and logs what goes wrong, but not what the stop itself causes. */
const watchConsumer = (consumer: Consumer, state: LoopState): void => {
  consumer.on('message_received', () => {
    state.batchInProgress = true;
  });
  consumer.on('response_processed', () => {
    state.batchInProgress = false;
  });
  // sqs-consumer reports a thrown batch handler here too; either way the batch stays in the queue.
  consumer.on('error', (error, messages) => {
    // A receive that fails once we stop (aborted long poll, emulator already gone) is our own doing, not news.
    if (state.stopping && messages === undefined) return;
    console.error('[event-source-mapping]', error.message);
  });
  consumer.on('processing_error', (error) =>
    console.error('[event-source-mapping] handler failed; batch left in the queue:', error.message),
  );
};

const stopConsumer = async (
  consumer: Consumer,
  state: LoopState,
  functionTimeoutMs: number,
): Promise<void> => {
  state.stopping = true;
  // Abort only the long poll: a batch being handled finishes and deletes what succeeded, as Lambda lets an
  // invocation run to its end; aborting it would also abort its DeleteMessageBatch.
  consumer.stop(state.batchInProgress ? {} : { abort: true });
  // Bounded: an invocation never outlives its own timeout; then the loop makes no further request.
  const endsAt = Date.now() + functionTimeoutMs;
  await Promise.race([
    state.inFlight,
    new Promise((resolve) => setTimeout(resolve, functionTimeoutMs).unref()),
  ]);
  while (consumer.status.isPolling && Date.now() < endsAt) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** Starts polling `queueUrl` and invoking `handler` with batches, until `stop()` is called. */
export const startEventSourceMapping = (options: EventSourceMappingOptions): EventSourceMapping => {
  const {
    batchSize = 10,
    functionTimeoutMs = 30_000,
    region = 'us-east-1',
    waitTimeSeconds = 1,
  } = options;
  const settings: Settings = { ...options, batchSize, functionTimeoutMs, region, waitTimeSeconds };
  const state: LoopState = { inFlight: Promise.resolve(), stopping: false, batchInProgress: false };
  const consumer = Consumer.create({
    queueUrl: settings.queueUrl,
    sqs: settings.sqs,
    batchSize,
    waitTimeSeconds,
    pollingWaitTimeMs: 0,
    messageSystemAttributeNames: ['All'],
    messageAttributeNames: ['All'],
    handleMessageBatch: (messages: Message[]) => invokeBatch(messages, settings, state),
  });
  watchConsumer(consumer, state);
  consumer.start();
  let stopped: Promise<void> | undefined;
  return {
    stop: () => {
      stopped ??= stopConsumer(consumer, state, functionTimeoutMs);
      return stopped;
    },
  };
};
