import { TimeoutError as KyTimeoutError, NetworkError } from 'ky';
import { describe, expect, it } from 'vitest';
import {
  classifyResponse,
  classifyThrown,
  classifyWorkflowFailure,
  createSecretScrubber,
  createWorkflowFailureClassifier,
  parseRetryAfter,
} from '../../../lib/amberflo/classify.ts';
import type { StepFailure } from '../../../lib/arazzo/http-port.ts';
import {
  AmberfloRejectedError,
  DependencyUnavailableError,
  type ErrorCode,
} from '../../../lib/errors.ts';

const KEY = 'af-unit-key-123456';

describe('classifyResponse', () => {
  it.each<[number, ErrorCode, boolean]>([
    [408, 'AMBERFLO_UNAVAILABLE', true],
    [429, 'AMBERFLO_UNAVAILABLE', true],
    [500, 'AMBERFLO_UNAVAILABLE', true],
    [502, 'AMBERFLO_UNAVAILABLE', true],
    [503, 'AMBERFLO_UNAVAILABLE', true],
    [504, 'AMBERFLO_UNAVAILABLE', true],
    [401, 'AMBERFLO_AUTH', true],
    [403, 'AMBERFLO_AUTH', true],
    [400, 'AMBERFLO_REJECTED', false],
    [404, 'AMBERFLO_REJECTED', false],
    [409, 'AMBERFLO_REJECTED', false],
    [422, 'AMBERFLO_REJECTED', false],
    [200, 'AMBERFLO_REJECTED', false],
  ])('maps HTTP %i to %s (retryable %s)', (status, code, retryable) => {
    // Act
    const error = classifyResponse(status, '{"errorMessage":"nope"}', { step: 'createCustomer' });
    // Assess
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.details).toMatchObject({
      httpStatus: status,
      step: 'createCustomer',
      amberfloMessage: 'nope',
    });
  });

  it.each([
    [
      '{"errorMessage":"Invalid request: customer a already exists"}',
      'Invalid request: customer a already exists',
    ],
    ['{"message":"from message"}', 'from message'],
    ['{"errorMessage":"","message":"fallback"}', 'fallback'],
    ['<html>Bad gateway</html>', '<html>Bad gateway</html>'],
    ['[1,2]', '[1,2]'],
  ])('extracts the Amberflo message from %s', (body, expected) => {
    // Act
    const error = classifyResponse(400, body);
    // Assess
    expect(error.details.amberfloMessage).toBe(expected);
  });

  it('leaves the Amberflo message out when the body is empty', () => {
    // Act
    const error = classifyResponse(503, '  ');
    // Assess
    expect(error.details.amberfloMessage).toBeUndefined();
    expect(error.message).toBe('Amberflo unavailable: HTTP 503');
  });

  it('truncates a long raw body', () => {
    // Act
    const error = classifyResponse(500, 'x'.repeat(5000));
    // Assess
    expect(error.details.amberfloMessage?.length).toBeLessThanOrEqual(301);
  });

  it('keeps Retry-After seconds of a 429', () => {
    // Act
    const error = classifyResponse(429, '', { headers: { 'retry-after': '7' } });
    // Assess
    expect(error.details.retryAfterSeconds).toBe(7);
  });

  it('scrubs the API key and echoed key headers from message and details', () => {
    // Prepare
    const body = JSON.stringify({
      errorMessage: `Invalid key ${KEY}; x-api-key: other-secret-value`,
    });
    // Act
    const error = classifyResponse(401, body, { secrets: [KEY] });
    // Assess
    const text = JSON.stringify(error) + error.message;
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('other-secret-value');
    expect(text).toContain('[REDACTED]');
  });
});

describe('parseRetryAfter', () => {
  it.each<[string | undefined, number | undefined]>([
    ['5', 5],
    [' 0 ', 0],
    ['Thu, 01 Jan 1970 00:00:30 GMT', 20],
    ['Thu, 01 Jan 1970 00:00:01 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('reads %s as %s seconds', (value, expected) => {
    // Act
    const seconds = parseRetryAfter(value, 10_000);
    // Assess
    expect(seconds).toBe(expected);
  });
});

describe('classifyThrown', () => {
  const request = new Request('http://127.0.0.1:1/customers', { headers: { 'x-api-key': KEY } });
  const socketError = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });

  it.each<[string, unknown, ErrorCode, RegExp]>([
    ['ky TimeoutError', new KyTimeoutError(request), 'AMBERFLO_UNAVAILABLE', /timeout/],
    [
      'DOMException TimeoutError',
      new DOMException('timed out', 'TimeoutError'),
      'AMBERFLO_UNAVAILABLE',
      /timeout/,
    ],
    [
      'DOMException AbortError',
      new DOMException('aborted', 'AbortError'),
      'AMBERFLO_UNAVAILABLE',
      /aborted/,
    ],
    [
      'ky NetworkError',
      new NetworkError(request, { cause: new TypeError('fetch failed', { cause: socketError }) }),
      'AMBERFLO_UNAVAILABLE',
      /network: UND_ERR_SOCKET/,
    ],
    [
      'undici TypeError',
      new TypeError('fetch failed', { cause: socketError }),
      'AMBERFLO_UNAVAILABLE',
      /network/,
    ],
    ['a bug', new RangeError('boom'), 'UNEXPECTED', /Unexpected/],
    ['a string', 'weird', 'UNEXPECTED', /Unexpected/],
  ])('classifies %s', (_name, thrown, code, message) => {
    // Act
    const error = classifyThrown(thrown, { secrets: [KEY] });
    // Assess
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('returns an AppError unchanged', () => {
    // Prepare
    const original = new AmberfloRejectedError('already classified');
    // Act
    const error = classifyThrown(original);
    // Assess
    expect(error).toBe(original);
  });

  it('keeps no reference to the request, whose headers hold the key', () => {
    // Act
    const error = classifyThrown(new KyTimeoutError(request), { secrets: [KEY] });
    // Assess
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).not.toHaveProperty('request');
  });
});

