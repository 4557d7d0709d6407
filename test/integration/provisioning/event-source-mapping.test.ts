import type { Message } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import {
  FAILURE_ATTRIBUTE,
  parseFailureMetadata,
} from '../../../lib/dead-letters/failure-metadata.ts';
import { createDependencies } from '../../../lib/dependencies.ts';
import { createBatchHandler } from '../../../lib/provisioning/handle-batch.ts';
import {
  type AmberfloEmulator,
  startAmberfloEmulator,
} from '../../../tools/amberflo-emulator/server.ts';
import {
  type EventSourceMapping,
  type InvocationOutcome,
  startEventSourceMapping,
} from '../../../tools/local/event-source-mapping.ts';
import { accountCreatedFactory, envFactory } from '../../helpers/factories.ts';
import { type LocalAws, startLocalAws } from '../../helpers/local-aws.ts';

const API_KEY = 'esm-api-key-77c1d0';
const MAX_RECEIVE_COUNT = 2;

/** Polls `check` every 100 ms until it returns a value, for at most `timeoutMs`. */
const waitFor = async <T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
};

describe('the handler behind the local event source mapping', () => {
  let aws: LocalAws;
  let amberflo: AmberfloEmulator;
  let mapping: EventSourceMapping | undefined;
  let invocations: InvocationOutcome[];

  beforeAll(async () => {
    aws = await startLocalAws({ visibilityTimeoutSeconds: 1, redriveMaxReceiveCount: 4 });
    amberflo = await startAmberfloEmulator({ port: 0, apiKey: API_KEY });
  });

  beforeEach(async () => {
    // These tests assert on no metric: metrics off keeps their EMF lines out of the test run's output.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    await aws.reset();
    amberflo.reset();
    invocations = [];
  });

  afterEach(async () => {
    await mapping?.stop();
    mapping = undefined;
    // Only once the mapping has stopped: a late invocation would print metrics again.
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    await amberflo?.stop();
    await aws?.stop();
  });

  const start = (handler?: Parameters<typeof startEventSourceMapping>[0]['handler']) => {
    const deps = createDependencies(
      loadConfig(
        envFactory({
          AMBERFLO_BASE_URL: amberflo.url,
          AMBERFLO_API_KEY: API_KEY,
          DEAD_LETTER_QUEUE_URL: aws.deadLetterQueue.queueUrl,
          IDEMPOTENCY_TABLE_NAME: aws.tableName,
          MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
        }),
      ),
      { awsClients: { sqs: aws.sqs, dynamodb: aws.dynamodb } },
    );
    mapping = startEventSourceMapping({
      sqs: aws.sqs,
      queueUrl: aws.queue.queueUrl,
      queueArn: aws.queue.queueArn,
      handler: handler ?? createBatchHandler(deps, { timeoutEarlyInMillis: 0 }),
      functionTimeoutMs: 10_000,
      waitTimeSeconds: 0,
      onInvoke: (outcome) => invocations.push(outcome),
    });
  };

  const queueDepth = (name: string) => {
    const queue = aws.fauxqs.inspectQueue(name);
    return (queue?.messages.ready.length ?? 0) + (queue?.messages.inflight.length ?? 0);
  };
  const deadLetters = async (count: number): Promise<Message[]> =>
    waitFor(async () =>
      queueDepth(aws.deadLetterQueue.name) >= count
        ? aws.receiveAll(aws.deadLetterQueue)
        : undefined,
    );

  it('deletes what succeeded, dead-letters what is invalid, and leaves the queue empty', async () => {
    // Prepare
    const valid = await aws.send(accountCreatedFactory({ customerId: 'acct-esm-ok' }));
    const invalid = await aws.send('{"customerId": 42}');
    // Act
    start();
    const [deadLetter] = await deadLetters(1);
    await waitFor(async () => (queueDepth(aws.queue.name) === 0 ? true : undefined));
    // Assess
    expect(amberflo.state().customers.map((customer) => customer.customerId)).toEqual([
      'acct-esm-ok',
    ]);
    expect(
      parseFailureMetadata(deadLetter?.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue),
    ).toMatchObject({
      code: 'INVALID_MESSAGE',
      sourceMessageId: invalid,
      receiveCount: 1,
    });
    expect(invocations.flatMap((invocation) => invocation.failedIds)).not.toContain(valid);
  });

  it('retries a retryable failure and dead-letters it on the last receive, with its reason', async () => {
    // Prepare
    amberflo.setFaults({ global: { error503: 1 } });
    const id = await aws.send(accountCreatedFactory({ customerId: 'acct-esm-down' }));
    // Act
    start();
    const [deadLetter] = await deadLetters(1);
    // Assess
    expect(
      parseFailureMetadata(deadLetter?.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue),
    ).toMatchObject({
      code: 'AMBERFLO_UNAVAILABLE',
      step: 'findCustomer',
      httpStatus: 503,
      receiveCount: MAX_RECEIVE_COUNT,
      sourceMessageId: id,
      sourceQueueArn: aws.queue.queueArn,
    });
    expect(invocations.filter((invocation) => invocation.failedIds.includes(id))).toHaveLength(1);
    expect(amberflo.state().customers).toEqual([]);
  });

  it('deletes nothing when the handler throws, so the redrive policy moves the message', async () => {
    // Prepare
    const id = await aws.send(accountCreatedFactory({ customerId: 'acct-esm-crash' }));
    // Act
    start(async () => {
      throw new Error('simulated crash');
    });
    const [moved] = await deadLetters(1);
    // Assess
    expect(moved?.MessageId).toBeDefined();
    expect(moved?.MessageAttributes?.[FAILURE_ATTRIBUTE]).toBeUndefined();
    expect(invocations.length).toBeGreaterThanOrEqual(4);
    expect(invocations.every((invocation) => invocation.failedIds.includes(id))).toBe(true);
  });
});
