/**
 * The run loop (docs/arazzo.md §6, §7): steps in order, each executed in attempts until an action moves the flow on,
 * every step execution counted against the run's budget.
 */
import { type Attempt, performAttempt } from './attempt.ts';
import { evaluateExpression } from './expression.ts';
import type { FailureReason } from './http-port.ts';
import type { PreparedAction, PreparedStep, PreparedWorkflow } from './prepare.ts';
import { parseRetryAfterMs } from './retry-after.ts';
import {
  classifyStepFailure,
  type FailureExtra,
  failRun,
  finishRun,
  giveUpRun,
} from './run-report.ts';
import type { RunResult, StepOutcome, StepRecord } from './run-result.ts';
import {
  createRunState,
  type RunnerSettings,
  type RunState,
  redactRun,
  serverOf,
} from './run-state.ts';
import {
  chooseFailureAction,
  failureGotoBackoffMs,
  firstMatching,
  isTransient,
} from './select-action.ts';

/** Where a step execution leads: the index of the next step, the end of the run, or another attempt. */
type Next = number | RunResult | 'retry';

/** One step execution in progress. */
type Execution = {
  readonly run: RunState;
  readonly step: PreparedStep;
  readonly index: number;
  readonly record: StepRecord;
  /** Epoch ms when the execution began. */
  readonly started: number;
};

