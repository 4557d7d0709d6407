import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { loadConfig } from '../../lib/config.ts';
import {
  FAILURE_ATTRIBUTE,
  parseFailureMetadata,
} from '../../lib/dead-letters/failure-metadata.ts';
import { createDependencies, type DependencyOverrides } from '../../lib/dependencies.ts';
import { ConfigError } from '../../lib/errors.ts';
import { createBatchHandler } from '../../lib/provisioning/handle-batch.ts';
import { METRICS } from '../../lib/provisioning/process-record.ts';
import {
  type EventSourceMapping,
  type InvocationOutcome,
  startEventSourceMapping,
} from './event-source-mapping.ts';
import { readDeclaredResources } from './serverless-resources.ts';
import type { LocalStack } from './stack.ts';

/**
 * The local pipeline: the real batch handler (the same composition as handlers/provision-account.ts, with the
 * stack's SDK clients) behind one or more local event-source-mapping pollers, plus helpers to feed the queue, wait
 * for it to drain and count what happened. Shared by `npm start`, the chaos suite and the benchmarks.
 */

/**
 * Counts the handler's own metrics (per name, and dead letters per code) instead of emitting them: the local run
 * prints a summary, not EMF lines.
 */
export class CountingMetrics extends Metrics {
  readonly counts = new Map<string, number>();

  record(name: string, dimensions: Readonly<Record<string, string>> = {}): void {
    const key = dimensions['code'] ? `${name}:${dimensions['code']}` : name;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  override addMetric(...args: Parameters<Metrics['addMetric']>): this {
    this.record(args[0]);
    return super.addMetric(...args);
  }

  override singleMetric(): Metrics {
    return new SingleCountingMetric(this);
  }

  override publishStoredMetrics(): this {
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }

  count(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** Dead letters per error code, as the handler reported them. */
  deadLetteredByCode(): Record<string, number> {
    const prefix = `${METRICS.deadLettered}:`;
    return Object.fromEntries(
      [...this.counts]
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, value]) => [key.slice(prefix.length), value]),
    );
  }
}

/** What `singleMetric()` hands out: records into its parent with the dimensions set so far. */
class SingleCountingMetric extends Metrics {
  readonly #parent: CountingMetrics;
  readonly #dimensions: Record<string, string> = {};

  constructor(parent: CountingMetrics) {
    super({ namespace: 'BillingProvisioningLocal', singleMetric: true });
    this.#parent = parent;
  }

  override addDimension(name: string, value: string): this {
    this.#dimensions[name] = value;
    return super.addDimension(name, value);
  }

  override addMetric(...args: Parameters<Metrics['addMetric']>): this {
    this.#parent.record(args[0], this.#dimensions);
    return super.addMetric(...args);
  }

  override publishStoredMetrics(): this {
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}

export type LocalPipelineOptions = {
  /** Concurrent pollers, as Lambda's `maximumConcurrency` (default 2). */
  readonly concurrency?: number;
  /** Local function timeout (ms) for each invocation's context. */
  readonly functionTimeoutMs?: number;
  /** Extra overrides for the composition (e.g. a fetch that crashes mid-run, a failing dead-letter queue). */
  readonly overrides?: DependencyOverrides;
  /** Called after every invocation with the ids it received and the ids it reported failed. */
  readonly onInvoke?: (outcome: InvocationOutcome) => void;
};

export type LocalPipeline = {
  readonly metrics: CountingMetrics;
  readonly invocations: () => number;
  readonly stop: () => Promise<void>;
};

/**
 * What the pipeline needs of a stack: its environment, clients, source queue and declared settings. A whole
 * `LocalStack` fits; so does a worker thread's own view of one (`pipeline-worker.ts`).
 */
export type PipelineStack = Pick<
  LocalStack,
  'env' | 'sqs' | 'dynamo' | 'sourceQueue' | 'resources'
>;

/** Starts the handler behind `concurrency` local pollers of the stack's source queue. */
export const startLocalPipeline = (
  stack: PipelineStack,
  options: LocalPipelineOptions = {},
): LocalPipeline => {
  const config = loadConfig(stack.env);
  const metrics = new CountingMetrics({
    namespace: 'BillingProvisioningLocal',
    serviceName: 'local',
  });
  let invocations = 0;
  // One dependency graph per poller: each poller is one Lambda container, with its own share of the request budget
  // and its own circuit breaker (AMBERFLO_CONCURRENT_INVOCATIONS says how many share the budget).
  const createHandler = () =>
    createBatchHandler(
      createDependencies(config, {
        awsClients: { sqs: stack.sqs, dynamodb: stack.dynamo },
        metrics,
        ...options.overrides,
      }),
      { timeoutEarlyInMillis: 0 },
    );
  const mappings: EventSourceMapping[] = Array.from({ length: options.concurrency ?? 2 }, () => {
    const handler = createHandler();
    return startEventSourceMapping({
      sqs: stack.sqs,
      queueUrl: stack.sourceQueue.url,
      queueArn: stack.sourceQueue.arn,
      handler: async (event, context) =>
        (await handler(event, context)) ?? { batchItemFailures: [] },
      batchSize: stack.resources.batchSize,
      functionTimeoutMs: options.functionTimeoutMs ?? stack.resources.functionTimeoutSeconds * 1000,
      waitTimeSeconds: 1,
      onInvoke: (outcome) => {
        invocations += 1;
        options.onInvoke?.(outcome);
      },
    });
  });
  return {
    metrics,
    invocations: () => invocations,
    stop: async () => {
      await Promise.all(mappings.map((mapping) => mapping.stop()));
    },
  };
};

/** How serverless.yml scales the consumer for one stage. */
export type DeployedScaling = {
  readonly stage: string;
  /** The SQS event's `maximumConcurrency`: concurrent invocations, so the number of local pollers. */
  readonly maximumConcurrency: number;
  /** `BATCH_CONCURRENCY`: records one invocation handles at once. */
  readonly batchConcurrency: number;
  readonly batchSize: number;
};

const positiveInteger = (value: unknown, what: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new ConfigError(
      `serverless.yml: ${what} must be a positive integer, got ${String(value)}`,
    );
  }
  return number;
};

