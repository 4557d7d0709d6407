/**
 * One attempt of a step: build the request, send it through the injected `Send` within the run's time, read the
 * answer and judge it against the step's success criteria.
 */
import { type BuiltRequest, buildRequest } from './build-request.ts';
import { checkResponse, responseViewOf } from './check-response.ts';
import { criteriaPass } from './criteria.ts';
import type { ExpressionScope, ResponseView } from './expression.ts';
import { type FailureReason, type HttpResponse, isSendRefusal } from './http-port.ts';
import type { PreparedOperationStep } from './prepare.ts';
import { failRun, giveUpRun } from './run-report.ts';
import type { RunFailure, RunResult, StepRecord } from './run-result.ts';
import {
  type AttemptFailure,
  type Frame,
  frameScope,
  nestedKey,
  serverOf,
  stopRun,
} from './run-state.ts';
import { isTransient } from './select-action.ts';

export type Attempt = {
  /** Epoch ms when the attempt began, for its trace entry. */
  readonly startedAt: number;
  readonly built: BuiltRequest | undefined;
  readonly response: ResponseView;
  /** Why the attempt failed before its criteria could be judged; undefined when it got a usable answer. */
  readonly reason: FailureReason | undefined;
  readonly sendError?: unknown;
  readonly bodyText?: string;
  /**
   * The problems behind `reason`, handed to the classifier as `StepFailure.issues`: the body's schema violations for
   * `response-schema`, what could not be evaluated for `evaluation` (docs/arazzo.md §3, §17).
   */
  readonly schemaIssues?: readonly string[];
  /** For a workflow step: the called workflow's failure, innermost step first (docs/arazzo.md §17). */
  readonly innerFailure?: RunFailure;
  readonly scope: ExpressionScope;
  readonly succeeded: boolean;
};

/** Either the attempt, or the run's result when the attempt ended the run (no time left, a refused send). */
export type AttemptResult = { readonly attempt: Attempt } | { readonly stopped: RunResult };

type Sent =
  | { readonly answer: HttpResponse }
  | { readonly reason: FailureReason; readonly sendError: unknown }
  | { readonly stopped: RunResult };

/**
 * What a refused send (budget, open circuit) reports: the failure of this same step's previous attempt when it was
 * transient (the refusal only prolongs it), else nothing, so that the refusal is classified itself. An earlier
 * failure of another step, or one a success has since cleared, says nothing about why this request was not sent.
 */
const refusalCause = (frame: Frame, step: PreparedOperationStep): AttemptFailure | undefined => {
  const last = frame.run.lastFailure;
  const sameStep = last?.stepId === step.stepId && last.workflowId === nestedKey(frame).workflowId;
  if (last === undefined || !sameStep) return undefined;
  const transient =
    last.statusCode === null
      ? last.reason === 'transport' || last.reason === 'timeout'
      : isTransient(last.statusCode);
  return transient ? last : undefined;
};

const send = async (
  frame: Frame,
  step: PreparedOperationStep,
  built: BuiltRequest,
  record: StepRecord,
  started: number,
): Promise<Sent> => {
  const { settings, signal, deadline } = frame.run;
  const timeoutMs = Math.min(settings.requestTimeoutMs, deadline - settings.now());
  if (timeoutMs <= 0) {
    record.ms = settings.now() - started;
    return { stopped: stopRun(frame, failRun(frame, step.stepId, 'deadline', null)) };
  }
  const sendStarted = settings.now();
  try {
    const request = {
      method: step.method,
      url: built.view.url,
      source: step.source,
      headers: built.headers,
      ...(built.body === undefined ? {} : { body: built.body }),
    };
    const options = { signal, timeoutMs, ...(Number.isFinite(deadline) ? { deadline } : {}) };
    return { answer: await settings.send(request, options) };
  } catch (error) {
    if (isSendRefusal(error)) {
      record.ms = settings.now() - started;
      const fallback = {
        stepId: step.stepId,
        ...nestedKey(frame),
        reason: 'transport' as const,
        statusCode: null,
        error,
      };
      const given = giveUpRun(frame, 'transport', fallback, refusalCause(frame, step));
      return { stopped: stopRun(frame, given) };
    }
    const timedOut =
      (error instanceof Error && error.name === 'TimeoutError') ||
      settings.now() - sendStarted >= timeoutMs;
    return {
      reason: signal.aborted ? 'deadline' : timedOut ? 'timeout' : 'transport',
      sendError: error,
    };
  }
};

/** The answer's part of an attempt. */
type Read = Pick<Attempt, 'response' | 'reason' | 'sendError' | 'bodyText' | 'schemaIssues'>;

/** The view of an attempt without an answer (nothing sent, or a workflow step: its status is a failure's). */
export const noAnswer = (statusCode: number | null = null): ResponseView => ({
  statusCode,
  headers: {},
  body: undefined,
});

/** The answer's view, and why it failed before its criteria, if it did. */
const readSent = (
  step: PreparedOperationStep,
  sent: Exclude<Sent, { stopped: RunResult }>,
): Read => {
  if ('reason' in sent)
    return { response: noAnswer(), reason: sent.reason, sendError: sent.sendError };
  const response = responseViewOf(sent.answer);
  const schemaIssues = checkResponse(step, response);
  return {
    response,
    reason: schemaIssues === undefined ? undefined : 'response-schema',
    bodyText: sent.answer.bodyText,
    ...(schemaIssues === undefined ? {} : { schemaIssues }),
  };
};

const succeededBy = (
  step: PreparedOperationStep,
  response: ResponseView,
  scope: ExpressionScope,
) =>
  step.successCriteria.length === 0
    ? response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300
    : criteriaPass(step.successCriteria, scope);

export const performAttempt = async (
  frame: Frame,
  step: PreparedOperationStep,
  record: StepRecord,
  started: number,
): Promise<AttemptResult> => {
  const { run } = frame;
  run.executions += 1;
  record.attempts += 1;
  const startedAt = run.settings.now();
  const scopeBase = frameScope(frame);
  const errors: string[] = [];
  const server = serverOf(run.settings, step);
  const built = buildRequest(server, step, scopeBase, errors, run.runSecrets);
  // A request that could not be built names its problems, so that the failure says which value was at fault.
  let read: Read = { response: noAnswer(), reason: 'evaluation', schemaIssues: errors };
  if (built !== undefined) {
    const sent = await send(frame, step, built, record, started);
    if ('stopped' in sent) return sent;
    read = readSent(step, sent);
  }
  const scope: ExpressionScope = { ...scopeBase, request: built?.view, response: read.response };
  record.statusCode = read.response.statusCode;
  const succeeded = read.reason === undefined && succeededBy(step, read.response, scope);
  record.succeeded = succeeded;
  return { attempt: { ...read, startedAt, built, scope, succeeded } };
};
