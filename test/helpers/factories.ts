import type { Context, SQSRecord } from 'aws-lambda';
import { MIN_DEADLINE_MARGIN_MS } from '../../lib/config.ts';
import type { AccountCreatedMessage } from '../../lib/messages/account-created-message.ts';
import { EMULATOR_DEFAULT_PLAN_ID } from '../../tools/amberflo-emulator/options.ts';

let sequence = 0;
const nextId = (prefix: string) => {
  sequence += 1;
  return `${prefix}-${sequence.toString().padStart(6, '0')}`;
};

/** A valid account-created message body; fields can be overridden or removed (set to undefined). */
export const accountCreatedFactory = (
  overrides: Partial<Record<keyof AccountCreatedMessage, unknown>> = {},
): Record<string, unknown> => {
  const message: Record<string, unknown> = {
    customerId: nextId('acct'),
    customerName: 'Acme Corporation',
    customerEmail: 'billing@acme.example',
    productId: 'plan-pro',
    startTime: 1_767_225_600_000,
    ...overrides,
  };
  for (const key of Object.keys(message)) if (message[key] === undefined) delete message[key];
  return message;
};

/** An SQS record in Lambda's shape, around a body (objects are JSON-encoded). */
export const sqsRecordFactory = (
  body: unknown,
  overrides: Partial<Omit<SQSRecord, 'attributes'>> & {
    attributes?: Partial<SQSRecord['attributes']>;
  } = {},
): SQSRecord => {
  const { attributes, ...rest } = overrides;
  return {
    messageId: nextId('msg'),
    receiptHandle: nextId('receipt'),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1767225600000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1767225600001',
      ...attributes,
    },
    messageAttributes: {},
    md5OfBody: '0'.repeat(32),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:account-created',
    awsRegion: 'us-east-1',
    ...rest,
  };
};

/** A Lambda context whose clock starts now and runs out after `remainingMs`. */
export const lambdaContextFactory = ({
  remainingMs = 30_000,
}: {
  remainingMs?: number;
} = {}): Context => {
  const endsAt = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'billing-provisioning-test-accountCreated',
    functionVersion: '$LATEST',
    invokedFunctionArn:
      'arn:aws:lambda:us-east-1:000000000000:function:billing-provisioning-test-accountCreated',
    memoryLimitInMB: '1024',
    awsRequestId: nextId('request'),
    logGroupName: '/aws/lambda/billing-provisioning-test-accountCreated',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
};

/** The environment a test function runs with; override or remove (undefined) variables as needed. */
export const envFactory = (
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> => ({
  AMBERFLO_BASE_URL: 'http://127.0.0.1:9',
  AMBERFLO_API_KEY: 'test-api-key-0123456789',
  DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/000000000000/account-created-dlq',
  IDEMPOTENCY_TABLE_NAME: 'idempotency',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  DEADLINE_MARGIN_MS: String(MIN_DEADLINE_MARGIN_MS),
  // Limits off by default, so that a test about something else runs at loopback speed and sees the queue's own
  // visibility timeout; the limits' own tests turn them on.
  AMBERFLO_MAX_REQUESTS_PER_SECOND: '10000',
  AMBERFLO_CONCURRENT_INVOCATIONS: '1',
  RETRY_BACKOFF_BASE_SECONDS: '0',
  // The emulator's Default Plan, which every new customer gets first (docs/amberflo-api.md §3).
  REPLACEABLE_PLAN_IDS: EMULATOR_DEFAULT_PLAN_ID,
  ...overrides,
});
