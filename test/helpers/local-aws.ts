import {
  type AttributeValue,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SendMessageCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { WRITE_CLAIM_KEY_INFIX } from '../../lib/provisioning/write-claims.ts';
import { startDynalite } from '../../tools/local/stack.ts';

const isWriteClaim = (item: Record<string, AttributeValue>): boolean =>
  item['id']?.S?.includes(WRITE_CLAIM_KEY_INFIX) === true;

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';

export type LocalQueue = {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly name: string;
};

export type LocalAws = {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly fauxqs: FauxqsServer;
  readonly queue: LocalQueue;
  readonly deadLetterQueue: LocalQueue;
  readonly tableName: string;
  /** Empties both queues and recreates the idempotency table. */
  readonly reset: () => Promise<void>;
  /** Sends one body (objects are JSON-encoded) to the main queue. */
  readonly send: (body: unknown, extra?: Partial<SendMessageCommandInput>) => Promise<string>;
  /** Receives up to `max` messages from a queue (short visibility), with all attributes. */
  readonly receiveAll: (queue: LocalQueue, max?: number) => Promise<Message[]>;
  /** Number of Powertools idempotency records (write claims, which share the table, left out). */
  readonly idempotencyRecords: () => Promise<number>;
  /** The write claims in the idempotency table (lib/provisioning/write-claims.ts), as raw items. */
  readonly writeClaims: () => Promise<Record<string, AttributeValue>[]>;
  readonly stop: () => Promise<void>;
};

export type LocalAwsOptions = {
  /** The main queue's visibility timeout, seconds (short, so that retries happen within a test). */
  readonly visibilityTimeoutSeconds?: number;
  /** The redrive policy's maxReceiveCount. */
  readonly redriveMaxReceiveCount?: number;
};

/**
 * Starts fauxqs and dynalite in-process on loopback port 0, creates the main queue (with a redrive policy), its DLQ
 * and the idempotency table. Queue URLs are on fauxqs's own address, so SDK clients built with that endpoint work.
 */
export const startLocalAws = async ({
  visibilityTimeoutSeconds = 1,
  redriveMaxReceiveCount = 5,
}: LocalAwsOptions = {}): Promise<LocalAws> => {
  const fauxqs = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${fauxqs.port}`;
  const sqs = new SQSClient({ region, endpoint, credentials });
  const onLoopback = (created: { queueUrl: string; queueArn: string; queueName: string }) => ({
    queueUrl: `${endpoint}/000000000000/${created.queueName}`,
    queueArn: created.queueArn,
    name: created.queueName,
  });
  const deadLetterQueue = onLoopback(fauxqs.createQueue('account-created-dlq'));
  const queue = onLoopback(
    fauxqs.createQueue('account-created', {
      attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterQueue.queueArn,
          maxReceiveCount: redriveMaxReceiveCount,
        }),
      },
    }),
  );

  const { server, endpoint: dynamoEndpoint } = await startDynalite();
  const dynamodb = new DynamoDBClient({ region, endpoint: dynamoEndpoint, credentials });
  const tableName = 'idempotency';
  // One page is enough: tests keep far fewer than 1 MB of items.
  const scan = async () =>
    (await dynamodb.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ??
    [];
  const createTable = () =>
    dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
  await createTable();

  const receiveAll = async (target: LocalQueue, max = 10): Promise<Message[]> => {
    const received: Message[] = [];
    for (let round = 0; round < 10 && received.length < max; round++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: target.queueUrl,
          MaxNumberOfMessages: Math.min(10, max - received.length),
          WaitTimeSeconds: 0,
          VisibilityTimeout: 30,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      received.push(...Messages);
    }
    return received;
  };

  return {
    sqs,
    dynamodb,
    fauxqs,
    queue,
    deadLetterQueue,
    tableName,
    reset: async () => {
      fauxqs.reset();
      await dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
      // dynalite finishes a delete on a later tick; under load a create can still find the table (bounded: 20 tries).
      for (let attempt = 1; ; attempt++) {
        try {
          await createTable();
          return;
        } catch (error) {
          if ((error as Error).name !== 'ResourceInUseException' || attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
    },
    send: async (body, extra = {}) => {
      const { MessageId = '' } = await sqs.send(
        new SendMessageCommand({
          QueueUrl: queue.queueUrl,
          MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
          ...extra,
        }),
      );
      return MessageId;
    },
    receiveAll,
    idempotencyRecords: async () => (await scan()).filter((item) => !isWriteClaim(item)).length,
    writeClaims: async () => (await scan()).filter(isWriteClaim),
    stop: async () => {
      sqs.destroy();
      dynamodb.destroy();
      await fauxqs.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
