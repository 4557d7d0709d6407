/**
 * Where a failure or success action sends the flow (docs/arazzo.md §6, §17): a goto within the workflow or to
 * another one, a retry of the step (after running a target step or workflow, when the action names one).
 */
import type { Attempt } from './attempt.ts';
import type { FailureReason } from './http-port.ts';
import type { PreparedAction, PreparedStep } from './prepare.ts';
import { classifyStepFailure, type FailureExtra, failRun, finishRun } from './run-report.ts';
import type { RunResult, StepOutcome, StepRecord } from './run-result.ts';
import { type Frame, nestedKey, redactRun, serverOf } from './run-state.ts';
import { failureGotoBackoffMs, isTransient } from './select-action.ts';

/** Where a step execution leads: the index of the next step, the end of the frame, or another attempt. */
export type Next = number | RunResult | 'retry';

/** One step execution in progress. */
export type Execution = {
  readonly frame: Frame;
  readonly step: PreparedStep;
  readonly index: number;
  readonly record: StepRecord;
  /** Epoch ms when the execution began. */
  readonly started: number;
  /** Run by a retry action's `stepId`: its goto and end actions are not followed. */
  readonly detour: boolean;
};

/** Traces an HTTP attempt; a workflow step's attempts are the called workflow's own steps, traced there. */
const traceAttempt = (execution: Execution, attempt: Attempt, action: StepOutcome): void => {
  const { frame, step, record } = execution;
  if (step.kind !== 'operation') return;
  const { run } = frame;
  run.trace.push({
    stepId: step.stepId,
    ...nestedKey(frame),
    attempt: record.attempts,
    method: step.method,
    path: redactRun(
      run,
      attempt.built?.pathOnly ?? `${serverOf(run.settings, step).path}${step.pathTemplate}`,
    ),
    statusCode: attempt.response.statusCode,
    action,
    ms: run.settings.now() - attempt.startedAt,
  });
};

/** Ends the execution with `outcome`. */
export const close = (execution: Execution, attempt: Attempt, outcome: StepOutcome): void => {
  traceAttempt(execution, attempt, outcome);
  execution.record.outcome = outcome;
  execution.record.ms = execution.frame.run.settings.now() - execution.started;
};

/** Runs `key` in a new frame with `inputs`: its result, or the frame's failure when it could not start. */
const runOther = async (execution: Execution, key: string): Promise<RunResult> => {
  const { frame, step } = execution;
  const started = await frame.run.flow.startWorkflow(frame, key, frame.inputs);
  if (started.ok) return started.result;
  return failRun(frame, step.stepId, 'evaluation', null, { issues: started.issues });
};

/**
 * A goto to a workflow: a one-way transfer. The target runs with this workflow's inputs; this workflow ends with
 * the target's status (its outputs evaluated over what it has), and so does the run.
 */
export const transfer = async (execution: Execution, key: string): Promise<RunResult> => {
  const result = await runOther(execution, key);
  return finishRun(execution.frame, result.status, result.failure, result.endAction);
};

/** A failure goto: after a transient failure it waits (Retry-After, else backoff) and counts against the budget. */
export const followGoto = async (
  execution: Execution,
  attempt: Attempt,
  goto: PreparedAction,
  failure: {
    readonly reason: FailureReason;
    readonly extra: FailureExtra;
    readonly retryAfterMs?: number;
  },
): Promise<Next> => {
  const { frame, step } = execution;
  const { run } = frame;
  const { settings } = run;
  const statusCode = attempt.response.statusCode;
  const transient = isTransient(statusCode);
  if (transient) run.failureGotos += 1;
  const backoff = (): number =>
    failureGotoBackoffMs(
      run.failureGotos,
      settings.failureGotoBackoffMs,
      settings.maxRetryWaitMs,
      settings.random,
    );
  const waitMs = transient
    ? Math.min(failure.retryAfterMs ?? backoff(), settings.maxRetryWaitMs)
    : 0;
  // Waiting past the deadline cannot succeed: fail now, with what the server answered.
  if (settings.now() + waitMs > run.deadline) {
    close(execution, attempt, 'failure');
    if (attempt.innerFailure !== undefined) return finishRun(frame, 'failed', attempt.innerFailure);
    return failRun(frame, step.stepId, failure.reason, statusCode, failure.extra);
  }
  run.lastGotoFailure = run.lastFailure;
  run.handledFailures.push(
    attempt.innerFailure ??
      classifyStepFailure(frame, step.stepId, failure.reason, statusCode, failure.extra),
  );
  close(execution, attempt, `goto:${goto.targetId}`);
  if (waitMs > 0) await settings.sleep(waitMs, run.signal);
  return goto.workflow === undefined ? goto.target : transfer(execution, goto.workflow);
};

/**
 * Runs a retry's target before the retry: the step (its attempts and retries, not its transfers) or the workflow
 * (docs/arazzo.md §17). Undefined when it succeeded; the frame's failed result when it did not.
 */
const runRetryTarget = async (
  execution: Execution,
  retry: PreparedAction,
): Promise<RunResult | undefined> => {
  const { frame } = execution;
  if (retry.workflow !== undefined) {
    const result = await runOther(execution, retry.workflow);
    return result.status === 'failed' ? finishRun(frame, 'failed', result.failure) : undefined;
  }
  if (retry.target === -1) return undefined;
  const next = await frame.run.flow.executeStep(frame, retry.target, true);
  return typeof next === 'number' ? undefined : next;
};

/** A retry of the same step after its wait (and its target), unless the wait would pass the deadline. */
export const followRetry = async (
  execution: Execution,
  attempt: Attempt,
  retry: PreparedAction,
  waitMs: number,
): Promise<Next> => {
  const { frame, step } = execution;
  const { run } = frame;
  if (run.settings.now() + waitMs > run.deadline) {
    close(execution, attempt, 'failure');
    return failRun(frame, step.stepId, 'deadline', attempt.response.statusCode, {
      ...(attempt.sendError === undefined ? {} : { error: attempt.sendError }),
    });
  }
  traceAttempt(execution, attempt, 'retry');
  await run.settings.sleep(waitMs, run.signal);
  const stopped = await runRetryTarget(execution, retry);
  return stopped ?? 'retry';
};
