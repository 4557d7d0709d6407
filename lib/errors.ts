/**
 * The project's one error family. Every error `lib/` throws is an `AppError`: a stable `code` (a contract: it is
 * written into DLQ metadata, logs and metrics), a `retryable` flag that decides between "retry later" and
 * "dead-letter now", and structured `details` (never secrets, never personal data).
 */

/** Stable error codes. Operators filter the DLQ by them; never rename one. */
export const ERROR_CODES = [
  'AMBERFLO_UNAVAILABLE',
  'AMBERFLO_AUTH',
  'AMBERFLO_REJECTED',
  'INVALID_MESSAGE',
  'UNSUPPORTED_EVENT',
  'CONFLICTING_DUPLICATE',
  'DUPLICATE_IN_PROGRESS',
  'DEPENDENCY_UNAVAILABLE',
  'WORKFLOW_INVALID',
  'UNEXPECTED',
  'CONFIG_INVALID',
  'PLAN_CONFLICT',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = {
  /** The workflow step that failed, when there was one. */
  readonly step?: string;
  /** The HTTP status Amberflo answered with, when there was an answer. */
  readonly httpStatus?: number;
  /** Amberflo's own `errorMessage` (or `message`), already scrubbed of secrets. */
  readonly amberfloMessage?: string;
  /** Field-level reasons for invalid input, one per line-friendly entry. */
  readonly issues?: readonly string[];
  /** Seconds Amberflo asked us to wait (`Retry-After`), when it did. */
  readonly retryAfterSeconds?: number;
  /** PLAN_CONFLICT: the plan the customer is on in Amberflo. */
  readonly currentPlanId?: string;
  /** PLAN_CONFLICT: the plan the message asks for. */
  readonly requestedPlanId?: string;
};

/** Base of every error `lib/` throws. */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly retryable: boolean;
  readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.details = details;
  }

  /** A JSON-safe view for logs and CLI output. The `cause` is left out: it may hold foreign data. */
  toJSON(): { name: string; code: ErrorCode; retryable: boolean; message: string } & ErrorDetails {
    return {
      name: this.name,
      code: this.code,
      retryable: this.retryable,
      message: this.message,
      ...this.details,
    };
  }
}

/** Amberflo could not be reached, timed out, rate-limited us (429) or failed (5xx). Retryable. */
export class AmberfloUnavailableError extends AppError {
  override readonly name = 'AmberfloUnavailableError';
  readonly code = 'AMBERFLO_UNAVAILABLE';
  readonly retryable = true;
}

/** Amberflo refused our API key (401/403). Retryable: the cause is our configuration, not the message. */
export class AmberfloAuthError extends AppError {
  override readonly name = 'AmberfloAuthError';
  readonly code = 'AMBERFLO_AUTH';
  readonly retryable = true;
}

/** Amberflo rejected the request (other 4xx), or a 2xx failed the step's criteria. Permanent. */
export class AmberfloRejectedError extends AppError {
  override readonly name = 'AmberfloRejectedError';
  readonly code = 'AMBERFLO_REJECTED';
  readonly retryable = false;
}

/** The message body is not JSON, breaks the schema, or its workflow inputs are invalid. Permanent. */
export class InvalidMessageError extends AppError {
  override readonly name = 'InvalidMessageError';
  readonly code = 'INVALID_MESSAGE';
  readonly retryable = false;
}

/** The message is well-formed but is not an event we handle (another event type or envelope). Permanent. */
export class UnsupportedEventError extends AppError {
  override readonly name = 'UnsupportedEventError';
  readonly code = 'UNSUPPORTED_EVENT';
  readonly retryable = false;
}

/** The same customer arrived again with a different plan, start time or commitment. Permanent. */
export class ConflictingDuplicateError extends AppError {
  override readonly name = 'ConflictingDuplicateError';
  readonly code = 'CONFLICTING_DUPLICATE';
  readonly retryable = false;
}

/**
 * The customer is on a plan that someone chose (not the requested one, not one of REPLACEABLE_PLAN_IDS): nothing is
 * written, a person decides. Permanent; the message names both plans.
 */
export class PlanConflictError extends AppError {
  override readonly name = 'PlanConflictError';
  readonly code = 'PLAN_CONFLICT';
  readonly retryable = false;
}

/** Another invocation is provisioning the same customer right now. Retryable. */
export class DuplicateInProgressError extends AppError {
  override readonly name = 'DuplicateInProgressError';
  readonly code = 'DUPLICATE_IN_PROGRESS';
  readonly retryable = true;
}

/** DynamoDB, SSM or SQS (not Amberflo) failed. Retryable. */
export class DependencyUnavailableError extends AppError {
  override readonly name = 'DependencyUnavailableError';
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  readonly retryable = true;
}

/** A workflow document is invalid (load or validation time). Never about a message: a defect to fix. */
export class WorkflowDocumentError extends AppError {
  override readonly name = 'WorkflowDocumentError';
  readonly code = 'WORKFLOW_INVALID';
  readonly retryable = true;
}

/** Anything else: a bug, a step budget exhausted, an evaluation failure. Retryable (a fix may land in time). */
export class UnexpectedError extends AppError {
  override readonly name = 'UnexpectedError';
  readonly code = 'UNEXPECTED';
  readonly retryable = true;
}

/** The environment is invalid. Thrown only at cold start or CLI start, listing every problem. */
export class ConfigError extends AppError {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  readonly retryable = false;
}

/** Type guard that also checks `name`, so errors crossing module copies are still recognised. */
export const isAppError = (value: unknown): value is AppError =>
  value instanceof AppError ||
  (value instanceof Error &&
    typeof (value as Partial<AppError>).code === 'string' &&
    'retryable' in value);

/**
 * Removes every occurrence of the given secrets from a text. Used on anything that may echo a request
 * (Amberflo error bodies, transport error messages) before it is kept in an error, a log line or a DLQ message.
 * The interpreter owns the primitive; this is the application's name for it.
 */
export { redactSecrets } from './arazzo/redact.ts';
