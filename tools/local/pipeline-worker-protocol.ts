/** What the calling thread and the pipeline worker say to each other (`pipeline-worker.ts`). */
import { redactSecrets, UnexpectedError } from '../../lib/errors.ts';
import type { InvocationOutcome } from './event-source-mapping.ts';
import type { LocalStack } from './stack.ts';

/** Marks the Worker `pipeline-worker.ts` starts, so importing it from any other worker (vitest's, say) starts nothing. */
export const WORKER_MARKER = 'billing-provisioning:local-pipeline-worker';

/** The handler's metric counts and the invocation count, as the worker's `CountingMetrics` holds them. */
export type PipelineCounts = {
  readonly invocations: number;
  /** Every metric by name; dead letters also as `MessageDeadLettered:<code>`, as `CountingMetrics` keys them. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly deadLetteredByCode: Readonly<Record<string, number>>;
};

/** The worker's `workerData`. */
export type WorkerStart = {
  readonly marker: typeof WORKER_MARKER;
  readonly stack: Pick<LocalStack, 'env' | 'sourceQueue' | 'resources'>;
  readonly concurrency?: number;
  readonly functionTimeoutMs?: number;
  readonly reportInvocations: boolean;
};

/** An error as it crosses the thread boundary. */
export type PlainError = { readonly name: string; readonly message: string };

export type ToWorker = { readonly type: 'counts' | 'stop'; readonly id: number };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'start-failed'; readonly error: PlainError }
  | { readonly type: 'invocation'; readonly outcome: InvocationOutcome }
  | { readonly type: 'counts' | 'stopped'; readonly id: number; readonly counts: PipelineCounts }
  | { readonly type: 'request-failed'; readonly id: number; readonly error: PlainError };

/** A reply to one request of the calling thread. */
export type Reply = Extract<FromWorker, { readonly id: number }>;

export const toPlainError = (
  thrown: unknown,
  secrets: readonly (string | undefined)[],
): PlainError => ({
  name: thrown instanceof Error ? thrown.name : 'Error',
  message: redactSecrets(thrown instanceof Error ? thrown.message : String(thrown), secrets),
});

export const fromPlainError = (error: PlainError, what: string): UnexpectedError =>
  new UnexpectedError(`${what}: ${error.name}: ${error.message}`);
