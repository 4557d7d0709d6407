/**
 * The local pipeline in a worker thread. The emulators (fauxqs, dynalite, Amberflo) stay on the calling thread and
 * the pollers plus the real batch handler run in a `node:worker_threads` Worker with SQS and DynamoDB clients of its
 * own, built from the stack's environment. In Lambda the handler never shares a CPU with SQS, DynamoDB or Amberflo;
 * on one Node thread it does, and a throughput figure would then measure the emulators' CPU use, not the pipeline.
 * This file is both the API (`startLocalPipelineInWorker`) and the worker's entry: Node 24 runs it as `.ts`.
 */

import type { EventLoopUtilization } from 'node:perf_hooks';
import {
  isMainThread,
  type MessagePort,
  parentPort,
  Worker,
  workerData,
} from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { redactSecrets, UnexpectedError } from '../../lib/errors.ts';
import type { InvocationOutcome } from './event-source-mapping.ts';
import { type LocalPipeline, type PipelineStack, startLocalPipeline } from './pipeline.ts';
import type { LocalStack } from './stack.ts';

/** Marks the Worker this module starts, so importing it from any other worker (vitest's, say) starts nothing. */
const WORKER_MARKER = 'billing-provisioning:local-pipeline-worker';

/** Options of `startLocalPipelineInWorker`: those of `startLocalPipeline` that can cross a thread boundary. */
export type WorkerPipelineOptions = {
  /** Concurrent pollers, as Lambda's `maximumConcurrency` (default 2). */
  readonly concurrency?: number;
  /** Local function timeout (ms) for each invocation's context. */
  readonly functionTimeoutMs?: number;
  /**
   * Called after every invocation (posted from the worker; `error` is `{ name, message }` with the API key redacted).
   * Leave it out when not needed: then the worker posts nothing per invocation.
   */
  readonly onInvoke?: (outcome: InvocationOutcome) => void;
  /** Bound on the worker's start (module loading included) and on each request to it, ms (default 30 000). */
  readonly timeoutMs?: number;
};

/** The handler's metric counts and the invocation count, as the worker's `CountingMetrics` holds them. */
export type PipelineCounts = {
  readonly invocations: number;
  /** Every metric by name; dead letters also as `MessageDeadLettered:<code>`, as `CountingMetrics` keys them. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly deadLetteredByCode: Readonly<Record<string, number>>;
};

/** A pipeline running in a worker thread. Every read crosses the thread boundary, so every read is async. */
export type WorkerPipeline = {
  readonly threadId: number;
  /** The counts so far; after `stop()`, the final ones. */
  readonly counts: () => Promise<PipelineCounts>;
  readonly invocations: () => Promise<number>;
  /**
   * Stops the pollers (as `LocalPipeline.stop`), destroys the worker's clients and returns the final counts. The
   * worker then ends by itself; it is terminated if it has not within two seconds. Safe to call twice.
   */
  readonly stop: () => Promise<PipelineCounts>;
  /** Resolves with the worker's exit code once the thread has ended (0 when it ended by itself). */
  readonly exited: Promise<number>;
  /**
   * The worker's event-loop utilization (`performance.eventLoopUtilization`, read from this thread without a
   * round trip); pass an earlier reading for the delta. Near 1 means the handler's thread is CPU-bound.
   */
  readonly eventLoopUtilization: (since?: EventLoopUtilization) => EventLoopUtilization;
};

type WorkerStart = {
  readonly marker: typeof WORKER_MARKER;
  readonly stack: Pick<LocalStack, 'env' | 'sourceQueue' | 'resources'>;
  readonly concurrency?: number;
  readonly functionTimeoutMs?: number;
  readonly reportInvocations: boolean;
};

type PlainError = { readonly name: string; readonly message: string };

type ToWorker = { readonly type: 'counts' | 'stop'; readonly id: number };

type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'start-failed'; readonly error: PlainError }
  | { readonly type: 'invocation'; readonly outcome: InvocationOutcome }
  | { readonly type: 'counts' | 'stopped'; readonly id: number; readonly counts: PipelineCounts }
  | { readonly type: 'request-failed'; readonly id: number; readonly error: PlainError };

const STOP_GRACE_MS = 2_000;

const toPlainError = (thrown: unknown, secrets: readonly (string | undefined)[]): PlainError => ({
  name: thrown instanceof Error ? thrown.name : 'Error',
  message: redactSecrets(thrown instanceof Error ? thrown.message : String(thrown), secrets),
});

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

