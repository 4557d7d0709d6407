import {
  IdempotencyAlreadyInProgressError,
  IdempotencyInconsistentStateError,
  IdempotencyKeyError,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SQSServiceException } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  AmberfloAuthError,
  AmberfloRejectedError,
  AmberfloUnavailableError,
  type AppError,
  ConflictingDuplicateError,
  DependencyUnavailableError,
  DuplicateInProgressError,
  InvalidMessageError,
  UnexpectedError,
  UnsupportedEventError,
  WorkflowDocumentError,
} from '../../../lib/errors.ts';
import {
  decideOutcome,
  fromWorkflowFailure,
  receiveCountOf,
  toAppError,
} from '../../../lib/provisioning/outcome.ts';

const sdkError = new SQSServiceException({
  name: 'ServiceUnavailable',
  $fault: 'server',
  $metadata: { httpStatusCode: 503 },
  message: 'down',
});

const recordWithStatus = (status: 'COMPLETED' | 'INPROGRESS') =>
  new IdempotencyRecord({
    idempotencyKey: 'provision-account#a',
    status,
    expiryTimestamp: Math.floor(Date.now() / 1000) + 3600,
  });

describe('toAppError', () => {
  it.each([
    ['an AppError', new AmberfloRejectedError('no'), 'AMBERFLO_REJECTED'],
    [
      'a payload mismatch with a completed record',
      new IdempotencyValidationError('mismatch', recordWithStatus('COMPLETED')),
      'CONFLICTING_DUPLICATE',
    ],
    [
      'a payload mismatch with a record still in progress',
      new IdempotencyValidationError('mismatch', recordWithStatus('INPROGRESS')),
      'DUPLICATE_IN_PROGRESS',
    ],
    ['a run in progress', new IdempotencyAlreadyInProgressError('busy'), 'DUPLICATE_IN_PROGRESS'],
    [
      'an unreachable table',
      new IdempotencyPersistenceLayerError('down'),
      'DEPENDENCY_UNAVAILABLE',
    ],
    [
      'an inconsistent record',
      new IdempotencyInconsistentStateError('odd'),
      'DEPENDENCY_UNAVAILABLE',
    ],
    ['a missing idempotency key', new IdempotencyKeyError('none'), 'UNEXPECTED'],
    ['an SSM parameter failure', new GetParameterError('ssm'), 'DEPENDENCY_UNAVAILABLE'],
    ['an AWS SDK error', sdkError, 'DEPENDENCY_UNAVAILABLE'],
    ['an abort', new DOMException('aborted', 'AbortError'), 'AMBERFLO_UNAVAILABLE'],
    [
      'a JSON syntax error (not the message: those are typed at the source)',
      new SyntaxError('bad'),
      'UNEXPECTED',
    ],
    ['a zod error by name', Object.assign(new Error('bad'), { name: 'ZodError' }), 'UNEXPECTED'],
    ['a bug', new TypeError('x is undefined'), 'UNEXPECTED'],
    ['a thrown string', 'boom', 'UNEXPECTED'],
  ])('classifies %s', (_what, thrown, code) => {
    // Act
    const error = toAppError(thrown);
    // Assess
    expect(error.code).toBe(code);
  });

  it('keeps the foreign error as cause without copying its message', () => {
    // Prepare
    const thrown = new TypeError('secret-ish detail');
    // Act
    const error = toAppError(thrown);
    // Assess
    expect(error.cause).toBe(thrown);
    expect(error.message).not.toContain('secret-ish');
  });
});

