/**
 * THE classifier of Amberflo failures (docs/amberflo-api.md §9): every HTTP answer, transport failure and workflow step
 * failure that involves Amberflo becomes one of AMBERFLO_UNAVAILABLE, AMBERFLO_AUTH, AMBERFLO_REJECTED (or UNEXPECTED
 * for workflow defects). Messages and details are scrubbed of the API key before they leave this module.
 */

import type { ClassifyFailure, StepFailure } from '../arazzo/http-port.ts';
import { isRecord } from '../arazzo/is-record.ts';
import { parseRetryAfterMs } from '../arazzo/retry-after.ts';
import {
  AmberfloAuthError,
  AmberfloRejectedError,
  AmberfloUnavailableError,
  type AppError,
  type ErrorCode,
  type ErrorDetails,
  isAppError,
  redactSecrets,
  UnexpectedError,
} from '../errors.ts';
import { truncate as truncateTo } from '../truncate.ts';

/** What a caller knows about the failing call, beyond the status and body. */
export type ClassifyContext = {
  /** The workflow step or client method, copied into the error details. */
  readonly step?: string;
  /** Values that must never appear in a message (the API key, whatever the request carried). */
  readonly secrets?: readonly string[];
  /** Response headers, lower-cased names; `retry-after` is kept as `retryAfterSeconds`. */
  readonly headers?: Readonly<Record<string, string>>;
};

/** Why no answer arrived; the word appears in the error message. */
export type TransportFailureKind = 'network' | 'timeout' | 'aborted' | 'oversize' | 'not sent';

const MAX_TEXT = 300;

