import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Dependencies } from '../dependencies.ts';
import { DependencyUnavailableError } from '../errors.ts';
import { processRecord } from './process-record.ts';

/** Options of `createBatchHandler`. */
export type BatchHandlerOptions = {
  /** middy's early timeout: a backstop after our own deadline. Tests pass 0 so that no timer outlives them. */
  readonly timeoutEarlyInMillis?: number;
};

/** Fallback when the context has no clock (some local callers): the Lambda maximum. */
const DEFAULT_REMAINING_MS = 900_000;

/** A counting semaphore: at most `limit` tasks run at once; a task still waiting when `signal` fires is refused. */
export const createLimiter = (limit: number) => {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> => {
    if (running >= limit) {
      await new Promise<void>((resolve, reject) => {
        const start = () => {
          signal.removeEventListener('abort', refuse);
          resolve();
        };
        const refuse = () => {
          const index = waiting.indexOf(start);
          if (index >= 0) waiting.splice(index, 1);
          reject(new DependencyUnavailableError('Deadline reached before the record was started'));
        };
        if (signal.aborted) return refuse();
        waiting.push(start);
        signal.addEventListener('abort', refuse, { once: true });
      });
    } else if (signal.aborted) {
      throw new DependencyUnavailableError('Deadline reached before the record was started');
    }
    running++;
    try {
      return await task();
    } finally {
      release();
    }
  };
};

/** Rejects when `signal` fires first, so a record that hangs past the deadline is reported failed, not lost. */
const settleBy = <T>(work: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const stop = () =>
      reject(new DependencyUnavailableError('Record not finished before the invocation deadline'));
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });

/**
 * Builds the SQS batch handler: Logger context and metrics middlewares, Powertools partial batch responses, records
 * processed concurrently up to BATCH_CONCURRENCY, and a deadline of the remaining time minus DEADLINE_MARGIN_MS. A
 * record not finished by then is reported failed (retried). It returns every failed id, even when all failed.
 */
export const createBatchHandler = (deps: Dependencies, options: BatchHandlerOptions = {}) => {
  const margin = deps.config.deadlineMarginMs;
  return middy<SQSEvent, SQSBatchResponse, Error, Context>({
    timeoutEarlyInMillis: options.timeoutEarlyInMillis ?? 500,
  })
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }))
    .handler(async (event, context, { signal }) => {
      deps.registerLambdaContext(context);
      const remaining = context.getRemainingTimeInMillis?.() ?? DEFAULT_REMAINING_MS;
      const budget = Math.max(0, remaining - margin);
      const deadline = Date.now() + budget;
      // The work stops at the deadline; the guard gives a started dead-letter send half the margin to finish.
      const workSignal = AbortSignal.any([signal, AbortSignal.timeout(budget)]);
      const guardSignal = AbortSignal.any([signal, AbortSignal.timeout(budget + margin / 2)]);
      const limit = createLimiter(deps.config.batchConcurrency);
      const handleRecord = (record: SQSRecord) =>
        settleBy(
          limit(() => processRecord(record, deps, { signal: workSignal, deadline }), workSignal),
          guardSignal,
        );
      // One processor per invocation: it holds the batch's state, and local runs share one handler between pollers.
      const processor = new BatchProcessor(EventType.SQS);
      return processPartialResponse(event, handleRecord, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    });
};
