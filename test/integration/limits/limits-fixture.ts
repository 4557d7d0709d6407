/**
 * The real handler on fauxqs, dynalite and the Amberflo emulator, one dependency graph per poller: each poller is
 * one Lambda container, with its own request budget and circuit breaker, as deployed.
 */
import type { Message } from '@aws-sdk/client-sqs';
import { loadConfig } from '../../../lib/config.ts';
import {
  FAILURE_ATTRIBUTE,
  parseFailureMetadata,
} from '../../../lib/dead-letters/failure-metadata.ts';
import { createDependencies, type DependencyOverrides } from '../../../lib/dependencies.ts';
import { createBatchHandler } from '../../../lib/provisioning/handle-batch.ts';
import {
  type AmberfloEmulator,
  type RequestLogEntry,
  startAmberfloEmulator,
} from '../../../tools/amberflo-emulator/server.ts';
import {
  type EventSourceMapping,
  startEventSourceMapping,
} from '../../../tools/local/event-source-mapping.ts';
import { CountingMetrics } from '../../../tools/local/pipeline.ts';
import { envFactory } from '../../helpers/factories.ts';
import type { LocalAws } from '../../helpers/local-aws.ts';

export const API_KEY = 'limits-api-key-5f0c1e';

export type Containers = {
  readonly metrics: CountingMetrics[];
  readonly stop: () => Promise<void>;
};

/** Starts `count` pollers, each with its own dependency graph (its own budget and breaker). */
export const startContainers = (
  aws: LocalAws,
  amberflo: AmberfloEmulator,
  {
    count,
    env,
    overrides = {},
  }: {
    count: number;
    env: Record<string, string>;
    overrides?: DependencyOverrides;
  },
): Containers => {
  const metrics: CountingMetrics[] = [];
  const mappings: EventSourceMapping[] = [];
  for (let index = 0; index < count; index++) {
    const counting = new CountingMetrics({ namespace: 'LimitsTest', serviceName: 'test' });
    metrics.push(counting);
    const deps = createDependencies(
      loadConfig(
        envFactory({
          AMBERFLO_BASE_URL: amberflo.url,
          AMBERFLO_API_KEY: API_KEY,
          DEAD_LETTER_QUEUE_URL: aws.deadLetterQueue.queueUrl,
          IDEMPOTENCY_TABLE_NAME: aws.tableName,
          ...env,
        }),
      ),
      { awsClients: { sqs: aws.sqs, dynamodb: aws.dynamodb }, metrics: counting, ...overrides },
    );
    mappings.push(
      startEventSourceMapping({
        sqs: aws.sqs,
        queueUrl: aws.queue.queueUrl,
        queueArn: aws.queue.queueArn,
        handler: async (event, context) =>
          (await createBatchHandler(deps, { timeoutEarlyInMillis: 0 })(event, context)) ?? {
            batchItemFailures: [],
          },
        functionTimeoutMs: 10_000,
        waitTimeSeconds: 0,
      }),
    );
  }
  return {
    metrics,
    stop: async () => {
      await Promise.all(mappings.map((mapping) => mapping.stop()));
    },
  };
};

export const startEmulator = (options: Parameters<typeof startAmberfloEmulator>[0] = {}) =>
  startAmberfloEmulator({ port: 0, apiKey: API_KEY, requestLogLimit: 100_000, ...options });

/** Polls `check` every 100 ms until it returns a value, for at most `timeoutMs`. */
export const waitFor = async <T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
};

/** Messages in a queue, visible or in flight. */
export const depthOf = (aws: LocalAws, name: string): number => {
  const queue = aws.fauxqs.inspectQueue(name);
  return (
    (queue?.messages.ready.length ?? 0) +
    (queue?.messages.inflight.length ?? 0) +
    (queue?.messages.delayed.length ?? 0)
  );
};

/** The failure metadata of dead letters. */
export const metadataOf = (letters: readonly Message[]) =>
  letters.map((letter) =>
    parseFailureMetadata(letter.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue),
  );

/** The customer a request was about (query for reads, body for writes). */
export const customerOf = (entry: RequestLogEntry): string => {
  const body = entry.body as { customerId?: unknown } | undefined;
  return String(entry.query['customerId'] ?? entry.query['CustomerId'] ?? body?.customerId ?? '');
};

/** The most requests any window of `windowMs` (half-open) contains. */
export const busiestWindow = (times: readonly number[], windowMs = 1_000): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
};