/** The worker's side: the same `startLocalPipeline` path, with clients of its own, answering over `port`. */
const runWorker = (start: WorkerStart, port: MessagePort): void => {
  const { env } = start.stack;
  const secrets = [env['AMBERFLO_API_KEY']];
  let pipeline: LocalPipeline;
  let sqs: SQSClient;
  let dynamo: DynamoDBClient;
  try {
    sqs = new SQSClient(clientConfig(env, 'AWS_ENDPOINT_URL_SQS'));
    dynamo = new DynamoDBClient(clientConfig(env, 'AWS_ENDPOINT_URL_DYNAMODB'));
    const stack: PipelineStack = { ...start.stack, sqs, dynamo };
    pipeline = startLocalPipeline(stack, {
      ...(start.concurrency !== undefined ? { concurrency: start.concurrency } : {}),
      ...(start.functionTimeoutMs !== undefined
        ? { functionTimeoutMs: start.functionTimeoutMs }
        : {}),
      ...(start.reportInvocations
        ? {
            onInvoke: ({ messageIds, failedIds, error }: InvocationOutcome) =>
              port.postMessage({
                type: 'invocation',
                outcome: {
                  messageIds,
                  failedIds,
                  ...(error === undefined ? {} : { error: toPlainError(error, secrets) }),
                },
              } satisfies FromWorker),
          }
        : {}),
    });
  } catch (thrown) {
    port.postMessage({ type: 'start-failed', error: toPlainError(thrown, secrets) });
    port.close();
    return;
  }
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
  port.postMessage({ type: 'ready' } satisfies FromWorker);
};

const fromPlainError = (error: PlainError, what: string): UnexpectedError =>
  new UnexpectedError(`${what}: ${error.name}: ${error.message}`);

/**
 * Starts the local pipeline (pollers and the real batch handler) in a worker thread against `stack`, whose
 * emulators keep running on this thread. Resolves once the pollers run; rejects with UnexpectedError when the
 * worker fails to start or does not start within `timeoutMs` (then it is terminated).
 */
export const startLocalPipelineInWorker = async (
  stack: LocalStack,
  options: WorkerPipelineOptions = {},
): Promise<WorkerPipeline> => {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const start: WorkerStart = {
    marker: WORKER_MARKER,
    stack: { env: stack.env, sourceQueue: stack.sourceQueue, resources: stack.resources },
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.functionTimeoutMs !== undefined
      ? { functionTimeoutMs: options.functionTimeoutMs }
      : {}),
    reportInvocations: options.onInvoke !== undefined,
  };
  const worker = new Worker(new URL(import.meta.url), { workerData: start });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));

  const pending = new Map<
    number,
    { resolve: (counts: PipelineCounts) => void; reject: (error: Error) => void }
  >();
  let nextId = 0;
  let ended: Error | undefined;
  const failAll = (error: Error) => {
    ended ??= error;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  worker.on('error', (error) =>
    failAll(new UnexpectedError('Pipeline worker crashed', {}, { cause: error })),
  );
  void exited.then((code) => failAll(new UnexpectedError(`Pipeline worker exited (code ${code})`)));

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new UnexpectedError(`Pipeline worker not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const settle = (error?: Error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') settle();
      else if (message.type === 'start-failed') {
        settle(fromPlainError(message.error, 'Pipeline worker failed to start'));
      } else if (message.type === 'invocation') options.onInvoke?.(message.outcome);
      else if (message.type === 'request-failed') {
        pending
          .get(message.id)
          ?.reject(fromPlainError(message.error, 'Pipeline worker request failed'));
        pending.delete(message.id);
      } else {
        pending.get(message.id)?.resolve(message.counts);
        pending.delete(message.id);
      }
    });
    worker.once('error', (error) =>
      settle(new UnexpectedError('Pipeline worker failed to start', {}, { cause: error })),
    );
    void exited.then((code) =>
      settle(new UnexpectedError(`Pipeline worker exited before it was ready (code ${code})`)),
    );
  });
  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  const request = (type: ToWorker['type'], boundMs: number): Promise<PipelineCounts> => {
    if (ended) return Promise.reject(ended);
    const id = nextId++;
    return new Promise<PipelineCounts>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(
          new UnexpectedError(`Pipeline worker did not answer '${type}' within ${boundMs} ms`),
        );
      }, boundMs);
      pending.set(id, {
        resolve: (counts) => {
          clearTimeout(timer);
          resolve(counts);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      worker.postMessage({ type, id } satisfies ToWorker);
    });
  };

  let stopping: Promise<PipelineCounts> | undefined;
  const stop = async (): Promise<PipelineCounts> => {
    let counts: PipelineCounts;
    try {
      // The worker's stop waits (bounded) for an invocation in flight, so allow a function timeout on top.
      counts = await request('stop', timeoutMs + (options.functionTimeoutMs ?? 30_000));
    } catch (error) {
      // Crashed or unresponsive: end the thread anyway, so a failed stop never leaves pollers running.
      await worker.terminate();
      throw error;
    }
    const grace = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    await exited;
    clearTimeout(grace);
    return counts;
  };

  return {
    threadId: worker.threadId,
    // Once stopped, the final counts answer: the worker is gone, and they can no longer change.
    counts: () => stopping ?? request('counts', timeoutMs),
    invocations: async () => (await (stopping ?? request('counts', timeoutMs))).invocations,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
    exited,
    eventLoopUtilization: (since) => worker.performance.eventLoopUtilization(since),
  };
};

if (!isMainThread && parentPort && (workerData as Partial<WorkerStart>)?.marker === WORKER_MARKER) {
  runWorker(workerData as WorkerStart, parentPort);
}
