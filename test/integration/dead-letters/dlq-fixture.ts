import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import {
  FAILURE_ATTRIBUTE,
  type FailureMetadata,
} from '../../../lib/dead-letters/failure-metadata.ts';
import { createSqsClient } from '../../../tools/dlq/sqs-client.ts';

export type DlqFixture = {
  readonly fauxqs: FauxqsServer;
  readonly sqs: SQSClient;
  readonly dlqUrl: string;
  readonly sourceUrl: string;
  readonly dlqName: string;
  readonly sourceName: string;
  stop(): Promise<void>;
};

/** fauxqs in-process with a source queue and its DLQ, both addressed on fauxqs's own host (toolchain.md §2). */
export const startDlqFixture = async (prefix = 'account-created'): Promise<DlqFixture> => {
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const dlqName = `${prefix}-dlq`;
  const sourceName = prefix;
  const dlq = fauxqs.createQueue(dlqName);
  fauxqs.createQueue(sourceName, {
    attributes: {
      VisibilityTimeout: '30',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: 5 }),
    },
  });
  const sqs = createSqsClient({
    endpoint: fauxqs.address,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    fauxqs,
    sqs,
    dlqName,
    sourceName,
    dlqUrl: `${fauxqs.address}/000000000000/${dlqName}`,
    sourceUrl: `${fauxqs.address}/000000000000/${sourceName}`,
    async stop() {
      sqs.destroy();
      await fauxqs.stop();
    },
  };
};

export const failureFactory = (overrides: Partial<FailureMetadata> = {}): FailureMetadata => ({
  code: 'AMBERFLO_UNAVAILABLE',
  message: 'Amberflo answered 503',
  step: 'createCustomer',
  httpStatus: 503,
  receiveCount: 5,
  failedAt: '2026-01-10T12:00:00.000Z',
  sourceMessageId: 'source-message-1',
  sourceQueueArn: 'arn:aws:sqs:us-east-1:000000000000:account-created',
  workflowId: 'provision-account',
  ...overrides,
});

export type SeedMessage = {
  readonly customerId?: string;
  readonly body?: string;
  /** undefined: a message the redrive policy moved, without metadata. */
  readonly failure?: Partial<FailureMetadata> | undefined;
  readonly attributes?: Record<string, MessageAttributeValue>;
};

/** Seeds the DLQ as the handler does: body unchanged, producer attributes kept, `provisioning-failure` added. */
export const seedDeadLetters = async (
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly SeedMessage[],
): Promise<void> => {
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((message, index) => {
          const attributes: Record<string, MessageAttributeValue> = {
            'event-type': { DataType: 'String', StringValue: 'account.created' },
            ...message.attributes,
          };
          if (message.failure !== undefined) {
            attributes[FAILURE_ATTRIBUTE] = {
              DataType: 'String',
              StringValue: JSON.stringify(failureFactory(message.failure)),
            };
          }
          return {
            Id: String(index),
            MessageBody:
              message.body ??
              JSON.stringify({
                customerId: message.customerId ?? `customer-${start + index}`,
                customerName: 'Acme',
                productId: 'pro',
              }),
            MessageAttributes: attributes,
          };
        }),
      }),
    );
  }
};

/** Messages visible plus in flight: what the queue holds, whatever their visibility. */
export const countMessages = (fauxqs: FauxqsServer, queueName: string): number => {
  const queue = fauxqs.inspectQueue(queueName);
  if (queue === undefined) return 0;
  return (
    queue.messages.ready.length + queue.messages.delayed.length + queue.messages.inflight.length
  );
};

export const countVisible = (fauxqs: FauxqsServer, queueName: string): number =>
  fauxqs.inspectQueue(queueName)?.messages.ready.length ?? 0;
