/** What a run reports: its result, the record of each step execution, and the redacted trace of each attempt. */
import type { FailureReason } from './http-port.ts';

/** What happened to one step execution (all its attempts): where the flow went next. */
export type StepOutcome = 'success' | 'end' | 'retry' | 'failure' | `goto:${string}`;

export type StepRecord = {
  readonly stepId: string;
  /** The workflow the step belongs to, when it is not the one the run started (docs/arazzo.md §17). */
  readonly workflowId?: string;
  /** Attempts of this execution: 1 + retries. */
  attempts: number;
  /** Status of the last attempt; null when no answer arrived or no request was made. */
  statusCode: number | null;
  /** Wall time of the execution, waits included. */
  ms: number;
  outcome: StepOutcome;
  /** Whether the last attempt passed the step's success criteria. */
  succeeded: boolean;
};

/** One attempt, redacted: no headers, no bodies, no query string, secrets removed from the path. */
export type TraceEntry = {
  readonly stepId: string;
  /** The workflow the step belongs to, when it is not the one the run started. */
  readonly workflowId?: string;
  /** 1-based attempt number within the step execution. */
  readonly attempt: number;
  readonly method: string;
  readonly path: string;
  readonly statusCode: number | null;
  /** The action taken after this attempt (`success` = next step, `retry`, `goto:<id>`, `end`, `failure`). */
  readonly action: StepOutcome;
  readonly ms: number;
};

export type RunFailure = {
  readonly stepId: string;
  /** The workflow of the failed step, when it is not the one the run started: the innermost failure's. */
  readonly workflowId?: string;
  readonly statusCode: number | null;
  readonly reason: FailureReason;
  /** From the injected classifier, e.g. AMBERFLO_UNAVAILABLE. */
  readonly code: string;
  readonly message: string;
  /** The failed answer's Retry-After, in ms, when it named one: how long the server asked us to stay away. */
  readonly retryAfterMs?: number;
};

/** Which success action ended the run: lets a caller tell apart the document's different `end`s. */
export type EndAction = {
  readonly stepId: string;
  readonly name: string;
  /** The step's workflow, when it is not the one the run started. */
  readonly workflowId?: string;
};

/**
 * `completed`: ran past the last step; `ended`: an `end` success action (named in `endAction`); `failed`: see
 * `failure`. `handledFailures` lists step failures that a `goto` failure action routed elsewhere, oldest first,
 * classified like `failure`: the original reason when a later step only confirms it.
 */
export type RunResult = {
  readonly status: 'completed' | 'ended' | 'failed';
  readonly outputs: Record<string, unknown>;
  readonly steps: StepRecord[];
  readonly failure?: RunFailure;
  readonly endAction?: EndAction;
  readonly handledFailures?: RunFailure[];
  readonly trace: TraceEntry[];
};
