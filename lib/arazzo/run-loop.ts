/**
 * One step execution (docs/arazzo.md §6, §17): attempts until an action moves the flow on, every attempt counted
 * against the run's budget. An operation step sends a request; a workflow step runs its workflow in a new frame.
 */
import { type Attempt, performAttempt } from './attempt.ts';
import { evaluateExpression } from './expression.ts';
import type { FailureReason } from './http-port.ts';
import type { PreparedStep } from './prepare.ts';
import { parseRetryAfterMs } from './retry-after.ts';
import {
  close,
  type Execution,
  followGoto,
  followRetry,
  type Next,
  transfer,
} from './run-actions.ts';
import { type FailureExtra, failRun, finishRun, giveUpRun, sourceOf } from './run-report.ts';
import type { RunResult, StepRecord } from './run-result.ts';
import { type Frame, type FrameEnd, nestedKey, stopRun } from './run-state.ts';
import { chooseFailureAction, firstMatching } from './select-action.ts';
import { performWorkflowAttempt } from './workflow-attempt.ts';

const onSuccess = async (execution: Execution, attempt: Attempt): Promise<Next> => {
  const { frame, step } = execution;
  frame.run.lastFailure = undefined;
  const outputs: Record<string, unknown> = {};
  for (const [name, expression] of step.outputs) {
    const value = evaluateExpression(expression, attempt.scope);
    if (value !== undefined) outputs[name] = value;
  }
  frame.stepOutputs.set(step.stepId, outputs);
  // A step run by a retry action returns to that retry: its own transfers are not followed.
  const action = execution.detour ? undefined : firstMatching(step.onSuccess, attempt.scope);
  if (action?.type === 'end') {
    close(execution, attempt, 'end');
    const endAction = { stepId: step.stepId, name: action.name, ...nestedKey(frame) };
    return finishRun(frame, 'ended', undefined, endAction);
  }
  if (action?.type === 'goto') {
    close(execution, attempt, `goto:${action.targetId}`);
    return action.workflow === undefined ? action.target : transfer(execution, action.workflow);
  }
  close(execution, attempt, 'success');
  return execution.index + 1;
};

/** The failure's details for the classifier. */
const extraOf = (attempt: Attempt, retryAfterMs: number | undefined): FailureExtra => ({
  ...(attempt.bodyText === undefined ? {} : { bodyText: attempt.bodyText }),
  ...(attempt.sendError === undefined ? {} : { error: attempt.sendError }),
  ...(attempt.schemaIssues === undefined ? {} : { issues: attempt.schemaIssues }),
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

/** The server's Retry-After, or for a workflow step the one its called workflow failed with. */
const retryAfterOf = (execution: Execution, attempt: Attempt): number | undefined =>
  attempt.innerFailure === undefined
    ? parseRetryAfterMs(attempt.response.headers['retry-after'], execution.frame.run.settings.now())
    : attempt.innerFailure.retryAfterMs;

const onFailure = async (execution: Execution, attempt: Attempt): Promise<Next> => {
  const { frame, step } = execution;
  const { run } = frame;
  const { response, innerFailure } = attempt;
  const reason: FailureReason = attempt.reason ?? 'criteria';
  const retryAfterMs = retryAfterOf(execution, attempt);
  const extra = extraOf(attempt, retryAfterMs);
  // A called workflow's failure already left its own step as the run's last failure.
  if (innerFailure === undefined) {
    const { issues: _issues, ...cause } = extra;
    const statusCode = response.statusCode;
    run.lastFailure = {
      stepId: step.stepId,
      ...nestedKey(frame),
      ...sourceOf(step),
      reason,
      statusCode,
      ...cause,
    };
  }
  const actions = execution.detour
    ? step.onFailure.filter((action) => action.type === 'retry')
    : step.onFailure;
  const choice = chooseFailureAction(actions, {
    scope: attempt.scope,
    statusCode: response.statusCode,
    retryAfterMs,
    counters: frame.counters,
    failureGotos: run.failureGotos,
    maxFailureGotos: run.settings.maxFailureGotos,
    maxRetryWaitMs: run.settings.maxRetryWaitMs,
  });
  const chosen = choice.action;
  if (chosen === undefined || chosen.type === 'end') {
    close(execution, attempt, chosen === undefined ? 'failure' : 'end');
    // Without an action, the run fails where the called workflow failed (its innermost step).
    if (chosen === undefined && innerFailure !== undefined) {
      return finishRun(frame, 'failed', innerFailure);
    }
    const why = chosen === undefined ? reason : 'end-action';
    return failRun(frame, step.stepId, why, response.statusCode, extra);
  }
  if (chosen.type === 'goto') {
    return followGoto(execution, attempt, chosen, {
      reason,
      extra,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return followRetry(execution, attempt, chosen, choice.retryWaitMs ?? 0);
};

/**
 * Stops the run before an attempt when the step budget is spent or the time is up. Without a failed answer to blame,
 * the budget's failure is this step's, with the status of the run's last answer (docs/arazzo.md §6): every attempt
 * that sent a request is traced before the next one starts.
 */
const stopBeforeAttempt = (execution: Execution): RunResult | undefined => {
  const { frame, step, record } = execution;
  const { run } = frame;
  if (run.executions >= run.settings.maxSteps) {
    const fallback = {
      stepId: step.stepId,
      ...nestedKey(frame),
      reason: 'step-budget' as const,
      statusCode: run.trace.at(-1)?.statusCode ?? null,
    };
    return stopRun(
      frame,
      giveUpRun(frame, 'step-budget', fallback, run.lastFailure ?? run.lastGotoFailure),
    );
  }
  if (run.signal.aborted || run.settings.now() >= run.deadline) {
    record.ms = run.settings.now() - execution.started;
    return stopRun(frame, failRun(frame, step.stepId, 'deadline', record.statusCode));
  }
  return undefined;
};

/**
 * Executes the step at `index` of the frame's workflow: the index of the next step, or the frame's result. A
 * `detour` (a step run by a retry action) follows neither goto nor end actions.
 */
export const executeStep = async (
  frame: Frame,
  index: number,
  detour: boolean,
): Promise<number | FrameEnd> => {
  const step = frame.workflow.steps[index] as PreparedStep;
  const record: StepRecord = {
    stepId: step.stepId,
    ...nestedKey(frame),
    attempts: 0,
    statusCode: null,
    ms: 0,
    outcome: 'failure',
    succeeded: false,
  };
  const started = frame.run.settings.now();
  const execution: Execution = { frame, step, index, record, started, detour };
  // Bounded by maxSteps: each attempt counts one execution.
  for (;;) {
    const stopped = stopBeforeAttempt(execution);
    if (stopped !== undefined) return stopped;
    // Recorded when its first attempt starts, so before a called workflow's steps (docs/arazzo.md §17); an
    // execution the budget or the deadline did not let start has no record.
    if (record.attempts === 0) frame.run.steps.push(record);
    const result =
      step.kind === 'operation'
        ? await performAttempt(frame, step, record, started)
        : await performWorkflowAttempt(frame, step, record, started);
    if ('stopped' in result) return result.stopped;
    const { attempt } = result;
    const next = attempt.succeeded
      ? await onSuccess(execution, attempt)
      : await onFailure(execution, attempt);
    if (next !== 'retry') return next;
  }
};
