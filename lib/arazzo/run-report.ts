/**
 * How a run ends (arazzo.md §7): the workflow's outputs, and failures classified by the injected classifier and
 * redacted of every secret the run knows.
 */
import { evaluateExpression } from './expression.ts';
import type { FailureReason } from './http-port.ts';
import type { EndAction, RunFailure, RunResult } from './run-result.ts';
import { type AttemptFailure, type RunState, redactRun } from './run-state.ts';

/** What a failed attempt adds to its classification. */
export type FailureExtra = {
  readonly bodyText?: string;
  readonly error?: unknown;
  readonly issues?: readonly string[];
};

export const finishRun = (
  run: RunState,
  status: RunResult['status'],
  failure?: RunFailure,
  endAction?: EndAction,
): RunResult => {
  const { inputs, stepOutputs, workflowOutputs } = run;
  const scope = { inputs, stepOutputs, workflowOutputs };
  for (const [name, expression] of run.workflow.outputs) {
    const value = evaluateExpression(expression, scope);
    if (value === undefined) continue;
    workflowOutputs[name] = typeof value === 'string' ? redactRun(run, value) : value;
  }
  return {
    status,
    outputs: workflowOutputs,
    steps: run.steps,
    trace: run.trace,
    ...(failure === undefined ? {} : { failure }),
    ...(endAction === undefined ? {} : { endAction }),
    ...(run.handledFailures.length === 0 ? {} : { handledFailures: run.handledFailures }),
  };
};

export const classifyStepFailure = (
  run: RunState,
  stepId: string,
  reason: FailureReason,
  statusCode: number | null,
  extra: FailureExtra = {},
): RunFailure => {
  const classified = run.settings.classify({
    reason,
    statusCode,
    ...(extra.bodyText === undefined ? {} : { bodyText: redactRun(run, extra.bodyText) }),
    ...(extra.error === undefined ? {} : { error: extra.error }),
    ...(extra.issues === undefined ? {} : { issues: extra.issues }),
  });
  return {
    stepId,
    statusCode,
    reason,
    code: classified.code,
    message: redactRun(run, classified.message),
  };
};

export const failRun = (
  run: RunState,
  stepId: string,
  reason: FailureReason,
  statusCode: number | null,
  extra: FailureExtra = {},
): RunResult =>
  finishRun(run, 'failed', classifyStepFailure(run, stepId, reason, statusCode, extra));

/**
 * Gives up for `reason` (step budget, a refused send) with the classification of the last failed answer of the
 * run, so that the cause (an HTTP status at a step) is not hidden behind the way the run ended.
 */
export const giveUpRun = (
  run: RunState,
  reason: FailureReason,
  fallback: AttemptFailure,
): RunResult => {
  const last = run.lastFailure ?? fallback;
  const classified = run.settings.classify({
    reason: last.reason,
    statusCode: last.statusCode,
    ...(last.bodyText === undefined ? {} : { bodyText: redactRun(run, last.bodyText) }),
    ...(last.error === undefined ? {} : { error: last.error }),
  });
  return finishRun(run, 'failed', {
    stepId: last.stepId,
    statusCode: last.statusCode,
    reason: run.lastFailure === undefined ? fallback.reason : reason,
    code: classified.code,
    message: redactRun(run, classified.message),
  });
};
