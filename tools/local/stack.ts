import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import type { AmberfloEmulatorOptions } from '../amberflo-emulator/options.ts';
import { type AmberfloEmulator, startAmberfloEmulator } from '../amberflo-emulator/server.ts';
import { localFunctionEnv } from './function-env.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws.ts';
import { createDeclaredQueues, type LocalQueue } from './local-queues.ts';
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

export type { LocalQueue } from './local-queues.ts';

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

/** Creates the declared idempotency table, keyed as serverless.yml keys it. */
const createTable = async (dynamo: DynamoDBClient, table: DeclaredResources['table']) => {
  await dynamo.send(
    new CreateTableCommand({
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: table.keyAttribute, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: table.keyAttribute, KeyType: 'HASH' }],
    }),
  );
};

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
  const queues = createDeclaredQueues(fauxqs, resources, options.visibilityTimeoutSeconds);
  const local = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sqs = new SQSClient({ ...local, endpoint: fauxqs.address });
  const dynamo = new DynamoDBClient({ ...local, endpoint: dynamoEndpoint });
  await createTable(dynamo, resources.table);
  const env = localFunctionEnv(resources, {
    sqsEndpoint: fauxqs.address,
    dynamoEndpoint,
    amberfloUrl,
    apiKey,
    ...queues,
    emulatorDefaultPlan: emulator?.switches().defaultPlanId,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    extra: options.env,
  });
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
    ...queues,
    tableName: resources.table.name,
    env,
    stop,
  };
};
