/**
 * The one classifier and the one outcome policy of the provisioning Lambda.
 *
 * | What happened                                                  | Code                    | Outcome                           |
 * |----------------------------------------------------------------|-------------------------|-----------------------------------|
 * | Workflow succeeded, or the customer was already provisioned    | —                       | acknowledged                      |
 * | Not JSON, schema break, too large/deep, invalid workflow input | INVALID_MESSAGE         | dead-lettered at once             |
 * | Another event type / SNS type / EventBridge detail-type        | UNSUPPORTED_EVENT       | dead-lettered at once             |
 * | Amberflo answered another 4xx, or a 2xx failing the criteria   | AMBERFLO_REJECTED       | dead-lettered at once             |
 * | Same customer, other plan/start/commitment, completed record   | CONFLICTING_DUPLICATE   | dead-lettered at once             |
 * | Current plan chosen by a person (not requested, not replaceable)| PLAN_CONFLICT          | dead-lettered at once             |
 * | Amberflo 408/429/5xx, unreadable 200, transport, timeout, abort| AMBERFLO_UNAVAILABLE    | retried; DLQ on the last receive  |
 * | Amberflo 401/403                                               | AMBERFLO_AUTH           | retried; DLQ on the last receive  |
 * | Same customer in progress elsewhere (any payload)              | DUPLICATE_IN_PROGRESS   | retried; DLQ on the last receive  |
 * | DynamoDB, SSM or SQS failed                                    | DEPENDENCY_UNAVAILABLE  | retried; DLQ on the last receive  |
 * | Step budget, evaluation error, document defect, any other bug  | UNEXPECTED / WORKFLOW_* | retried; DLQ on the last receive  |
 * | The dead-letter send fails                                     | (original error)        | batch item failure, never lost    |
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyKeyError,
  IdempotencyUnknownError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import {
  AmberfloAuthError,
  AmberfloRejectedError,
  AmberfloUnavailableError,
  type AppError,
  ConflictingDuplicateError,
  DependencyUnavailableError,
  DuplicateInProgressError,
  type ErrorDetails,
  InvalidMessageError,
  isAppError,
  UnexpectedError,
  WorkflowDocumentError,
} from '../errors.ts';
import { truncate } from '../truncate.ts';

/** A failed workflow run as the interpreter reports it (`RunResult.failure`). */
export type WorkflowFailure = {
  readonly stepId?: string | undefined;
  readonly statusCode?: number | null | undefined;
  readonly reason?: string | undefined;
  readonly code?: string | undefined;
  readonly message?: string | undefined;
  /** The failed answer's Retry-After (ms): kept as `retryAfterSeconds` for the redelivery delay. */
  readonly retryAfterMs?: number | undefined;
};

/** What to do with a record that failed. */
export type Outcome = 'dead-letter' | 'retry';

const MAX_MESSAGE = 300;
const short = (text: string) => truncate(text, MAX_MESSAGE);

/** Powertools and AWS SDK errors are recognised by name too, in case two copies of a package are bundled. */
const hasName = (thrown: unknown, ...names: string[]) =>
  thrown instanceof Error && names.includes(thrown.name);

const isAwsSdkError = (thrown: unknown) =>
  thrown instanceof Error && typeof (thrown as { $metadata?: unknown }).$metadata === 'object';

/**
 * Turns a failed workflow run into an AppError by the code the runner's classifier gave it, with the step and HTTP
 * status as details. An unknown code falls back to the status, then the reason.
 */
export const fromWorkflowFailure = (failure: WorkflowFailure): AppError => {
  const details: ErrorDetails = {
    ...(failure.stepId ? { step: failure.stepId } : {}),
    ...(typeof failure.statusCode === 'number' ? { httpStatus: failure.statusCode } : {}),
    ...(typeof failure.retryAfterMs === 'number'
      ? { retryAfterSeconds: Math.ceil(failure.retryAfterMs / 1000) }
      : {}),
  };
  const where = failure.stepId ? ` at ${failure.stepId}` : '';
  const message = short(
    failure.message ?? `Workflow failed${where} (${failure.reason ?? 'unknown'})`,
  );
  switch (failure.code) {
    case 'AMBERFLO_UNAVAILABLE':
      return new AmberfloUnavailableError(message, details);
    case 'AMBERFLO_AUTH':
      return new AmberfloAuthError(message, details);
    case 'AMBERFLO_REJECTED':
      return new AmberfloRejectedError(message, details);
    case 'INVALID_MESSAGE':
      return new InvalidMessageError(message, details);
    case 'DEPENDENCY_UNAVAILABLE':
      return new DependencyUnavailableError(message, details);
    case 'WORKFLOW_INVALID':
      return new WorkflowDocumentError(message, details);
    case 'UNEXPECTED':
      return new UnexpectedError(message, details);
  }
  const status = failure.statusCode;
  if (typeof status === 'number') {
    if (status === 408 || status === 429 || status >= 500)
      return new AmberfloUnavailableError(message, details);
    if (status === 401 || status === 403) return new AmberfloAuthError(message, details);
    if (status >= 400) return new AmberfloRejectedError(message, details);
  }
  if (
    failure.reason === 'transport' ||
    failure.reason === 'timeout' ||
    failure.reason === 'deadline'
  ) {
    return new AmberfloUnavailableError(message, details);
  }
  return new UnexpectedError(message, details);
};