describe('fromWorkflowFailure', () => {
  it.each([
    [
      { code: 'AMBERFLO_UNAVAILABLE', stepId: 'createCustomer', statusCode: 503 },
      AmberfloUnavailableError,
    ],
    [{ code: 'AMBERFLO_AUTH', stepId: 'findCustomer', statusCode: 401 }, AmberfloAuthError],
    [{ code: 'AMBERFLO_REJECTED', stepId: 'assignPlan', statusCode: 400 }, AmberfloRejectedError],
    [{ code: 'INVALID_MESSAGE', reason: 'invalid-inputs' }, InvalidMessageError],
    [{ code: 'UNEXPECTED', reason: 'step-budget' }, UnexpectedError],
    [
      { code: 'DEPENDENCY_UNAVAILABLE', reason: 'transport', statusCode: null },
      DependencyUnavailableError,
    ],
    [{ code: 'WORKFLOW_INVALID', reason: 'evaluation' }, WorkflowDocumentError],
    [{ reason: 'criteria', statusCode: 429 }, AmberfloUnavailableError],
    [{ reason: 'criteria', statusCode: 403 }, AmberfloAuthError],
    [{ reason: 'criteria', statusCode: 422 }, AmberfloRejectedError],
    [{ reason: 'timeout', statusCode: null }, AmberfloUnavailableError],
    [{ reason: 'evaluation' }, UnexpectedError],
  ])('maps %o', (failure, expected) => {
    // Act
    const error = fromWorkflowFailure(failure);
    // Assess
    expect(error).toBeInstanceOf(expected);
  });

  it('keeps the failed answer’s Retry-After as whole seconds, rounded up', () => {
    // Act
    const error = fromWorkflowFailure({
      code: 'AMBERFLO_UNAVAILABLE',
      stepId: 'assignPlan',
      statusCode: 429,
      retryAfterMs: 1_500,
    });
    // Assess
    expect(error.details).toMatchObject({ step: 'assignPlan', retryAfterSeconds: 2 });
  });

  it('carries the step and HTTP status into the details', () => {
    // Act
    const error = fromWorkflowFailure({
      code: 'AMBERFLO_REJECTED',
      stepId: 'assignPlan',
      statusCode: 400,
      message: 'Amberflo rejected the request (assignPlan): HTTP 400',
    });
    // Assess
    expect(error.details).toEqual({ step: 'assignPlan', httpStatus: 400 });
    expect(error.message).toBe('Amberflo rejected the request (assignPlan): HTTP 400');
  });
});

describe('decideOutcome', () => {
  const cases: [string, AppError, number, 'dead-letter' | 'retry'][] = [
    ['INVALID_MESSAGE', new InvalidMessageError('x'), 1, 'dead-letter'],
    ['UNSUPPORTED_EVENT', new UnsupportedEventError('x'), 1, 'dead-letter'],
    ['AMBERFLO_REJECTED', new AmberfloRejectedError('x'), 1, 'dead-letter'],
    ['CONFLICTING_DUPLICATE', new ConflictingDuplicateError('x'), 1, 'dead-letter'],
    ['AMBERFLO_UNAVAILABLE', new AmberfloUnavailableError('x'), 1, 'retry'],
    ['AMBERFLO_AUTH', new AmberfloAuthError('x'), 1, 'retry'],
    ['DUPLICATE_IN_PROGRESS', new DuplicateInProgressError('x'), 4, 'retry'],
    ['DEPENDENCY_UNAVAILABLE', new DependencyUnavailableError('x'), 1, 'retry'],
    ['UNEXPECTED', new UnexpectedError('x'), 1, 'retry'],
    ['WORKFLOW_INVALID', new WorkflowDocumentError('x'), 1, 'retry'],
    [
      'AMBERFLO_UNAVAILABLE on the last receive',
      new AmberfloUnavailableError('x'),
      5,
      'dead-letter',
    ],
    ['AMBERFLO_AUTH on the last receive', new AmberfloAuthError('x'), 5, 'dead-letter'],
    [
      'DUPLICATE_IN_PROGRESS past the last receive',
      new DuplicateInProgressError('x'),
      7,
      'dead-letter',
    ],
    [
      'DEPENDENCY_UNAVAILABLE on the last receive',
      new DependencyUnavailableError('x'),
      5,
      'dead-letter',
    ],
    ['UNEXPECTED on the last receive', new UnexpectedError('x'), 5, 'dead-letter'],
  ];

  it.each(cases)('handles %s', (_what, error, receiveCount, expected) => {
    // Act
    const outcome = decideOutcome(error, receiveCount, 5);
    // Assess
    expect(outcome).toBe(expected);
  });
});

describe('receiveCountOf', () => {
  it.each([
    [{ ApproximateReceiveCount: '3' }, 3],
    [{ ApproximateReceiveCount: 'x' }, 1],
    [{}, 1],
    [undefined, 1],
  ])('reads %o as %i', (attributes, expected) => {
    // Act
    const count = receiveCountOf(attributes);
    // Assess
    expect(count).toBe(expected);
  });
});
