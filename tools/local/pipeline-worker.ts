/**
 * The local pipeline in a worker thread. The emulators (fauxqs, dynalite, Amberflo) stay on the calling thread and
 * the pollers plus the real batch handler run in a `node:worker_threads` Worker with SQS and DynamoDB clients of its
 * own, built from the stack's environment. In Lambda the handler never shares a CPU with SQS, DynamoDB or Amberflo;
 * on one Node thread it does, and a throughput figure would then measure the emulators' CPU use, not the pipeline.
 * This file is both the API (`startLocalPipelineInWorker`) and the worker's entry: Node 24 runs it as `.ts`.
 */

import type { EventLoopUtilization } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { UnexpectedError } from '../../lib/errors.ts';
import type { InvocationOutcome } from './event-source-mapping.ts';
import {
  type FromWorker,
  fromPlainError,
  type PipelineCounts,
  WORKER_MARKER,
  type WorkerStart,
} from './pipeline-worker-protocol.ts';
import { trackRequests, type WorkerRequests } from './pipeline-worker-requests.ts';
import { runWorker } from './pipeline-worker-thread.ts';
import type { LocalStack } from './stack.ts';

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

export type { PipelineCounts } from './pipeline-worker-protocol.ts';

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

const STOP_GRACE_MS = 2_000;

/**
 * Routes the worker's messages (invocations to `onInvoke`, replies to `requests`); resolves once the worker reports
 * ready, and rejects when it fails to start, crashes, exits or is not ready within `timeoutMs`.
 */
const waitUntilReady = (
  worker: Worker,
  exited: Promise<number>,
  timeoutMs: number,
  route: { requests: WorkerRequests; onInvoke: WorkerPipelineOptions['onInvoke'] },
): Promise<void> =>
  new Promise<void>((resolve, reject) => {
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
      } else if (message.type === 'invocation') route.onInvoke?.(message.outcome);
      else route.requests.answer(message);
    });
    worker.once('error', (error) =>
      settle(new UnexpectedError('Pipeline worker failed to start', {}, { cause: error })),
    );
    void exited.then((code) =>
      settle(new UnexpectedError(`Pipeline worker exited before it was ready (code ${code})`)),
    );
  });

/**
 * Waits for the worker's answer to a stop request (`stopped`), then for its thread to end; terminates it when it
 * does not end within the grace period, or at once when the stop failed.
 */
const stopWorker = async (
  worker: Worker,
  exited: Promise<number>,
  stopped: Promise<PipelineCounts>,
): Promise<PipelineCounts> => {
  let counts: PipelineCounts;
  try {
    counts = await stopped;
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

  const requests = trackRequests(worker, exited);
  try {
    await waitUntilReady(worker, exited, timeoutMs, { requests, onInvoke: options.onInvoke });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const { request } = requests;
  // The worker's stop waits (bounded) for an invocation in flight, so allow a function timeout on top.
  const stopBoundMs = timeoutMs + (options.functionTimeoutMs ?? 30_000);
  let stopping: Promise<PipelineCounts> | undefined;

  return {
    threadId: worker.threadId,
    // Once stopped, the final counts answer: the worker is gone, and they can no longer change.
    counts: () => stopping ?? request('counts', timeoutMs),
    invocations: async () => (await (stopping ?? request('counts', timeoutMs))).invocations,
    stop: () => {
      stopping ??= stopWorker(worker, exited, request('stop', stopBoundMs));
      return stopping;
    },
    exited,
    eventLoopUtilization: (since) => worker.performance.eventLoopUtilization(since),
  };
};

// This module is also the worker's entry: `new Worker(import.meta.url)` runs it again on the new thread.
if (!isMainThread && parentPort && (workerData as Partial<WorkerStart>)?.marker === WORKER_MARKER) {
  runWorker(workerData as WorkerStart, parentPort);
}
