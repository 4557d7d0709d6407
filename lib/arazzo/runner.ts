/**
 * Runs a prepared workflow (arazzo.md §2, §6, §7, §12): builds each request from the document, sends it through the
 * injected `Send`, judges it with the step's criteria and follows the actions. API failures come back as a
 * `RunResult` with status `failed`; only invalid inputs, an unknown workflow or a bug throw.
 */
import { InvalidMessageError, redactSecrets, WorkflowDocumentError } from '../errors.ts';
import type { CompiledDocument } from './compiled-document.ts';
import { evaluateCondition } from './condition.ts';
import {
  type ExpressionScope,
  evaluateExpression,
  type RequestView,
  type ResponseView,
  stringifyEmbedded,
} from './expression.ts';
import {
  type ClassifyFailure,
  type FailureReason,
  type HttpResponse,
  isSendRefusal,
  type Send,
} from './http-port.ts';
import { resolveTokens } from './json-pointer.ts';
import { jsonPathMatches } from './jsonpath.ts';
import {
  evaluatePlan,
  type PreparedAction,
  type PreparedCriterion,
  type PreparedDocument,
  type PreparedStep,
  type PreparedWorkflow,
  prepareDocument,
} from './prepare.ts';

export type WorkflowRunnerOptions = {
  /** The configured server; every request goes to `baseUrl + path template`, and only to its origin. */
  readonly baseUrl: string;
  readonly send: Send;
  readonly classify: ClassifyFailure;
  /** Step executions per run, retries included. Default 25. */
  readonly maxSteps?: number;
  /** Cap on one retry wait (retryAfter or Retry-After). Default 10 000 ms. */
  readonly maxRetryWaitMs?: number;
  /** Per-request timeout, further capped by the deadline. Default 10 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Values redacted from the trace, failure messages and outputs (for example the API key). */
  readonly secrets?: readonly string[] | (() => readonly string[]);
  /** Test seam for retry waits; must resolve early when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Test seam for the clock (epoch ms). */
  readonly now?: () => number;
  /** Test seam for the backoff jitter: uniform in [0, 1). */
  readonly random?: () => number;
  /**
   * Failure actions of type `goto` one run may take after a transient failure (no answer, 408, 429, 5xx: a failed
   * write going back to its read). Past it, the run fails with the failed answer's classification. Default 3.
   */
  readonly maxFailureGotos?: number;
  /**
   * Wait before such a goto when the answer names no Retry-After: base × 2^(n−1) for the n-th of the run, capped at
   * `maxRetryWaitMs`, jittered down by up to half. Default 500 ms. A goto after a definite answer (another 4xx, a
   * 2xx failing its criteria) neither waits nor counts.
   */
  readonly failureGotoBackoffMs?: number;
};

/**
 * The wait before the `attempt`-th failure goto of a run (1-based): `base × 2^(attempt−1)` capped at `maxMs`, then
 * scaled into [½, 1] by `random`, so that concurrent runs spread out but never wait less than half the step.
 */
export const failureGotoBackoffMs = (
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number => {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (1 - random() / 2));
};

export type RunOptions = {
  /** Aborts the run (for example middy's early-timeout signal). */
  readonly signal?: AbortSignal;
  /** Absolute deadline, epoch ms. A retry wait that would pass it fails the run with reason `deadline`. */
  readonly deadline?: number;
};

/** What happened to one step execution (all its attempts): where the flow went next. */
export type StepOutcome = 'success' | 'end' | 'retry' | 'failure' | `goto:${string}`;

export type StepRecord = {
  readonly stepId: string;
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
  readonly statusCode: number | null;
  readonly reason: FailureReason;
  /** From the injected classifier, e.g. AMBERFLO_UNAVAILABLE. */
  readonly code: string;
  readonly message: string;
};

/** Which success action ended the run: lets a caller tell apart the document's different `end`s. */
export type EndAction = { readonly stepId: string; readonly name: string };

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

