import type { Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { createAmberfloHttp } from '../../lib/amberflo/http.ts';
import { loadConfig } from '../../lib/config.ts';
import {
  FAILURE_ATTRIBUTE,
  parseFailureMetadata,
} from '../../lib/dead-letters/failure-metadata.ts';
import { createDependencies } from '../../lib/dependencies.ts';
import { createBatchHandler } from '../../lib/provisioning/handle-batch.ts';
import {
  type AmberfloEmulator,
  startAmberfloEmulator,
} from '../../tools/amberflo-emulator/server.ts';
import { createAmberfloClient } from './amberflo-client.ts';
import { envFactory, lambdaContextFactory, sqsRecordFactory } from './factories.ts';
import { type LocalAws, startLocalAws } from './local-aws.ts';

/** The Amberflo paths the provisioning workflow calls beyond `/customers`. */
export const PRICING = '/payments/pricing/amberflo/customer-pricing';
export const CHANGE_PLAN = `${PRICING}/product-plan-cancellation`;
export const COMMITMENT_LIST = '/payments/pricing/amberflo/customer-commitment/list';
export const COMMITMENT_CREATE =
  '/payments/pricing/amberflo/customer-commitment/arrears_commitment_with_trueup';

/** A valid arrears commitment for a message. */
export const COMMITMENT = {
  label: 'Annual commitment',
  cycles: 12,
  trueup: { minimumPayment: 1000, interval: 'MONTHLY' },
};

export type ProvisioningStack = { readonly aws: LocalAws; readonly amberflo: AmberfloEmulator };

/**
 * For a test file: starts fauxqs, dynalite and the emulator once (handing them to `started`), resets them before each
 * test and stops them after the file. `metricsOff` keeps Powertools' EMF lines out of the output of tests that
 * assert on no metric.
 */
export const useProvisioningStack = (
  apiKey: string,
  started: (stack: ProvisioningStack) => void,
  { metricsOff = false }: { readonly metricsOff?: boolean } = {},
): void => {
  let stack: ProvisioningStack | undefined;
  beforeAll(async () => {
    const aws = await startLocalAws();
    stack = { aws, amberflo: await startAmberfloEmulator({ port: 0, apiKey }) };
    started(stack);
  });
  beforeEach(async () => {
    if (metricsOff) vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    await stack?.aws.reset();
    stack?.amberflo.reset();
  });
  afterEach(() => {
    if (metricsOff) vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await stack?.amberflo.stop();
    await stack?.aws.stop();
  });
};

export type ProvisioningFixtureOptions = {
  readonly apiKey: string;
  readonly maxReceiveCount: number;
  /** Environment every handler gets, before the per-call one. */
  readonly env?: Readonly<Record<string, string>>;
};

/**
 * The real batch handler on fauxqs, dynalite and the emulator, and what tests read back. `context` is called at use,
 * so the fixture can be built before `beforeAll` starts the components.
 */
export const provisioningFixture = (
  context: () => { readonly aws: LocalAws; readonly amberflo: AmberfloEmulator },
  { apiKey, maxReceiveCount, env: baseEnv = {} }: ProvisioningFixtureOptions,
) => {
  const handler = (env: Record<string, string> = {}) => {
    const { aws, amberflo } = context();
    return createBatchHandler(
      createDependencies(
        loadConfig(
          envFactory({
            AMBERFLO_BASE_URL: amberflo.url,
            AMBERFLO_API_KEY: apiKey,
            DEAD_LETTER_QUEUE_URL: aws.deadLetterQueue.queueUrl,
            IDEMPOTENCY_TABLE_NAME: aws.tableName,
            MAX_RECEIVE_COUNT: String(maxReceiveCount),
            ...baseEnv,
            ...env,
          }),
        ),
        { awsClients: { sqs: aws.sqs, dynamodb: aws.dynamodb } },
      ),
      { timeoutEarlyInMillis: 0 },
    );
  };
  const record = (body: unknown, receiveCount = 1, messageId?: string): SQSRecord =>
    sqsRecordFactory(body, {
      eventSourceARN: context().aws.queue.queueArn,
      attributes: { ApproximateReceiveCount: String(receiveCount) },
      ...(messageId ? { messageId } : {}),
    });
  const failureOf = (message: Message | undefined) =>
    parseFailureMetadata(message?.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue);
  const plansOf = (customerId: string) =>
    (context().amberflo.state().relations[customerId] ?? []).map(
      (relation) => relation.productPlanId,
    );
  const client = () =>
    createAmberfloClient(
      createAmberfloHttp({
        baseUrl: context().amberflo.url,
        getApiKey: () => apiKey,
        timeoutMs: 2_000,
      }),
    );
  /**
   * Delivers one message like SQS would, receive after receive (at most `maxReceiveCount`), until it is acknowledged
   * or dead-lettered; `pauseMs` models the visibility timeout between two deliveries. Resolves with the last receive.
   */
  const deliverUntilSettled = async (
    body: unknown,
    { env = {}, pauseMs = 0 }: { env?: Record<string, string>; pauseMs?: number } = {},
  ) => {
    const messageId = `m-${Math.random().toString(16).slice(2)}`;
    for (let receive = 1; receive <= maxReceiveCount; receive++) {
      const response = await handler(env)(
        { Records: [record(body, receive, messageId)] },
        lambdaContextFactory(),
      );
      if (response.batchItemFailures.length === 0) return receive;
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    throw new Error('not settled within MAX_RECEIVE_COUNT receives');
  };
  return { handler, record, failureOf, plansOf, client, deliverUntilSettled };
};