/** Status of the idempotency record an IdempotencyValidationError carries (`COMPLETED`, `INPROGRESS`, …). */
const recordStatusOf = (thrown: unknown): string | undefined => {
  const record = (thrown as { existingRecord?: { getStatus?: () => unknown; status?: unknown } })
    .existingRecord;
  try {
    const status = typeof record?.getStatus === 'function' ? record.getStatus() : record?.status;
    return typeof status === 'string' ? status : undefined;
  } catch {
    // getStatus throws for a status it does not know: not a completed record.
    return undefined;
  }
};

/**
 * The one place where anything thrown while processing a record becomes an AppError: ours pass through,
 * Powertools idempotency, parameters and AWS SDK errors become CONFLICTING_DUPLICATE (against a completed record
 * only), DUPLICATE_IN_PROGRESS or DEPENDENCY_UNAVAILABLE, aborts AMBERFLO_UNAVAILABLE, and the rest UNEXPECTED
 * (retryable): a JavaScript error is never taken for the message's fault by its name. The foreign error travels as `cause`;
 * its message is not copied (it may hold request data).
 */
export const toAppError = (thrown: unknown): AppError => {
  if (isAppError(thrown)) return thrown;
  const cause = thrown instanceof Error ? { cause: thrown } : undefined;
  if (
    thrown instanceof IdempotencyValidationError ||
    hasName(thrown, 'IdempotencyValidationError')
  ) {
    // Powertools validates the payload against any record it meets, an in-progress one too: only a completed
    // provisioning is a conflict; a run still in progress may yet fail and leave the customer to this message.
    if (recordStatusOf(thrown) !== 'COMPLETED') {
      return new DuplicateInProgressError(
        'This customer is being provisioned by another invocation with a different plan, start time or commitment',
        {},
        cause,
      );
    }
    return new ConflictingDuplicateError(
      'This customer was already provisioned with a different plan, start time or commitment',
      {},
      cause,
    );
  }
  if (
    thrown instanceof IdempotencyAlreadyInProgressError ||
    hasName(thrown, 'IdempotencyAlreadyInProgressError')
  ) {
    return new DuplicateInProgressError(
      'This customer is being provisioned by another invocation',
      {},
      cause,
    );
  }
  if (thrown instanceof IdempotencyKeyError || hasName(thrown, 'IdempotencyKeyError')) {
    return new UnexpectedError('No idempotency key in the provisioning payload', {}, cause);
  }
  if (
    thrown instanceof IdempotencyUnknownError ||
    hasName(thrown, 'IdempotencyPersistenceLayerError', 'IdempotencyInconsistentStateError')
  ) {
    return new DependencyUnavailableError('Idempotency store unavailable', {}, cause);
  }
  if (hasName(thrown, 'GetParameterError', 'ParameterNotFoundError', 'TransformParameterError')) {
    return new DependencyUnavailableError('Amberflo API key parameter unavailable', {}, cause);
  }
  if (isAwsSdkError(thrown)) {
    return new DependencyUnavailableError(
      `AWS call failed: ${(thrown as Error).name.slice(0, 80)}`,
      {},
      cause,
    );
  }
  if (hasName(thrown, 'AbortError', 'TimeoutError')) {
    return new AmberfloUnavailableError(
      'Provisioning aborted at the invocation deadline',
      {},
      cause,
    );
  }
  return new UnexpectedError('Unexpected failure while provisioning', {}, cause);
};

/**
 * Permanent failures are dead-lettered at once; retryable ones are left to SQS, except on the last allowed receive
 * (`receiveCount >= maxReceiveCount`), where they are dead-lettered with their reason instead of moved blind.
 */
export const decideOutcome = (
  error: AppError,
  receiveCount: number,
  maxReceiveCount: number,
): Outcome => (!error.retryable || receiveCount >= maxReceiveCount ? 'dead-letter' : 'retry');

/** Reads `ApproximateReceiveCount`; a missing or unreadable value counts as the first receive. */
export const receiveCountOf = (attributes: { ApproximateReceiveCount?: string } | undefined) => {
  const count = Number(attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
};