export type WorkflowRunner = {
  /**
   * Runs one workflow. Throws InvalidMessageError (with `details.issues`) for invalid inputs before any request,
   * and WorkflowDocumentError for an unknown workflow; every API failure is a `failed` result instead.
   */
  readonly run: (
    workflowId: string,
    inputs: Readonly<Record<string, unknown>>,
    options?: RunOptions,
  ) => Promise<RunResult>;
  readonly workflowIds: readonly string[];
};

const NEVER_ABORTED = new AbortController().signal;

/** No answer, 408, 429 or 5xx (RFC 9110): the server may answer differently later. */
const isTransient = (statusCode: number | null): boolean =>
  statusCode === null || statusCode === 408 || statusCode === 429 || statusCode >= 500;

/** A failed attempt, kept so that a run that gives up later still reports what Amberflo last said. */
type AttemptFailure = {
  readonly stepId: string;
  readonly reason: FailureReason;
  readonly statusCode: number | null;
  readonly bodyText?: string;
  readonly error?: unknown;
};
const SENSITIVE_HEADERS = new Set(['x-api-key', 'authorization', 'cookie', 'proxy-authorization']);

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Delta-seconds or an HTTP date (RFC 9110 §10.2.3) in ms from now; undefined when unusable. */
export const parseRetryAfterMs = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const parseBody = (text: string): unknown => {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: expressions see the raw text (arazzo.md §8).
    return text;
  }
};

type BuiltRequest = {
  readonly view: RequestView;
  readonly pathOnly: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
};

const scalarText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

const applyReplacement = (
  body: unknown,
  tokens: readonly string[],
  value: unknown,
  errors: string[],
): unknown => {
  if (tokens.length === 0) return value;
  const parent = resolveTokens(body, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : /^(0|[1-9][0-9]*)$/.test(last) ? Number(last) : -1;
    if (index < 0 || index > parent.length) {
      errors.push(`replacement target index "${last}" is out of range`);
    } else if (value === undefined) {
      if (index < parent.length) parent.splice(index, 1);
    } else {
      parent[index] = value;
    }
  } else if (isRecord(parent)) {
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  } else {
    errors.push(`replacement target parent of "${last}" does not exist`);
  }
  return body;
};

/**
 * Creates a runner for a compiled (or already prepared) document. Preparation happens here, once: keep the runner
 * at module scope. Throws WorkflowDocumentError when the document cannot be prepared or `baseUrl` is not http(s).
 */
