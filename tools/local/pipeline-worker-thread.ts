/**
 * The pipeline worker's side: the same `startLocalPipeline` path, with SQS and DynamoDB clients of its own built
 * from the stack's environment, answering the calling thread over its port. `pipeline-worker.ts` is the entry.
 */
import type { MessagePort } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { UnexpectedError } from '../../lib/errors.ts';
import type { InvocationOutcome } from './event-source-mapping.ts';
import { type LocalPipeline, type PipelineStack, startLocalPipeline } from './pipeline.ts';
import {
  type FromWorker,
  type PipelineCounts,
  type ToWorker,
  toPlainError,
  type WorkerStart,
} from './pipeline-worker-protocol.ts';

const countsOf = (pipeline: LocalPipeline): PipelineCounts => ({
  invocations: pipeline.invocations(),
  metrics: Object.fromEntries(pipeline.metrics.counts),
  deadLetteredByCode: pipeline.metrics.deadLetteredByCode(),
});

/** Builds a client config from the function environment: the loopback endpoint, region and local credentials. */
const clientConfig = (env: Readonly<Record<string, string>>, endpointVariable: string) => {
  const endpoint = env[endpointVariable];
  if (!endpoint) throw new UnexpectedError(`The stack environment has no ${endpointVariable}`);
  return {
    region: env['AWS_REGION'] ?? 'us-east-1',
    // fauxqs queue URLs are on its own address; an explicit endpoint keeps the SDK on it (toolchain.md §2).
    endpoint,
    credentials: {
      accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? 'local',
      secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? 'local',
    },
  };
};

type Running = {
  readonly pipeline: LocalPipeline;
  readonly sqs: SQSClient;
  readonly dynamo: DynamoDBClient;
};

/** Posts every invocation's outcome to the calling thread, its error reduced to a redacted name and message. */
const reportingTo =
  (port: MessagePort, secrets: readonly (string | undefined)[]) =>
  ({ messageIds, failedIds, error }: InvocationOutcome) =>
    port.postMessage({
      type: 'invocation',
      outcome: {
        messageIds,
        failedIds,
        ...(error === undefined ? {} : { error: toPlainError(error, secrets) }),
      },
    } satisfies FromWorker);

const startPipeline = (
  start: WorkerStart,
  port: MessagePort,
  secrets: readonly (string | undefined)[],
): Running => {
  const { env } = start.stack;
  const sqs = new SQSClient(clientConfig(env, 'AWS_ENDPOINT_URL_SQS'));
  const dynamo = new DynamoDBClient(clientConfig(env, 'AWS_ENDPOINT_URL_DYNAMODB'));
  const stack: PipelineStack = { ...start.stack, sqs, dynamo };
  const pipeline = startLocalPipeline(stack, {
    ...(start.concurrency !== undefined ? { concurrency: start.concurrency } : {}),
    ...(start.functionTimeoutMs !== undefined
      ? { functionTimeoutMs: start.functionTimeoutMs }
      : {}),
    ...(start.reportInvocations ? { onInvoke: reportingTo(port, secrets) } : {}),
  });
  return { pipeline, sqs, dynamo };
};

/** Answers `counts` and `stop` requests until stopped. */
const answerRequests = (
  { pipeline, sqs, dynamo }: Running,
  port: MessagePort,
  secrets: readonly (string | undefined)[],
): void => {
  let stopped: Promise<PipelineCounts> | undefined;
  port.on('message', async ({ type, id }: ToWorker) => {
    try {
      if (type === 'counts') {
        port.postMessage({ type, id, counts: countsOf(pipeline) } satisfies FromWorker);
        return;
      }
      stopped ??= pipeline.stop().then(() => {
        sqs.destroy();
        dynamo.destroy();
        return countsOf(pipeline);
      });
      port.postMessage({ type: 'stopped', id, counts: await stopped } satisfies FromWorker);
      // Nothing else holds the event loop: the thread ends on its own, which is what "stopped cleanly" means.
      port.close();
    } catch (thrown) {
      port.postMessage({
        type: 'request-failed',
        id,
        error: toPlainError(thrown, secrets),
      } satisfies FromWorker);
    }
  });
};

/** Starts the pipeline in this worker and tells the calling thread it is ready, or why it failed to start. */
export const runWorker = (start: WorkerStart, port: MessagePort): void => {
  const secrets = [start.stack.env['AMBERFLO_API_KEY']];
  let running: Running;
  try {
    running = startPipeline(start, port, secrets);
  } catch (thrown) {
    port.postMessage({ type: 'start-failed', error: toPlainError(thrown, secrets) });
    port.close();
    return;
  }
  answerRequests(running, port, secrets);
  port.postMessage({ type: 'ready' } satisfies FromWorker);
};