const traceAttempt = (execution: Execution, attempt: Attempt, action: StepOutcome): void => {
  const { run, step, record } = execution;
  run.trace.push({
    stepId: step.stepId,
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
const close = (execution: Execution, attempt: Attempt, outcome: StepOutcome): void => {
  traceAttempt(execution, attempt, outcome);
  execution.record.outcome = outcome;
  execution.record.ms = execution.run.settings.now() - execution.started;
};

const onSuccess = (execution: Execution, attempt: Attempt): Next => {
  const { run, step } = execution;
  run.lastFailure = undefined;
  const outputs: Record<string, unknown> = {};
  for (const [name, expression] of step.outputs) {
    const value = evaluateExpression(expression, attempt.scope);
    if (value !== undefined) outputs[name] = value;
  }
  run.stepOutputs.set(step.stepId, outputs);
  const action = firstMatching(step.onSuccess, attempt.scope);
  if (action?.type === 'end') {
    close(execution, attempt, 'end');
    return finishRun(run, 'ended', undefined, { stepId: step.stepId, name: action.name });
  }
  if (action?.type === 'goto') {
    close(execution, attempt, `goto:${action.targetId}`);
    return action.target;
  }
  close(execution, attempt, 'success');
  return execution.index + 1;
};

/** A failure goto: after a transient failure it waits (Retry-After, else backoff) and counts against the budget. */
const followGoto = async (
  execution: Execution,
  attempt: Attempt,
  goto: PreparedAction,
  failure: {
    readonly reason: FailureReason;
    readonly extra: FailureExtra;
    readonly retryAfterMs?: number;
  },
): Promise<Next> => {
  const { run, step } = execution;
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
    return failRun(run, step.stepId, failure.reason, statusCode, failure.extra);
  }
  run.lastGotoFailure = run.lastFailure;
  run.handledFailures.push(
    classifyStepFailure(run, step.stepId, failure.reason, statusCode, failure.extra),
  );
  close(execution, attempt, `goto:${goto.targetId}`);
  if (waitMs > 0) await settings.sleep(waitMs, run.signal);
  return goto.target;
};

/** A retry of the same step after its wait, unless the wait would pass the deadline. */
const followRetry = async (
  execution: Execution,
  attempt: Attempt,
  waitMs: number,
): Promise<Next> => {
  const { run, step } = execution;
  if (run.settings.now() + waitMs > run.deadline) {
    close(execution, attempt, 'failure');
    return failRun(run, step.stepId, 'deadline', attempt.response.statusCode, {
      ...(attempt.sendError === undefined ? {} : { error: attempt.sendError }),
    });
  }
  traceAttempt(execution, attempt, 'retry');
  await run.settings.sleep(waitMs, run.signal);
  return 'retry';
};

const onFailure = async (execution: Execution, attempt: Attempt): Promise<Next> => {
  const { run, step } = execution;
  const { settings } = run;
  const { response, bodyText, sendError, schemaIssues } = attempt;
  const reason: FailureReason = attempt.reason ?? 'criteria';
  const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], settings.now());
  run.lastFailure = {
    stepId: step.stepId,
    reason,
    statusCode: response.statusCode,
    ...(bodyText === undefined ? {} : { bodyText }),
    ...(sendError === undefined ? {} : { error: sendError }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  const choice = chooseFailureAction(step.onFailure, {
    scope: attempt.scope,
    statusCode: response.statusCode,
    retryAfterMs,
    counters: run.counters,
    failureGotos: run.failureGotos,
    maxFailureGotos: settings.maxFailureGotos,
    maxRetryWaitMs: settings.maxRetryWaitMs,
  });
  const extra: FailureExtra = {
    ...(bodyText === undefined ? {} : { bodyText }),
    ...(sendError === undefined ? {} : { error: sendError }),
    ...(schemaIssues === undefined ? {} : { issues: schemaIssues }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  const chosen = choice.action;
  if (chosen === undefined || chosen.type === 'end') {
    close(execution, attempt, chosen === undefined ? 'failure' : 'end');
    const why = chosen === undefined ? reason : 'end-action';
    return failRun(run, step.stepId, why, response.statusCode, extra);
  }
  if (chosen.type === 'goto') {
    return followGoto(execution, attempt, chosen, {
      reason,
      extra,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return followRetry(execution, attempt, choice.retryWaitMs ?? 0);
};

/** Stops the run before an attempt when the step budget is spent or the time is up. */
const stopBeforeAttempt = (execution: Execution): RunResult | undefined => {
  const { run, step, record } = execution;
  if (run.executions >= run.settings.maxSteps) {
    const fallback = {
      stepId: step.stepId,
      reason: 'step-budget' as const,
      statusCode: record.statusCode,
    };
    return giveUpRun(run, 'step-budget', fallback, run.lastFailure ?? run.lastGotoFailure);
  }
  if (run.signal.aborted || run.settings.now() >= run.deadline) {
    record.ms = run.settings.now() - execution.started;
    return failRun(run, step.stepId, 'deadline', record.statusCode);
  }
  return undefined;
};

const executeStep = async (run: RunState, index: number): Promise<number | RunResult> => {
  const step = run.workflow.steps[index] as PreparedStep;
  const record: StepRecord = {
    stepId: step.stepId,
    attempts: 0,
    statusCode: null,
    ms: 0,
    outcome: 'failure',
    succeeded: false,
  };
  run.steps.push(record);
  const execution: Execution = { run, step, index, record, started: run.settings.now() };
  // Bounded by maxSteps: each attempt counts one execution.
  for (;;) {
    const stopped = stopBeforeAttempt(execution);
    if (stopped !== undefined) return stopped;
    const result = await performAttempt(run, step, record, execution.started);
    if ('stopped' in result) return result.stopped;
    const { attempt } = result;
    const next = attempt.succeeded
      ? onSuccess(execution, attempt)
      : await onFailure(execution, attempt);
    if (next !== 'retry') return next;
  }
};

export const runWorkflow = async (
  settings: RunnerSettings,
  workflow: PreparedWorkflow,
  inputs: Readonly<Record<string, unknown>>,
  options: { readonly signal?: AbortSignal; readonly deadline?: number },
): Promise<RunResult> => {
  const run = createRunState(settings, workflow, inputs, options);
  let index = 0;
  // Bounded: every pass either returns or counts at least one step execution against maxSteps.
  while (index < workflow.steps.length) {
    const next = await executeStep(run, index);
    if (typeof next !== 'number') return next;
    index = next;
  }
  return finishRun(run, 'completed');
};