/**
 * Reads the consumer's scaling as serverless.yml deploys it to `stage`: `maximumConcurrency` (a `${param:…}` is
 * looked up in the stage's params, then `default`, as osls does), `batchSize` and `BATCH_CONCURRENCY`, so local
 * runs and benchmarks use the deployed figures instead of copies. Throws ConfigError when one is missing.
 */
export const readDeployedScaling = async (
  path = 'serverless.yml',
  stage = 'dev',
): Promise<DeployedScaling> => {
  const declared = await readDeclaredResources(path, stage);
  return {
    stage,
    maximumConcurrency: positiveInteger(
      declared.maximumConcurrency,
      'the SQS event maximumConcurrency',
    ),
    batchConcurrency: positiveInteger(
      declared.environment['BATCH_CONCURRENCY'],
      'BATCH_CONCURRENCY',
    ),
    batchSize: positiveInteger(declared.batchSize, 'the SQS event batchSize'),
  };
};

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

export type DeadLetter = {
  readonly messageId: string;
  /** The source queue's message id: from the failure metadata, else (moved by SQS) the message's own id. */
  readonly sourceMessageId: string;
  readonly receiveCount: number | undefined;
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: string;
  /** `UNKNOWN` when the message carries no failure metadata (moved by the queue's own redrive). */
  readonly code: string;
  readonly message: string;
};

/**
 * Reads every message in the DLQ without deleting it, then gives them all back (visibility 0).
 * Meant for the end of a local run or a test; bounded by `max` and by two empty receives in a row.
 */
export const readDeadLetters = async (stack: LocalStack, max = 10_000): Promise<DeadLetter[]> => {
  const letters = new Map<string, DeadLetter>();
  const handles: string[] = [];
  let emptyInARow = 0;
  while (letters.size < max && emptyInARow < 2) {
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.deadLetterQueue.url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    emptyInARow = Messages.length === 0 ? emptyInARow + 1 : 0;
    for (const message of Messages) {
      if (message.ReceiptHandle) handles.push(message.ReceiptHandle);
      const metadata = parseFailureMetadata(
        message.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue,
      );
      letters.set(message.MessageId ?? '', {
        messageId: message.MessageId ?? '',
        sourceMessageId: metadata?.sourceMessageId ?? message.MessageId ?? '',
        receiveCount: metadata?.receiveCount,
        attributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            value.StringValue ?? '',
          ]),
        ),
        body: message.Body ?? '',
        code: metadata?.code ?? 'UNKNOWN',
        message: metadata?.message ?? 'moved by SQS, reason unknown',
      });
    }
  }
  for (let offset = 0; offset < handles.length; offset += 10) {
    await stack.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: stack.deadLetterQueue.url,
        Entries: handles.slice(offset, offset + 10).map((handle, index) => ({
          Id: String(index),
          ReceiptHandle: handle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  return [...letters.values()];
};
