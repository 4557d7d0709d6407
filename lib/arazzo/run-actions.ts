/**
 * Where a failure or success action sends the flow (docs/arazzo.md §6, §17): a goto within the workflow or to
 * another one, a retry of the step (after running a target step or workflow, when the action names one).
 */
import type { Attempt } from './attempt.ts';
import type { FailureReason } from './http-port.ts';
import type { PreparedAction, PreparedStep } from './prepare.ts';
import { classifyStepFailure, type FailureExtra, failRun, finishRun } from './run-report.ts';
import type { RunFailure, RunResult, StepOutcome, StepRecord } from './run-result.ts';
import {
  type Frame,
  type FrameEnd,
  nestedKey,
  redactRun,
  serverOf,
  stopRun,
  type Transfer,
} from './run-state.ts';
import { failureGotoBackoffMs, isTransient } from './select-action.ts';

/** Where a step execution leads: the index of the next step, the end of the frame, or another attempt. */
export type Next = number | FrameEnd | 'retry';

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

/** A goto to a workflow: a one-way transfer; the target takes this frame's place (run-frame.ts, §17). */
export const transfer = (execution: Execution, key: string): Transfer => ({
  transfer: key,
  stepId: execution.step.stepId,
});

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
    const failed =
      attempt.innerFailure === undefined
        ? failRun(frame, step.stepId, failure.reason, statusCode, failure.extra)
        : finishRun(frame, 'failed', attempt.innerFailure);
    return stopRun(frame, failed);
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
 * with the current inputs (docs/arazzo.md §17). Undefined when it succeeded; else the failure that fails the run,
 * or the frame's result when a failed target step already ended the frame.
 */
const runRetryTarget = async (
  execution: Execution,
  retry: PreparedAction,
): Promise<RunFailure | RunResult | undefined> => {
  const { frame, step } = execution;
  const { run } = frame;
  if (retry.workflow !== undefined) {
    const started = await run.flow.startWorkflow(frame, retry.workflow, frame.inputs);
    if (started.ok) return started.result.failure;
    const failure = classifyStepFailure(frame, step.stepId, 'evaluation', null, {
      issues: started.issues,
    });
    if (started.why === 'depth') run.stopped ??= failure;
    return failure;
  }
  if (retry.target === -1) return undefined;
  const next = await run.flow.executeStep(frame, retry.target, true);
  // A detour follows no goto: it ends in the next index or the frame's failed result.
  return typeof next === 'number' || 'transfer' in next ? undefined : next;
};

/** Closes a step whose retry target failed: its trace entry said `retry`; it now says how the step ended. */
const closeAfterTarget = (execution: Execution, traced: number | undefined): void => {
  const { run } = execution.frame;
  const entry = traced === undefined ? undefined : run.trace[traced];
  if (traced !== undefined && entry !== undefined)
    run.trace[traced] = { ...entry, action: 'failure' };
  execution.record.outcome = 'failure';
  execution.record.ms = run.settings.now() - execution.started;
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
    const failed = failRun(frame, step.stepId, 'deadline', attempt.response.statusCode, {
      ...(attempt.sendError === undefined ? {} : { error: attempt.sendError }),
    });
    return stopRun(frame, failed);
  }
  const traced = step.kind === 'operation' ? run.trace.length : undefined;
  traceAttempt(execution, attempt, 'retry');
  await run.settings.sleep(waitMs, run.signal);
  const failed = await runRetryTarget(execution, retry);
  if (failed === undefined) return 'retry';
  closeAfterTarget(execution, traced);
  return 'status' in failed ? failed : finishRun(frame, 'failed', failed);
};
