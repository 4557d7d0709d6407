import { readFileSync } from 'node:fs';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import {
  FAILURE_ATTRIBUTE,
  parseFailureMetadata,
} from '../../../lib/dead-letters/failure-metadata.ts';
import { createDependencies, type DependencyOverrides } from '../../../lib/dependencies.ts';
import { createBatchHandler } from '../../../lib/provisioning/handle-batch.ts';
import { processRecord } from '../../../lib/provisioning/process-record.ts';
import { EMULATOR_DEFAULT_PLAN_ID } from '../../../tools/amberflo-emulator/options.ts';
import type { AmberfloEmulator } from '../../../tools/amberflo-emulator/server.ts';
import {
  accountCreatedFactory,
  envFactory,
  lambdaContextFactory,
  sqsRecordFactory,
} from '../../helpers/factories.ts';
import type { LocalAws } from '../../helpers/local-aws.ts';
import { useProvisioningStack } from '../../helpers/provisioning-fixture.ts';

const API_KEY = 'integration-api-key-5f1c9a';
const PLAN = 'plan-pro';

describe('provisioning against fauxqs, dynalite and the Amberflo emulator', () => {
  let aws: LocalAws;
  let amberflo: AmberfloEmulator;

  useProvisioningStack(
    API_KEY,
    (stack) => {
      ({ aws, amberflo } = stack);
    },
    { metricsOff: true },
  );

  const buildDeps = (
    env: Record<string, string | undefined> = {},
    overrides: DependencyOverrides = {},
  ) =>
    createDependencies(
      loadConfig(
        envFactory({
          AMBERFLO_BASE_URL: amberflo.url,
          AMBERFLO_API_KEY: API_KEY,
          DEAD_LETTER_QUEUE_URL: aws.deadLetterQueue.queueUrl,
          IDEMPOTENCY_TABLE_NAME: aws.tableName,
          POWERTOOLS_METRICS_NAMESPACE: 'IntegrationTest',
          ...env,
        }),
      ),
      { awsClients: { sqs: aws.sqs, dynamodb: aws.dynamodb }, ...overrides },
    );

  const record = (body: unknown, receiveCount = 1, messageId?: string): SQSRecord =>
    sqsRecordFactory(body, {
      eventSourceARN: aws.queue.queueArn,
      attributes: { ApproximateReceiveCount: String(receiveCount) },
      ...(messageId ? { messageId } : {}),
    });

  const failureOf = (message: Message | undefined) =>
    parseFailureMetadata(message?.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue);

  const customerIds = () => amberflo.state().customers.map((customer) => customer.customerId);
  const relationsOf = (customerId: string) => amberflo.state().relations[customerId] ?? [];
  const plansOf = (customerId: string) =>
    relationsOf(customerId).map((relation) => relation.productPlanId);
  const amberfloCalls = () => amberflo.requestLog().length;

  it('provisions an account: customer created, plan assigned, one idempotency record', async () => {
    // Prepare
    const handler = createBatchHandler(buildDeps(), { timeoutEarlyInMillis: 0 });
    const event = JSON.parse(readFileSync('events/account-created.json', 'utf8')) as SQSEvent;
    // Act
    const response = await handler(event, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(customerIds()).toEqual(['acct-acme-001']);
    // The Default Plan Amberflo gave the new customer, then ours through the change-plan endpoint.
    expect(plansOf('acct-acme-001')).toEqual([EMULATOR_DEFAULT_PLAN_ID, 'plan-pro']);
    expect(relationsOf('acct-acme-001')[1]?.startTimeInSeconds).toBe(1_767_225_600);
    expect(await aws.idempotencyRecords()).toBe(1);
  });

  it.each([
    ['an SNS envelope', 'sns-envelope', 'acct-soylent-007'],
    ['an EventBridge envelope', 'eventbridge-envelope', 'acct-wonka-008'],
    ['a commitment', 'account-created-with-commitment', 'acct-globex-002'],
  ])('provisions a message in %s', async (_what, fixture, customerId) => {
    // Prepare
    const handler = createBatchHandler(buildDeps(), { timeoutEarlyInMillis: 0 });
    const event = JSON.parse(readFileSync(`events/${fixture}.json`, 'utf8')) as SQSEvent;
    // Act
    const response = await handler(event, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(customerIds()).toEqual([customerId]);
  });

  it('returns exactly the failed ids of a mixed batch and dead-letters the invalid ones with their reason', async () => {
    // Prepare
    const handler = createBatchHandler(buildDeps({ BATCH_CONCURRENCY: '1' }), {
      timeoutEarlyInMillis: 0,
    });
    const event = JSON.parse(readFileSync('events/mixed-batch.json', 'utf8')) as SQSEvent;
    // The first valid record (acct-initech-003) meets three 503s: one try plus the workflow's two retries.
    amberflo.failNext('GET /customers', 'error-503', 3);
    // Act
    const response = await handler(event, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: '33333333-3333-4333-8333-000000000001' },
    ]);
    expect(customerIds()).toEqual(['acct-stark-006']);
    const deadLetters = await aws.receiveAll(aws.deadLetterQueue);
    expect(
      deadLetters
        .map((message) => [failureOf(message)?.sourceMessageId.slice(-1), failureOf(message)?.code])
        .sort(),
    ).toEqual([
      ['2', 'INVALID_MESSAGE'],
      ['3', 'INVALID_MESSAGE'],
      ['4', 'INVALID_MESSAGE'],
      ['5', 'UNSUPPORTED_EVENT'],
    ]);
    const original = event.Records.find((item) => item.messageId.endsWith('2'));
    expect(
      deadLetters.find((message) => failureOf(message)?.sourceMessageId === original?.messageId)
        ?.Body,
    ).toBe(original?.body);
  });

  it('never calls Amberflo for invalid messages', async () => {
    // Prepare
    const handler = createBatchHandler(buildDeps(), { timeoutEarlyInMillis: 0 });
    const records = [
      record('{"customerId": "acct-1", "customerName": '),
      record(accountCreatedFactory({ customerId: 'acct/../etc' })),
      record(accountCreatedFactory({ startTime: 1_767_225_600 })),
      record({ Type: 'SubscriptionConfirmation', TopicArn: 'arn', Message: '{}' }),
    ];
    // Act
    const response = await handler({ Records: records }, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(amberflo.requestCounts()).toEqual({});
    expect(amberfloCalls()).toBe(0);
    expect(await aws.receiveAll(aws.deadLetterQueue)).toHaveLength(4);
  });

  it('answers a replayed message with a new messageId from the idempotency store, with zero Amberflo calls', async () => {
    // Prepare
    const handler = createBatchHandler(buildDeps(), { timeoutEarlyInMillis: 0 });
    const body = accountCreatedFactory({ customerId: 'acct-replay' });
    await handler({ Records: [record(body)] }, lambdaContextFactory());
    amberflo.clearRequestLog();
    // Act
    const response = await handler({ Records: [record(body)] }, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(amberfloCalls()).toBe(0);
    expect(plansOf('acct-replay')).toEqual([EMULATOR_DEFAULT_PLAN_ID, PLAN]);
  });

  it('lets the read-before-write workflow absorb a duplicate whose idempotency record is gone', async () => {
    // Prepare
    const handler = createBatchHandler(buildDeps(), { timeoutEarlyInMillis: 0 });
    const body = accountCreatedFactory({ customerId: 'acct-second-line' });
    await handler({ Records: [record(body)] }, lambdaContextFactory());
    await aws.reset();
    amberflo.clearRequestLog();
    // Act
    const response = await handler({ Records: [record(body)] }, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(amberflo.requestCounts()['POST /customers'] ?? 0).toBe(0);
    expect(plansOf('acct-second-line')).toEqual([EMULATOR_DEFAULT_PLAN_ID, PLAN]);
  });

  it('provisions concurrent duplicates once and retries the one that found the run in progress', async () => {
    // Prepare
    const handler = createBatchHandler(buildDeps({ BATCH_CONCURRENCY: '2' }), {
      timeoutEarlyInMillis: 0,
    });
    const body = accountCreatedFactory({ customerId: 'acct-concurrent' });
    amberflo.failNext('GET /customers', 'latency', 1, { latencyMs: 300 });
    const first = record(body, 1, 'dup-1');
    const second = record(body, 1, 'dup-2');
    // Act
    const response = await handler({ Records: [first, second] }, lambdaContextFactory());
    const redelivery = await handler(
      { Records: [record(body, 2, 'dup-2')] },
      lambdaContextFactory(),
    );
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'dup-2' }]);
    expect(redelivery.batchItemFailures).toEqual([]);
    expect(customerIds()).toEqual(['acct-concurrent']);
    expect(amberflo.requestCounts()['POST /customers']).toBe(1);
    expect(plansOf('acct-concurrent')).toEqual([EMULATOR_DEFAULT_PLAN_ID, PLAN]);
  });

  it('dead-letters a conflicting duplicate and leaves the first provisioning alone', async () => {
    // Prepare
    const handler = createBatchHandler(buildDeps(), { timeoutEarlyInMillis: 0 });
    await handler(
      {
        Records: [
          record(accountCreatedFactory({ customerId: 'acct-conflict', productId: 'plan-pro' })),
        ],
      },
      lambdaContextFactory(),
    );
    amberflo.clearRequestLog();
    const conflicting = record(
      accountCreatedFactory({ customerId: 'acct-conflict', productId: 'plan-basic' }),
    );
    // Act
    const response = await handler({ Records: [conflicting] }, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(amberfloCalls()).toBe(0);
    expect(plansOf('acct-conflict')).toEqual([EMULATOR_DEFAULT_PLAN_ID, 'plan-pro']);
    const [deadLetter] = await aws.receiveAll(aws.deadLetterQueue);
    expect(failureOf(deadLetter)).toMatchObject({
      code: 'CONFLICTING_DUPLICATE',
      sourceMessageId: conflicting.messageId,
      workflowId: 'provision-account',
    });
  });

  it('rides out transient faults within the workflow and succeeds', async () => {
    // Prepare
    const handler = createBatchHandler(buildDeps(), { timeoutEarlyInMillis: 0 });
    amberflo.failNext('POST /customers', 'error-503', 1);
    amberflo.failNext('GET /payments/pricing/amberflo/customer-pricing', 'error-429', 1);
    // Act
    const response = await handler(
      { Records: [record(accountCreatedFactory({ customerId: 'acct-flaky' }))] },
      lambdaContextFactory(),
    );
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(customerIds()).toEqual(['acct-flaky']);
    expect(plansOf('acct-flaky')).toEqual([EMULATOR_DEFAULT_PLAN_ID, PLAN]);
  });

  it('retries a failure that outlasts the workflow, then succeeds on redelivery', async () => {
    // Prepare
    const handler = createBatchHandler(buildDeps(), { timeoutEarlyInMillis: 0 });
    const body = accountCreatedFactory({ customerId: 'acct-later' });
    amberflo.failNext('GET /customers', 'error-500', 3);
    // Act
    const first = await handler({ Records: [record(body, 1, 'later-1')] }, lambdaContextFactory());
    const second = await handler({ Records: [record(body, 2, 'later-1')] }, lambdaContextFactory());
    // Assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'later-1' }]);
    expect(second.batchItemFailures).toEqual([]);
    expect(customerIds()).toEqual(['acct-later']);
  });

  it('dead-letters a retryable failure on the last receive with its metadata and without the API key', async () => {
    // Prepare
    const handler = createBatchHandler(buildDeps({ MAX_RECEIVE_COUNT: '3' }), {
      timeoutEarlyInMillis: 0,
    });
    amberflo.setSwitches({ echoApiKeyInErrors: true });
    amberflo.failNext('GET /customers', 'error-503', 3);
    const last = record(accountCreatedFactory({ customerId: 'acct-exhausted' }), 3);
    // Act
    const response = await handler({ Records: [last] }, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [deadLetter] = await aws.receiveAll(aws.deadLetterQueue);
    expect(deadLetter?.Body).toBe(last.body);
    expect(failureOf(deadLetter)).toMatchObject({
      code: 'AMBERFLO_UNAVAILABLE',
      step: 'findCustomer',
      httpStatus: 503,
      receiveCount: 3,
      sourceMessageId: last.messageId,
      sourceQueueArn: aws.queue.queueArn,
      workflowId: 'provision-account',
    });
    expect(JSON.stringify(deadLetter)).not.toContain(API_KEY);
  });

  it('makes no duplicate write when a run is killed between steps and redelivered', async () => {
    // Prepare
    const controller = new AbortController();
    const abortAfterCreate: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const request = input instanceof Request ? input : undefined;
      const method = request?.method ?? init?.method ?? 'GET';
      const url = request?.url ?? String(input);
      if (method === 'POST' && new URL(url).pathname === '/customers') controller.abort();
      return response;
    };
    const killed = buildDeps({}, { fetch: abortAfterCreate });
    const body = accountCreatedFactory({ customerId: 'acct-killed' });
    const interrupted = processRecord(record(body), killed, {
      signal: controller.signal,
      deadline: Date.now() + 30_000,
    });
    await expect(interrupted).rejects.toMatchObject({ code: 'AMBERFLO_UNAVAILABLE' });
    // Act
    const response = await createBatchHandler(buildDeps(), { timeoutEarlyInMillis: 0 })(
      { Records: [record(body, 2)] },
      lambdaContextFactory(),
    );
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(amberflo.requestCounts()['POST /customers']).toBe(1);
    expect(customerIds()).toEqual(['acct-killed']);
    expect(plansOf('acct-killed')).toEqual([EMULATOR_DEFAULT_PLAN_ID, PLAN]);
  });

  it('reports the record failed, and keeps it, when the dead-letter send fails', async () => {
    // Prepare
    const handler = createBatchHandler(
      buildDeps({ DEAD_LETTER_QUEUE_URL: `${aws.queue.queueUrl}-missing` }),
      { timeoutEarlyInMillis: 0 },
    );
    const invalid = record('not json', 1, 'lost-1');
    // Act
    const response = await handler({ Records: [invalid] }, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'lost-1' }]);
    expect(await aws.receiveAll(aws.deadLetterQueue)).toEqual([]);
  });
});
