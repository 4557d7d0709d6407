import { describe, expect, it } from 'vitest';
import {
  AmberfloAuthError,
  AmberfloRejectedError,
  AmberfloUnavailableError,
  isAppError,
  redactSecrets,
} from '../../lib/errors.ts';

describe('AppError', () => {
  it.each([
    [new AmberfloUnavailableError('down'), 'AMBERFLO_UNAVAILABLE', true],
    [new AmberfloAuthError('key'), 'AMBERFLO_AUTH', true],
    [new AmberfloRejectedError('no'), 'AMBERFLO_REJECTED', false],
  ])('carries a stable code and retryable flag (%s)', (error, code, retryable) => {
    // Assess
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(isAppError(error)).toBe(true);
  });

  it('serialises details without the cause', () => {
    // Prepare
    const error = new AmberfloRejectedError(
      'bad',
      { httpStatus: 400, step: 'createCustomer' },
      {
        cause: new Error('secret-cause'),
      },
    );
    // Act
    const json = JSON.stringify(error);
    // Assess
    expect(JSON.parse(json)).toEqual({
      name: 'AmberfloRejectedError',
      code: 'AMBERFLO_REJECTED',
      retryable: false,
      message: 'bad',
      httpStatus: 400,
      step: 'createCustomer',
    });
  });
});

describe('redactSecrets', () => {
  it('removes every occurrence of a secret', () => {
    // Act
    const text = redactSecrets('key=abcd1234 again abcd1234', ['abcd1234']);
    // Assess
    expect(text).toBe('key=[REDACTED] again [REDACTED]');
  });
});
