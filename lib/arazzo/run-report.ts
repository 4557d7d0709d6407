/**
 * How a run ends (docs/arazzo.md §7): the workflow's outputs, and failures classified by the injected classifier and
 * redacted of every secret the run knows.
 */
import { evaluateExpression } from './expression.ts';
import type { FailureReason } from './http-port.ts';
import type { PreparedStep } from './prepare.ts';
import type { EndAction, RunFailure, RunResult } from './run-result.ts';
import {
  type AttemptFailure,
  type Frame,
  frameScope,
  nestedKey,
  type RunState,
  redactRun,
  redactRunValue,
} from './run-state.ts';

/** What a failed attempt adds to its classification. */
export type FailureExtra = {
  readonly bodyText?: string;
  readonly error?: unknown;
  readonly issues?: readonly string[];
  readonly retryAfterMs?: number;
};

/**
 * Ends the execution of a frame's workflow: its outputs are evaluated (absent ones left out) and, unless it failed,
 * it joins the run's completed workflows. The result carries the run's shared step records and trace.
 */
export const finishRun = (
  frame: Frame,
  status: RunResult['status'],
  failure?: RunFailure,
  endAction?: EndAction,
): RunResult => {
  const { run, workflowOutputs } = frame;
  const scope = frameScope(frame);
  for (const [name, expression] of frame.workflow.outputs) {
    const value = evaluateExpression(expression, scope);
    if (value === undefined) continue;
    // Redacted at any depth: an output may hold a whole body or input object (docs/arazzo.md §7).
    workflowOutputs[name] = redactRunValue(run, value);
  }
  if (status !== 'failed') {
    run.completed.set(frame.workflow.key, { inputs: frame.inputs, outputs: workflowOutputs });
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

type Classifiable = FailureExtra & {
  readonly reason: FailureReason;
  readonly statusCode: number | null;
  readonly source?: string | undefined;
};

/** The source of an operation step, for `StepFailure.source`; nothing for a workflow step. */
export const sourceOf = (step: PreparedStep): { source?: string } =>
  step.kind === 'operation' ? { source: step.source } : {};

/** The source of the frame's step `stepId`, when it is an operation step. */
const sourceOfStep = (frame: Frame, stepId: string): string | undefined => {
  const step = frame.workflow.steps.find((each) => each.stepId === stepId);
  return step?.kind === 'operation' ? step.source : undefined;
};

/** Asks the injected classifier, showing it the body only with the run's secrets removed. */
const classify = (run: RunState, failure: Classifiable): { code: string; message: string } => {
  const { reason, statusCode, bodyText, error, issues, source } = failure;
  const classified = run.settings.classify({
    reason,
    statusCode,
    ...(bodyText === undefined ? {} : { bodyText: redactRun(run, bodyText) }),
    ...(error === undefined ? {} : { error }),
    ...(issues === undefined ? {} : { issues }),
    ...(source === undefined ? {} : { source }),
  });
  return { code: classified.code, message: redactRun(run, classified.message) };
};

export const classifyStepFailure = (
  frame: Frame,
  stepId: string,
  reason: FailureReason,
  statusCode: number | null,
  extra: FailureExtra = {},
): RunFailure => ({
  stepId,
  ...nestedKey(frame),
  statusCode,
  reason,
  ...classify(frame.run, { ...extra, reason, statusCode, source: sourceOfStep(frame, stepId) }),
  ...(extra.retryAfterMs === undefined ? {} : { retryAfterMs: extra.retryAfterMs }),
});

export const failRun = (
  frame: Frame,
  stepId: string,
  reason: FailureReason,
  statusCode: number | null,
  extra: FailureExtra = {},
): RunResult =>
  finishRun(frame, 'failed', classifyStepFailure(frame, stepId, reason, statusCode, extra));

/**
 * Gives up for `reason` (step budget, a refused send) with the classification of `last`, the failed answer that
 * caused it, so that the cause (an HTTP status at a step) is not hidden behind the way the run ended; without one,
 * with the classification of `fallback` (the give-up itself).
 */
export const giveUpRun = (
  frame: Frame,
  reason: FailureReason,
  fallback: AttemptFailure,
  last: AttemptFailure | undefined,
): RunResult => {
  const cause = last ?? fallback;
  const source = last === undefined ? sourceOfStep(frame, fallback.stepId) : last.source;
  // The cause may be a step of another workflow of the run: it names its own.
  const where = last === undefined ? nestedKey(frame).workflowId : last.workflowId;
  return finishRun(frame, 'failed', {
    stepId: cause.stepId,
    ...(where === undefined ? {} : { workflowId: where }),
    statusCode: cause.statusCode,
    reason: last === undefined ? fallback.reason : reason,
    ...classify(frame.run, { ...cause, source }),
    ...(cause.retryAfterMs === undefined ? {} : { retryAfterMs: cause.retryAfterMs }),
  });
};
