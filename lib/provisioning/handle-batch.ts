import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DEAD_LETTER_SEND_TIMEOUT_MS, MIDDY_TIMEOUT_EARLY_MS, REPORT_TIME_MS } from '../config.ts';
import { DependencyUnavailableError } from '../errors.ts';
import { processRecord } from './process-record.ts';
import type { ProvisioningDependencies } from './types.ts';

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

/**
 * Who decided a record's fate first: its dead-letter send, or the guard (which reports it failed, so SQS redelivers
 * it). Exactly one of them wins, so no record is both dead-lettered and redelivered.
 */
type RecordFate = 'working' | 'dead-lettering' | 'given-up';

/**
 * Rejects when `signal` fires first, so a record that hangs past the deadline is reported failed, not lost; unless
 * its dead-letter send has started, which is bounded and then awaited (racing it could give the record two outcomes).
 */
const settleBy = <T>(
  work: Promise<T>,
  signal: AbortSignal,
  fate: { value: RecordFate },
): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const stop = () => {
      if (fate.value === 'dead-lettering') return;
      fate.value = 'given-up';
      reject(new DependencyUnavailableError('Record not finished before the invocation deadline'));
    };
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });

/** The signals and deadline of one invocation, shared by its records. */
type InvocationBounds = {
  /** Stops the work at the deadline. */
  readonly work: AbortSignal;
  /** Gives up records that have not started a dead-letter send. */
  readonly guard: AbortSignal;
  /** middy's: the invocation itself is ending. */
  readonly invocation: AbortSignal;
  readonly deadline: number;
};

/** Processes one record under the invocation's bounds, so that it gets exactly one outcome (see RecordFate). */
const processWithinBounds = (
  record: SQSRecord,
  deps: ProvisioningDependencies,
  bounds: InvocationBounds,
  limit: ReturnType<typeof createLimiter>,
): Promise<void> => {
  const fate: { value: RecordFate } = { value: 'working' };
  const claimDeadLetter = () => {
    if (fate.value === 'given-up') return false;
    fate.value = 'dead-lettering';
    return true;
  };
  const work = limit(
    () =>
      processRecord(record, deps, {
        signal: bounds.work,
        deadline: bounds.deadline,
        invocationSignal: bounds.invocation,
        claimDeadLetter,
      }),
    bounds.work,
  );
  return settleBy(work, bounds.guard, fate);
};

/**
 * Builds the SQS batch handler: Logger context and metrics middlewares, Powertools partial batch responses, records
 * processed concurrently up to BATCH_CONCURRENCY, and a deadline of the remaining time minus DEADLINE_MARGIN_MS. A
 * record not finished by then is reported failed (retried). It returns every failed id, even when all failed.
 */
export const createBatchHandler = (
  deps: ProvisioningDependencies,
  options: BatchHandlerOptions = {},
) => {
  const margin = deps.config.deadlineMarginMs;
  const timeoutEarly = options.timeoutEarlyInMillis ?? MIDDY_TIMEOUT_EARLY_MS;
  // The last moment a dead-letter send may start and still end before middy's early timeout throws the batch.
  const sendWindow = timeoutEarly + DEAD_LETTER_SEND_TIMEOUT_MS + REPORT_TIME_MS;
  return middy<SQSEvent, SQSBatchResponse, Error, Context>({
    timeoutEarlyInMillis: timeoutEarly,
  })
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }))
    .handler(async (event, context, { signal }) => {
      deps.registerLambdaContext(context);
      const remaining = context.getRemainingTimeInMillis?.() ?? DEFAULT_REMAINING_MS;
      const budget = Math.max(0, remaining - margin);
      const deadline = Date.now() + budget;
      // The work stops at the deadline; the guard gives up records that have not started a dead-letter send by the
      // time one could no longer finish (DEADLINE_MARGIN_MS is validated to leave that room).
      const guardBudget = Math.max(budget, remaining - sendWindow);
      const bounds: InvocationBounds = {
        work: AbortSignal.any([signal, AbortSignal.timeout(budget)]),
        guard: AbortSignal.any([signal, AbortSignal.timeout(guardBudget)]),
        invocation: signal,
        deadline,
      };
      const limit = createLimiter(deps.config.batchConcurrency);
      const handleRecord = (record: SQSRecord) => processWithinBounds(record, deps, bounds, limit);
      // One processor per invocation: it holds the batch's state, and local runs share one handler between pollers.
      const processor = new BatchProcessor(EventType.SQS);
      return processPartialResponse(event, handleRecord, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    });
};