/** Echoes of an API key header in text we did not write (an error body, a proxy page). */
const API_KEY_ECHO = /(x-api-key["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi;

/**
 * Returns a function that removes the given secrets, and anything that looks like an echoed `X-API-KEY` header, from
 * a text. `secrets` may be a function so that keys learnt later (a rotated key) are covered too.
 */
export const createSecretScrubber = (
  secrets: readonly string[] | (() => readonly string[]) = [],
): ((text: string) => string) => {
  return (text: string) => {
    const list = typeof secrets === 'function' ? secrets() : secrets;
    return redactSecrets(text, list).replace(API_KEY_ECHO, '$1[REDACTED]');
  };
};

const truncate = (text: string): string => truncateTo(text, MAX_TEXT);

/** Amberflo's own words: `errorMessage`, else `message`, else the raw text (docs/amberflo-api.md §9). */
const extractAmberfloMessage = (bodyText: string): string | undefined => {
  const trimmed = bodyText.trim();
  if (trimmed === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (isRecord(parsed)) {
      for (const key of ['errorMessage', 'message']) {
        const value = parsed[key];
        if (typeof value === 'string' && value.trim() !== '') return value.trim();
      }
    }
  } catch {
    // Not JSON: fall back to the raw text below.
  }
  return trimmed;
};

/**
 * A `Retry-After` value (delta-seconds or an HTTP-date) in whole seconds from `now`, rounded up: what error details
 * report. Undefined when the value is absent or unreadable.
 */
export const parseRetryAfter = (
  value: string | undefined,
  now = Date.now(),
): number | undefined => {
  const ms = parseRetryAfterMs(value, now);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
};

const baseDetails = (context: ClassifyContext | undefined): ErrorDetails =>
  context?.step === undefined ? {} : { step: context.step };

/**
 * Classifies an HTTP answer from Amberflo: 408/429/5xx → AMBERFLO_UNAVAILABLE, 401/403 → AMBERFLO_AUTH, any other
 * status (a 2xx included, when the caller rejects it) → AMBERFLO_REJECTED. Never throws.
 */
export const classifyResponse = (
  status: number,
  bodyText: string,
  context?: ClassifyContext,
): AppError => {
  const scrub = createSecretScrubber(context?.secrets ?? []);
  const extracted = extractAmberfloMessage(bodyText);
  const amberfloMessage = extracted === undefined ? undefined : truncate(scrub(extracted));
  const details: ErrorDetails = {
    ...baseDetails(context),
    httpStatus: status,
    ...(amberfloMessage === undefined ? {} : { amberfloMessage }),
  };
  const where = context?.step === undefined ? '' : ` (${context.step})`;
  const suffix = amberfloMessage === undefined ? '' : `: ${amberfloMessage}`;

  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterSeconds = parseRetryAfter(context?.headers?.['retry-after']);
    return new AmberfloUnavailableError(
      `Amberflo unavailable${where}: HTTP ${status}${suffix}`,
      retryAfterSeconds === undefined ? details : { ...details, retryAfterSeconds },
    );
  }
  if (status === 401 || status === 403) {
    return new AmberfloAuthError(
      `Amberflo refused the API key${where}: HTTP ${status}${suffix}`,
      details,
    );
  }
  const verb = status >= 200 && status < 300 ? 'answered unexpectedly' : 'rejected the request';
  return new AmberfloRejectedError(`Amberflo ${verb}${where}: HTTP ${status}${suffix}`, details);
};

/** A plain, secret-free copy of a foreign error chain: ky errors hold the Request, and with it our headers. */
export const sanitizeCause = (
  thrown: unknown,
  scrub: (text: string) => string,
  depth = 0,
): Error | undefined => {
  if (depth > 4 || thrown === undefined || thrown === null) return undefined;
  if (!(thrown instanceof Error)) {
    return new Error(truncate(scrub(typeof thrown === 'string' ? thrown : 'non-error thrown')));
  }
  const inner = sanitizeCause(thrown.cause, scrub, depth + 1);
  const copy = new Error(
    truncate(scrub(thrown.message)),
    inner === undefined ? {} : { cause: inner },
  );
  copy.name = thrown.name;
  const code = (thrown as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
};

const errorCodeOf = (thrown: unknown, depth = 0): string | undefined => {
  if (depth > 4 || !(thrown instanceof Error)) return undefined;
  const code = (thrown as { code?: unknown }).code;
  return typeof code === 'string' ? code : errorCodeOf(thrown.cause, depth + 1);
};

const isTimeoutLike = (thrown: unknown): boolean =>
  thrown instanceof Error && thrown.name === 'TimeoutError';

const isAbortLike = (thrown: unknown): boolean =>
  thrown instanceof Error && thrown.name === 'AbortError';

/** Builds the AMBERFLO_UNAVAILABLE error for a call that got no answer. */
export const transportError = (
  kind: TransportFailureKind,
  context?: ClassifyContext & { readonly cause?: unknown; readonly detail?: string },
): AmberfloUnavailableError => {
  const scrub = createSecretScrubber(context?.secrets ?? []);
  const where = context?.step === undefined ? '' : ` (${context.step})`;
  const detail = context?.detail === undefined ? '' : `: ${truncate(scrub(context.detail))}`;
  const cause = sanitizeCause(context?.cause, scrub);
  return new AmberfloUnavailableError(
    `Amberflo unavailable${where}: ${kind}${detail}`,
    baseDetails(context),
    cause === undefined ? undefined : { cause },
  );
};

/**
 * Classifies anything a call to Amberflo threw: an AppError is returned unchanged; ky/undici timeouts, aborts and
 * network errors become AMBERFLO_UNAVAILABLE; anything else becomes UNEXPECTED (a bug).
 */
export const classifyThrown = (thrown: unknown, context?: ClassifyContext): AppError => {
  if (isAppError(thrown)) return thrown;
  const scrub = createSecretScrubber(context?.secrets ?? []);
  if (isTimeoutLike(thrown)) return transportError('timeout', { ...context, cause: thrown });
  if (isAbortLike(thrown)) return transportError('aborted', { ...context, cause: thrown });
  if (
    thrown instanceof Error &&
    (thrown.name === 'NetworkError' || (thrown.name === 'TypeError' && thrown.cause !== undefined))
  ) {
    const code = errorCodeOf(thrown.cause);
    return transportError('network', {
      ...context,
      cause: thrown,
      ...(code === undefined ? {} : { detail: code }),
    });
  }
  const cause = sanitizeCause(thrown, scrub);
  const where = context?.step === undefined ? '' : ` (${context.step})`;
  return new UnexpectedError(
    `Unexpected failure calling Amberflo${where}`,
    baseDetails(context),
    cause === undefined ? undefined : { cause },
  );
};

/**
 * A success status whose body is not the documented JSON (HTML from a gateway, truncated or empty JSON, another
 * shape): nothing can be concluded from it, neither "absent" nor "done", so it is AMBERFLO_UNAVAILABLE (retryable),
 * never a reason to write (docs/amberflo-api.md §6).
 */
const unreadableAnswer = (
  failure: StepFailure,
  secrets: readonly string[],
): { code: ErrorCode; message: string } => ({
  code: 'AMBERFLO_UNAVAILABLE',
  message: withIssues(
    `Amberflo answered HTTP ${failure.statusCode ?? '?'} with a body that is not the documented JSON`,
    failure,
    secrets,
  ),
});

/**
 * The message with the first problems the interpreter named (where a body breaks its schema, which expression could
 * not be evaluated), scrubbed and truncated: the dead letter says what was wrong, never the values (docs/arazzo.md §3).
 */
const withIssues = (message: string, failure: StepFailure, secrets: readonly string[]): string => {
  const where = (failure.issues ?? []).slice(0, 3).join('; ');
  return truncate(createSecretScrubber(secrets)(where === '' ? message : `${message} (${where})`));
};

/**
 * Builds a `ClassifyFailure` for the workflow runner that also scrubs the given secrets (for example
 * `http.knownSecrets`) from messages.
 */
export const createWorkflowFailureClassifier = (
  secrets: readonly string[] | (() => readonly string[]) = [],
): ClassifyFailure => {
  return (failure: StepFailure): { code: ErrorCode; message: string } => {
    const list = typeof secrets === 'function' ? secrets() : secrets;
    switch (failure.reason) {
      case 'response-schema':
        return unreadableAnswer(failure, list);
      case 'criteria':
      case 'end-action': {
        if (failure.statusCode === null && isAppError(failure.error)) {
          return {
            code: failure.error.code,
            message: createSecretScrubber(list)(failure.error.message),
          };
        }
        if (failure.statusCode === null) {
          return {
            code: 'UNEXPECTED',
            message: `Workflow step failed (${failure.reason}) without an answer`,
          };
        }
        const error = classifyResponse(failure.statusCode, failure.bodyText ?? '', {
          secrets: list,
        });
        return { code: error.code, message: error.message };
      }
      case 'transport':
      case 'timeout':
      case 'deadline': {
        if (isAppError(failure.error)) {
          return {
            code: failure.error.code,
            message: createSecretScrubber(list)(failure.error.message),
          };
        }
        const kind: TransportFailureKind = failure.reason === 'transport' ? 'network' : 'timeout';
        const detail = failure.reason === 'deadline' ? 'run deadline reached' : undefined;
        const error = transportError(kind, {
          secrets: list,
          ...(detail === undefined ? {} : { detail }),
        });
        return { code: error.code, message: error.message };
      }
      case 'step-budget':
        return {
          code: 'UNEXPECTED',
          message: 'Workflow step budget exhausted (a loop in the document)',
        };
      case 'evaluation':
        return {
          code: 'UNEXPECTED',
          message: withIssues('Workflow expression could not be evaluated', failure, list),
        };
      default:
        return { code: 'UNEXPECTED', message: 'Workflow failed for an unknown reason' };
    }
  };
};

/**
 * Turns a workflow step failure into a stable code and a short message: criteria/end-action by status (a 2xx that
 * fails its criteria is AMBERFLO_REJECTED), transport/timeout/deadline → AMBERFLO_UNAVAILABLE, defects → UNEXPECTED.
 */
export const classifyWorkflowFailure: ClassifyFailure = createWorkflowFailureClassifier();