describe('classifyWorkflowFailure', () => {
  it.each<[string, StepFailure, ErrorCode]>([
    [
      'criteria on a 2xx',
      { reason: 'criteria', statusCode: 200, bodyText: '{}' },
      'AMBERFLO_REJECTED',
    ],
    ['criteria on 400', { reason: 'criteria', statusCode: 400 }, 'AMBERFLO_REJECTED'],
    ['criteria on 404', { reason: 'criteria', statusCode: 404 }, 'AMBERFLO_REJECTED'],
    ['criteria on 409', { reason: 'criteria', statusCode: 409 }, 'AMBERFLO_REJECTED'],
    ['criteria on 401', { reason: 'criteria', statusCode: 401 }, 'AMBERFLO_AUTH'],
    ['criteria on 403', { reason: 'criteria', statusCode: 403 }, 'AMBERFLO_AUTH'],
    ['criteria on 408', { reason: 'criteria', statusCode: 408 }, 'AMBERFLO_UNAVAILABLE'],
    ['criteria on 429', { reason: 'criteria', statusCode: 429 }, 'AMBERFLO_UNAVAILABLE'],
    ['criteria on 503', { reason: 'criteria', statusCode: 503 }, 'AMBERFLO_UNAVAILABLE'],
    ['end-action on 500', { reason: 'end-action', statusCode: 500 }, 'AMBERFLO_UNAVAILABLE'],
    ['end-action on 422', { reason: 'end-action', statusCode: 422 }, 'AMBERFLO_REJECTED'],
    ['end-action on a 2xx', { reason: 'end-action', statusCode: 200 }, 'AMBERFLO_REJECTED'],
    ['criteria without an answer', { reason: 'criteria', statusCode: null }, 'UNEXPECTED'],
    ['transport', { reason: 'transport', statusCode: null }, 'AMBERFLO_UNAVAILABLE'],
    ['timeout', { reason: 'timeout', statusCode: null }, 'AMBERFLO_UNAVAILABLE'],
    ['deadline', { reason: 'deadline', statusCode: null }, 'AMBERFLO_UNAVAILABLE'],
    [
      'transport carrying an AppError',
      { reason: 'transport', statusCode: null, error: new DependencyUnavailableError('ssm down') },
      'DEPENDENCY_UNAVAILABLE',
    ],
    [
      'an unreadable 200 (response-schema)',
      { reason: 'response-schema', statusCode: 200, issues: ['body: must be object, got string'] },
      'AMBERFLO_UNAVAILABLE',
    ],
    [
      'end-action without an answer, carrying an AppError',
      { reason: 'end-action', statusCode: null, error: new DependencyUnavailableError('ssm down') },
      'DEPENDENCY_UNAVAILABLE',
    ],
    ['step-budget', { reason: 'step-budget', statusCode: null }, 'UNEXPECTED'],
    ['evaluation', { reason: 'evaluation', statusCode: 200 }, 'UNEXPECTED'],
  ])('maps %s to %s', (_name, failure, code) => {
    // Act
    const result = classifyWorkflowFailure(failure);
    // Assess
    expect(result.code).toBe(code);
    expect(result.message.length).toBeGreaterThan(0);
  });

  it('says where an unreadable 200 breaks the documented body, never what it held', () => {
    // Act
    const result = classifyWorkflowFailure({
      reason: 'response-schema',
      statusCode: 200,
      bodyText: '<html>secret page</html>',
      issues: ['body: must be object, got string'],
    });
    // Assess
    expect(result.message).toBe(
      'Amberflo answered HTTP 200 with a body that is not the documented JSON (body: must be object, got string)',
    );
  });

  it('names the expressions that could not be evaluated, scrubbed, and keeps the bare message without them', () => {
    // Prepare
    const classify = createWorkflowFailureClassifier(() => [KEY]);
    // Act
    const named = classify({
      reason: 'evaluation',
      statusCode: null,
      issues: ['path parameter "customerId" is absent', `header carries ${KEY}`],
    });
    const bare = classify({ reason: 'evaluation', statusCode: null });
    // Assess
    expect(named).toEqual({
      code: 'UNEXPECTED',
      message:
        'Workflow expression could not be evaluated (path parameter "customerId" is absent; header carries [REDACTED])',
    });
    expect(bare).toEqual({
      code: 'UNEXPECTED',
      message: 'Workflow expression could not be evaluated',
    });
  });

  it('scrubs the key from messages when built with the known secrets', () => {
    // Prepare
    const classify = createWorkflowFailureClassifier(() => [KEY]);
    // Act
    const result = classify({
      reason: 'criteria',
      statusCode: 401,
      bodyText: `{"errorMessage":"bad key ${KEY}"}`,
    });
    // Assess
    expect(result.message).not.toContain(KEY);
    expect(result.code).toBe('AMBERFLO_AUTH');
  });
});

describe('createSecretScrubber', () => {
  it.each([
    [`key ${KEY} here`, 'key [REDACTED] here'],
    ['{"X-API-KEY":"abcdef123"}', '{"X-API-KEY":"[REDACTED]"}'],
    ['x-api-key: abc.def', 'x-api-key: [REDACTED]'],
    ['nothing secret', 'nothing secret'],
  ])('scrubs %s', (text, expected) => {
    // Prepare
    const scrub = createSecretScrubber([KEY]);
    // Act
    const result = scrub(text);
    // Assess
    expect(result).toBe(expected);
  });
});
