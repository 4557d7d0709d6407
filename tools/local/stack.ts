import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import type { AmberfloEmulatorOptions } from '../amberflo-emulator/options.ts';
import { type AmberfloEmulator, startAmberfloEmulator } from '../amberflo-emulator/server.ts';
import {
  checkDeadLetterRoom,
  type DeclaredResources,
  readDeclaredResources,
} from './serverless-resources.ts';

/**
 * The whole system on loopback: fauxqs (SQS), dynalite (DynamoDB) and the Amberflo emulator, in-process on free
 * ports, with the queue, DLQ and idempotency table created from `serverless.yml`. Used by `npm start`, the chaos
 * suite and the benchmarks. Nothing here reaches beyond 127.0.0.1.
 */

const LOCAL_REGION = 'us-east-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export type LocalQueue = { readonly name: string; readonly url: string; readonly arn: string };

export type LocalStack = {
  readonly resources: DeclaredResources;
  readonly fauxqs: FauxqsServer;
  /** Undefined when the run targets a real Amberflo (`amberfloUrl`). */
  readonly emulator: AmberfloEmulator | undefined;
  readonly amberfloUrl: string;
  readonly sqs: SQSClient;
  readonly dynamo: DynamoDBClient;
  readonly sourceQueue: LocalQueue;
  readonly deadLetterQueue: LocalQueue;
  readonly tableName: string;
  /** The function's environment for this stack (what serverless.yml would set, pointed at loopback). */
  readonly env: Record<string, string>;
  readonly stop: () => Promise<void>;
};

export type LocalStackOptions = {
  readonly serverlessPath?: string;
  /** Options for the in-process Amberflo emulator (faults, latency, switches). */
  readonly emulator?: AmberfloEmulatorOptions;
  /** A real Amberflo (sandbox) instead of the emulator; the key must come from the environment. */
  readonly amberflo?: { readonly url: string; readonly apiKey: string };
  /**
   * Local override of the queue's visibility timeout, in seconds. The deployed value (about 6 × the function
   * timeout) would make a local retry wait minutes; everything else is taken from serverless.yml unchanged.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Extra function environment (e.g. BATCH_CONCURRENCY). */
  readonly env?: Record<string, string>;
};

/** Starts an in-memory dynalite on a free loopback port (tables are ACTIVE at once). */
export const startDynalite = async (): Promise<{ server: Server; endpoint: string }> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

/** fauxqs answers with URLs on a host that does not resolve; it finds queues by path, so use its own address. */
const onFauxqsAddress = (fauxqs: FauxqsServer, queueUrl: string): string =>
  queueUrl.replace(/^https?:\/\/[^/]+/, fauxqs.address);

/** Starts the local stack and creates the declared resources. Call `stop()` to release every port. */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const resources = await readDeclaredResources(options.serverlessPath ?? 'serverless.yml');
  // Refused before anything starts: a DLQ too small for a full-size message plus its reason loses that reason.
  checkDeadLetterRoom(resources);
  const fauxqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  const { server: dynamoServer, endpoint: dynamoEndpoint } = await startDynalite();
  const emulator = options.amberflo
    ? undefined
    : await startAmberfloEmulator({ port: 0, ...options.emulator });
  const amberfloUrl = options.amberflo?.url ?? (emulator as AmberfloEmulator).url;
  const apiKey = options.amberflo?.apiKey ?? (emulator as AmberfloEmulator).apiKey;

  const created = new Map<string, LocalQueue>();
  const createQueue = (logicalId: string): LocalQueue => {
    const existing = created.get(logicalId);
    if (existing) return existing;
    const declared = resources.queues.find((queue) => queue.logicalId === logicalId);
    if (!declared) throw new TypeError(`serverless.yml declares no queue ${logicalId}`);
    const attributes: Record<string, string> = { ...declared.attributes };
    if (declared.deadLetterLogicalId) {
      const deadLetter = createQueue(declared.deadLetterLogicalId);
      attributes['RedrivePolicy'] = JSON.stringify({
        deadLetterTargetArn: deadLetter.arn,
        maxReceiveCount: declared.maxReceiveCount,
      });
      if (options.visibilityTimeoutSeconds !== undefined) {
        attributes['VisibilityTimeout'] = String(options.visibilityTimeoutSeconds);
      }
    }
    const queue = fauxqs.createQueue(declared.name, { region: LOCAL_REGION, attributes });
    const local = {
      name: queue.queueName,
      url: onFauxqsAddress(fauxqs, queue.queueUrl),
      arn: queue.queueArn,
    };
    created.set(logicalId, local);
    return local;
  };
  const deadLetterQueue = createQueue(resources.deadLetterQueue.logicalId);
  const sourceQueue = createQueue(resources.sourceQueue.logicalId);

  const sqs = new SQSClient({
    region: LOCAL_REGION,
    endpoint: fauxqs.address,
    credentials: LOCAL_CREDENTIALS,
  });
  const dynamo = new DynamoDBClient({
    region: LOCAL_REGION,
    endpoint: dynamoEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  await dynamo.send(
    new CreateTableCommand({
      TableName: resources.table.name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: resources.table.keyAttribute, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: resources.table.keyAttribute, KeyType: 'HASH' }],
    }),
  );

  // The deployed environment, minus the SSM parameter name: locally the key is handed over directly.
  const { AMBERFLO_API_KEY_PARAMETER: _parameterName, ...declaredEnv } = resources.environment;
  const emulatorDefaultPlan = emulator?.switches().defaultPlanId;
  const env: Record<string, string> = {
    ...declaredEnv,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: fauxqs.address,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AMBERFLO_BASE_URL: amberfloUrl,
    AMBERFLO_API_KEY: apiKey,
    DEAD_LETTER_QUEUE_URL: deadLetterQueue.url,
    SOURCE_QUEUE_URL: sourceQueue.url,
    IDEMPOTENCY_TABLE_NAME: resources.table.name,
    MAX_RECEIVE_COUNT: String(resources.maxReceiveCount),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    // The redelivery backoff at the same local scale as the visibility timeout: seconds instead of minutes.
    ...(options.visibilityTimeoutSeconds === undefined
      ? {}
      : {
          RETRY_BACKOFF_BASE_SECONDS: '1',
          RETRY_BACKOFF_MAX_SECONDS: String(options.visibilityTimeoutSeconds),
        }),
    // The emulator's Default Plan is the one plan nobody chose (README, REPLACEABLE_PLAN_IDS); a sandbox keeps the
    // deployed value.
    ...(emulatorDefaultPlan ? { REPLACEABLE_PLAN_IDS: emulatorDefaultPlan } : {}),
    ...options.env,
  };

  const stop = async () => {
    sqs.destroy();
    dynamo.destroy();
    await Promise.all([
      fauxqs.stop(),
      new Promise<void>((resolve) => dynamoServer.close(() => resolve())),
      emulator?.stop(),
    ]);
  };

  return {
    resources,
    fauxqs,
    emulator,
    amberfloUrl,
    sqs,
    dynamo,
    sourceQueue,
    deadLetterQueue,
    tableName: resources.table.name,
    env,
    stop,
  };
};