export const createWorkflowRunner = (
  document: CompiledDocument | PreparedDocument,
  options: WorkflowRunnerOptions,
): WorkflowRunner => {
  const prepared = 'prepared' in document ? document : prepareDocument(document);
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (cause) {
    throw new WorkflowDocumentError('Runner base URL is not a valid URL', {}, { cause });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new WorkflowDocumentError('Runner base URL must use http or https');
  }
  const baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const basePath = base.pathname.replace(/\/+$/, '');
  const origin = base.origin;
  const maxSteps = options.maxSteps ?? 25;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 10_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const maxFailureGotos = options.maxFailureGotos ?? 3;
  const gotoBackoffMs = options.failureGotoBackoffMs ?? 500;
  const configuredSecrets = (): readonly string[] =>
    typeof options.secrets === 'function' ? options.secrets() : (options.secrets ?? []);

  const buildRequest = (
    step: PreparedStep,
    scope: ExpressionScope,
    errors: string[],
    runSecrets: Set<string>,
  ): BuiltRequest | undefined => {
    const headers: Record<string, string> = {};
    const query = new URLSearchParams();
    const queryView: Record<string, string> = {};
    const pathView: Record<string, string> = {};
    const cookies: string[] = [];
    for (const parameter of step.parameters) {
      const value = evaluatePlan(parameter.plan, scope, errors);
      if (value === undefined) {
        if (parameter.in === 'path') errors.push(`path parameter "${parameter.name}" is absent`);
        continue;
      }
      const text = scalarText(value);
      if (text === undefined) {
        errors.push(`${parameter.in} parameter "${parameter.name}" is not a scalar`);
        continue;
      }
      if (parameter.in === 'header') {
        if (/[\r\n]/.test(text)) {
          errors.push(`header "${parameter.name}" contains CR or LF`);
          continue;
        }
        const name = parameter.name.toLowerCase();
        headers[name] = text;
        if (SENSITIVE_HEADERS.has(name)) runSecrets.add(text);
      } else if (parameter.in === 'query') {
        query.append(parameter.name, text);
        queryView[parameter.name] = text;
      } else if (parameter.in === 'path') {
        if (text === '.' || text === '..') {
          errors.push(`path parameter "${parameter.name}" must not be "." or ".."`);
          continue;
        }
        pathView[parameter.name] = text;
      } else {
        cookies.push(`${parameter.name}=${encodeURIComponent(text)}`);
      }
    }
    if (cookies.length > 0) {
      const cookie = cookies.join('; ');
      Object.assign(headers, { cookie });
      runSecrets.add(cookie);
    }
    let path = '';
    for (const part of step.pathParts) {
      if (typeof part === 'string') {
        path += part;
        continue;
      }
      const value = pathView[part.param];
      if (value === undefined) {
        if (!errors.some((error) => error.includes(`"${part.param}"`))) {
          errors.push(`path parameter "${part.param}" is absent`);
        }
        continue;
      }
      path += encodeURIComponent(value);
    }
    let bodyValue: unknown;
    let body: string | undefined;
    if (step.body !== undefined) {
      bodyValue =
        step.body.plan === undefined ? undefined : evaluatePlan(step.body.plan, scope, errors);
      if (step.body.replacements.length > 0) {
        // Literal subtrees are shared with the prepared plan: copy before mutating.
        bodyValue = bodyValue === undefined ? undefined : structuredClone(bodyValue);
        for (const replacement of step.body.replacements) {
          const value = evaluatePlan(replacement.plan, scope, errors);
          bodyValue = applyReplacement(bodyValue, replacement.tokens, value, errors);
        }
      }
      if (bodyValue !== undefined) {
        if (step.body.encoding === 'json') {
          body = JSON.stringify(bodyValue);
        } else if (step.body.encoding === 'form') {
          if (isRecord(bodyValue)) {
            const form = new URLSearchParams();
            for (const [key, value] of Object.entries(bodyValue)) {
              form.append(key, stringifyEmbedded(value));
            }
            body = form.toString();
          } else {
            errors.push('a form-encoded payload must be an object');
          }
        } else if (typeof bodyValue === 'string') {
          body = bodyValue;
        } else {
          errors.push('a text/plain payload must be a string');
        }
        if (body !== undefined && !Object.hasOwn(headers, 'content-type')) {
          headers['content-type'] = step.body.contentType;
        }
      }
    }
    if (errors.length > 0) return undefined;
    const search = query.toString();
    const url = `${baseUrl}${path}${search === '' ? '' : `?${search}`}`;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      errors.push('the request URL is invalid');
      return undefined;
    }
    if (target.origin !== origin || !target.pathname.startsWith(basePath)) {
      errors.push('the request URL leaves the configured server');
      return undefined;
    }
    return {
      view: {
        url,
        method: step.method,
        headers,
        query: queryView,
        path: pathView,
        body: bodyValue,
      },
      pathOnly: `${basePath}${path}`,
      headers,
      body,
    };
  };

  const criteriaPass = (
    criteria: readonly PreparedCriterion[],
    scope: ExpressionScope,
  ): boolean => {
    for (const criterion of criteria) {
      if (criterion.kind === 'simple') {
        if (!evaluateCondition(criterion.node, scope)) return false;
        continue;
      }
      const subject = evaluateExpression(criterion.context, scope);
      if (criterion.kind === 'jsonpath') {
        if (!jsonPathMatches(criterion.parts, subject, scope)) return false;
        continue;
      }
      if (subject === undefined || subject === null) return false;
      if (!criterion.regex.test(stringifyEmbedded(subject))) return false;
    }
    return true;
  };

  /** Issues when a success status comes with a body that is not the documented JSON; undefined when it is. */
  const checkResponse = (step: PreparedStep, response: ResponseView): string[] | undefined => {
    const status = String(response.statusCode);
    const check = step.responseChecks.get(status) ?? step.responseChecks.get(`${status[0]}XX`);
    if (check === undefined) return undefined;
    const issues: string[] = [];
    check(response.body, '', issues);
    return issues.length === 0 ? undefined : issues;
  };

  const firstMatching = (
    actions: readonly PreparedAction[],
    scope: ExpressionScope,
  ): PreparedAction | undefined => actions.find((action) => criteriaPass(action.criteria, scope));

  const runWorkflow = async (
    workflow: PreparedWorkflow,
    inputs: Readonly<Record<string, unknown>>,
    runOptions: RunOptions,
  ): Promise<RunResult> => {
    const signal = runOptions.signal ?? NEVER_ABORTED;
    const deadline = runOptions.deadline ?? Number.POSITIVE_INFINITY;
    const runSecrets = new Set<string>(configuredSecrets());
    for (const path of workflow.passwordPaths) {
      const value = resolveTokens(inputs, path);
      if (typeof value === 'string') runSecrets.add(value);
    }
    const secretList = (): string[] => [...runSecrets];
    const redact = (text: string): string =>
      runSecrets.size === 0 ? text : redactSecrets(text, secretList());
    const stepOutputs = new Map<string, Record<string, unknown>>();
    const workflowOutputs: Record<string, unknown> = {};
    const counters = new Map<string, number>();
    const steps: StepRecord[] = [];
    const trace: TraceEntry[] = [];
    let executions = 0;
    let failureGotos = 0;
    let lastFailure: AttemptFailure | undefined;
    let index = 0;

    const handledFailures: RunFailure[] = [];

    const finish = (
      status: RunResult['status'],
      failure?: RunFailure,
      endAction?: EndAction,
    ): RunResult => {
      const scope: ExpressionScope = { inputs, stepOutputs, workflowOutputs };
      for (const [name, expression] of workflow.outputs) {
        const value = evaluateExpression(expression, scope);
        if (value === undefined) continue;
        workflowOutputs[name] =
          typeof value === 'string' && runSecrets.size > 0 ? redact(value) : value;
      }
      return {
        status,
        outputs: workflowOutputs,
        steps,
        trace,
        ...(failure === undefined ? {} : { failure }),
        ...(endAction === undefined ? {} : { endAction }),
        ...(handledFailures.length === 0 ? {} : { handledFailures }),
      };
    };

    type FailureExtra = { bodyText?: string; error?: unknown; issues?: readonly string[] };

    const classifyStep = (
      stepId: string,
      reason: FailureReason,
      statusCode: number | null,
      extra: FailureExtra = {},
    ): RunFailure => {
      const classified = options.classify({
        reason,
        statusCode,
        ...(extra.bodyText === undefined ? {} : { bodyText: redact(extra.bodyText) }),
        ...(extra.error === undefined ? {} : { error: extra.error }),
        ...(extra.issues === undefined ? {} : { issues: extra.issues }),
      });
      return {
        stepId,
        statusCode,
        reason,
        code: classified.code,
        message: redact(classified.message),
      };
    };

    const fail = (
      stepId: string,
      reason: FailureReason,
      statusCode: number | null,
      extra: FailureExtra = {},
    ): RunResult => finish('failed', classifyStep(stepId, reason, statusCode, extra));

    /**
     * Gives up for `reason` (step budget, a refused send) with the classification of the last failed answer of the
     * run, so that the cause (an HTTP status at a step) is not hidden behind the way the run ended.
     */
    const giveUp = (reason: FailureReason, fallback: AttemptFailure): RunResult => {
      const last = lastFailure ?? fallback;
      const classified = options.classify({
        reason: last.reason,
        statusCode: last.statusCode,
        ...(last.bodyText === undefined ? {} : { bodyText: redact(last.bodyText) }),
        ...(last.error === undefined ? {} : { error: last.error }),
      });
      return finish('failed', {
        stepId: last.stepId,
        statusCode: last.statusCode,
        reason: lastFailure === undefined ? fallback.reason : reason,
        code: classified.code,
        message: redact(classified.message),
      });
    };

    // Bounded: every pass either returns or counts one step execution against maxSteps.
    while (index < workflow.steps.length) {
      const step = workflow.steps[index] as PreparedStep;
      const record: StepRecord = {
        stepId: step.stepId,
        attempts: 0,
        statusCode: null,
        ms: 0,
        outcome: 'failure',
        succeeded: false,
      };
      steps.push(record);
      const started = now();
      let next: number | undefined;
      // Bounded by maxSteps: each attempt counts one execution.
      for (;;) {
        if (executions >= maxSteps) {
          return giveUp('step-budget', {
            stepId: step.stepId,
            reason: 'step-budget',
            statusCode: record.statusCode,
          });
        }
        if (signal.aborted || now() >= deadline) {
          record.ms = now() - started;
          return fail(step.stepId, 'deadline', record.statusCode);
        }
        executions += 1;
        record.attempts += 1;
        const attemptStarted = now();
        const scopeBase = { inputs, stepOutputs, workflowOutputs };
        const errors: string[] = [];
        const built = buildRequest(step, scopeBase, errors, runSecrets);
        let response: ResponseView = { statusCode: null, headers: {}, body: undefined };
        let reason: FailureReason | undefined;
        let sendError: unknown;
        let bodyText: string | undefined;
        let schemaIssues: string[] | undefined;
        if (built === undefined) {
          reason = 'evaluation';
        } else {
          const timeoutMs = Math.min(requestTimeoutMs, deadline - now());
          if (timeoutMs <= 0) {
            record.ms = now() - started;
            return fail(step.stepId, 'deadline', null);
          }
          const sendStarted = now();
          let answer: HttpResponse | undefined;
          try {
            answer = await options.send(
              {
                method: step.method,
                url: built.view.url,
                headers: built.headers,
                ...(built.body === undefined ? {} : { body: built.body }),
              },
              { signal, timeoutMs, ...(Number.isFinite(deadline) ? { deadline } : {}) },
            );
          } catch (error) {
            if (isSendRefusal(error)) {
              record.ms = now() - started;
              return giveUp('transport', {
                stepId: step.stepId,
                reason: 'transport',
                statusCode: null,
                error,
              });
            }
            sendError = error;
            const timedOut =
              (error instanceof Error && error.name === 'TimeoutError') ||
              now() - sendStarted >= timeoutMs;
            reason = signal.aborted ? 'deadline' : timedOut ? 'timeout' : 'transport';
          }
          if (answer !== undefined) {
            bodyText = answer.bodyText;
            response = {
              statusCode: answer.status,
              headers: answer.headers,
              body: parseBody(answer.bodyText),
            };
            schemaIssues = checkResponse(step, response);
            if (schemaIssues !== undefined) reason = 'response-schema';
          }
        }
        const scope: ExpressionScope = { ...scopeBase, request: built?.view, response };
        record.statusCode = response.statusCode;
        const succeeded =
          reason === undefined &&
          (step.successCriteria.length === 0
            ? response.statusCode !== null &&
              response.statusCode >= 200 &&
              response.statusCode < 300
            : criteriaPass(step.successCriteria, scope));
        record.succeeded = succeeded;
        const attemptTrace = (action: StepOutcome): void => {
          trace.push({
            stepId: step.stepId,
            attempt: record.attempts,
            method: step.method,
            path: redact(built?.pathOnly ?? `${basePath}${step.pathTemplate}`),
            statusCode: response.statusCode,
            action,
            ms: now() - attemptStarted,
          });
        };
        const close = (outcome: StepOutcome): void => {
          attemptTrace(outcome);
          record.outcome = outcome;
          record.ms = now() - started;
        };

        if (succeeded) {
          const outputs: Record<string, unknown> = {};
          for (const [name, expression] of step.outputs) {
            const value = evaluateExpression(expression, scope);
            if (value !== undefined) outputs[name] = value;
          }
          stepOutputs.set(step.stepId, outputs);
          const action = firstMatching(step.onSuccess, scope);
          if (action?.type === 'end') {
            close('end');
            return finish('ended', undefined, { stepId: step.stepId, name: action.name });
          }
          if (action?.type === 'goto') {
            close(`goto:${action.targetId}`);
            next = action.target;
          } else {
            close('success');
            next = index + 1;
          }
          break;
        }

        const failureReason: FailureReason = reason ?? 'criteria';
        lastFailure = {
          stepId: step.stepId,
          reason: failureReason,
          statusCode: response.statusCode,
          ...(bodyText === undefined ? {} : { bodyText }),
          ...(sendError === undefined ? {} : { error: sendError }),
        };
        const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], now());
        let retryWaitMs: number | undefined;
        let chosen: PreparedAction | undefined;
        for (const action of step.onFailure) {
          if (!criteriaPass(action.criteria, scope)) continue;
          if (action.type === 'retry') {
            const used = counters.get(action.counterKey) ?? 0;
            // An exhausted retry lets evaluation move on to the next matching action (arazzo.md §6).
            if (used >= action.retryLimit) continue;
            counters.set(action.counterKey, used + 1);
            // retryAfter is the document's floor; a longer Retry-After from the server wins.
            retryWaitMs = Math.min(
              Math.max(retryAfterMs ?? 0, action.retryAfterMs),
              maxRetryWaitMs,
            );
          }
          // A bounded number of transient failure gotos per run: past it, the action no longer applies.
          if (
            action.type === 'goto' &&
            isTransient(response.statusCode) &&
            failureGotos >= maxFailureGotos
          ) {
            continue;
          }
          chosen = action;
          break;
        }
        const extra: FailureExtra = {
          ...(bodyText === undefined ? {} : { bodyText }),
          ...(sendError === undefined ? {} : { error: sendError }),
          ...(schemaIssues === undefined ? {} : { issues: schemaIssues }),
        };
        if (chosen === undefined) {
          close('failure');
          return fail(step.stepId, failureReason, response.statusCode, extra);
        }
        if (chosen.type === 'end') {
          close('end');
          return fail(step.stepId, 'end-action', response.statusCode, extra);
        }
        if (chosen.type === 'goto') {
          const transient = isTransient(response.statusCode);
          if (transient) failureGotos += 1;
          const gotoWaitMs = !transient
            ? 0
            : Math.min(
                retryAfterMs ??
                  failureGotoBackoffMs(failureGotos, gotoBackoffMs, maxRetryWaitMs, random),
                maxRetryWaitMs,
              );
          // Waiting past the deadline cannot succeed: fail now, with what Amberflo answered.
          if (now() + gotoWaitMs > deadline) {
            close('failure');
            return fail(step.stepId, failureReason, response.statusCode, extra);
          }
          handledFailures.push(
            classifyStep(step.stepId, failureReason, response.statusCode, extra),
          );
          close(`goto:${chosen.targetId}`);
          if (gotoWaitMs > 0) await sleep(gotoWaitMs, signal);
          next = chosen.target;
          break;
        }
        const waitMs = retryWaitMs ?? 0;
        if (now() + waitMs > deadline) {
          close('failure');
          return fail(step.stepId, 'deadline', response.statusCode, {
            ...(sendError === undefined ? {} : { error: sendError }),
          });
        }
        attemptTrace('retry');
        await sleep(waitMs, signal);
      }
      index = next;
    }
    return finish('completed');
  };

  return {
    workflowIds: [...prepared.workflows.keys()],
    run: async (workflowId, inputs, runOptions = {}) => {
      const workflow = prepared.workflows.get(workflowId);
      if (workflow === undefined) {
        throw new WorkflowDocumentError(`Unknown workflow "${workflowId}"`, {
          issues: [`known workflows: ${[...prepared.workflows.keys()].join(', ')}`],
        });
      }
      if (!isRecord(inputs)) {
        throw new InvalidMessageError('Workflow inputs must be an object', {
          issues: ['inputs: must be object'],
        });
      }
      const issues: string[] = [];
      workflow.validateInputs(inputs, '', issues);
      if (issues.length > 0) {
        throw new InvalidMessageError(`Workflow inputs are invalid (${issues.length} problems)`, {
          issues,
        });
      }
      return runWorkflow(workflow, inputs, runOptions);
    },
  };
};
