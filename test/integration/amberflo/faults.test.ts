import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AppError, type ErrorCode, isAppError } from '../../../lib/errors.ts';
import type { StoredCommitment } from '../../../tools/amberflo-emulator/api.ts';
import type { FaultKind } from '../../../tools/amberflo-emulator/options.ts';
import {
  type AmberfloFixture,
  captureError,
  errorText,
  startAmberfloFixture,
  TEST_API_KEY,
} from '../../helpers/amberflo-fixtures.ts';

const asAppError = (thrown: unknown): AppError => {
  if (!isAppError(thrown)) throw new Error(`Expected an AppError, got ${String(thrown)}`);
  return thrown;
};

describe('Amberflo failure classification against emulator faults', () => {
  let fixture: AmberfloFixture;

  beforeAll(async () => {
    fixture = await startAmberfloFixture({ echoApiKeyInErrors: true }, { timeoutMs: 300 });
  });
  beforeEach(() => {
    fixture.emulator.reset();
    fixture.emulator.setSwitches({ echoApiKeyInErrors: true });
  });
  afterAll(() => fixture.emulator.stop());

  it.each<[FaultKind, ErrorCode, number | undefined]>([
    ['error-500', 'AMBERFLO_UNAVAILABLE', 500],
    ['error-503', 'AMBERFLO_UNAVAILABLE', 503],
    ['error-429', 'AMBERFLO_UNAVAILABLE', 429],
    ['error-429-no-retry-after', 'AMBERFLO_UNAVAILABLE', 429],
    ['hang', 'AMBERFLO_UNAVAILABLE', undefined],
    ['drop', 'AMBERFLO_UNAVAILABLE', undefined],
    ['malformed-json', 'AMBERFLO_REJECTED', 200],
  ])('maps a %s fault to %s', async (kind, code, httpStatus) => {
    // Prepare
    fixture.emulator.failNext('GET /customers', kind);
    // Act
    const error = asAppError(await captureError(() => fixture.client.getCustomer('c-1')));
    // Assess
    expect(error.code).toBe(code);
    expect(error.details.httpStatus).toBe(httpStatus);
    expect(error.details.step).toBe('getCustomer');
    expect(errorText(error)).not.toContain(TEST_API_KEY);
  });

  it('keeps Retry-After seconds from a 429', async () => {
    // Prepare
    fixture.emulator.failNext('GET /customers', 'error-429', 1, { retryAfterSeconds: 17 });
    // Act
    const error = asAppError(await captureError(() => fixture.client.getCustomer('c-1')));
    // Assess
    expect(error.details.retryAfterSeconds).toBe(17);
  });

  it('leaves Retry-After out when the 429 has none', async () => {
    // Prepare
    fixture.emulator.failNext('GET /customers', 'error-429-no-retry-after');
    // Act
    const error = asAppError(await captureError(() => fixture.client.getCustomer('c-1')));
    // Assess
    expect(error.details.retryAfterSeconds).toBeUndefined();
  });

  it('cuts a hung request at the timeout', async () => {
    // Prepare
    fixture.emulator.failNext('GET /customers', 'hang');
    const started = performance.now();
    // Act
    const error = asAppError(await captureError(() => fixture.client.getCustomer('c-1')));
    // Assess: the emulator holds a hung request for minutes; only the client's 300 ms timeout ends it here.
    expect(error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect(error.message).toMatch(/timeout.*no answer within 300 ms/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('answers after added latency that stays below the timeout', async () => {
    // Prepare
    fixture.emulator.failNext('GET /customers', 'latency', 1, { latencyMs: 100 });
    const started = performance.now();
    // Act
    const customer = await fixture.client.getCustomer('c-1');
    // Assess
    expect(customer).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('turns latency beyond the timeout into AMBERFLO_UNAVAILABLE', async () => {
    // Prepare
    fixture.emulator.failNext('GET /customers', 'latency', 1, { latencyMs: 2_000 });
    // Act
    const error = asAppError(await captureError(() => fixture.client.getCustomer('c-1')));
    // Assess
    expect(error.code).toBe('AMBERFLO_UNAVAILABLE');
  });

  it('hides a write that happened behind a 500 (phase after), as a real outage can', async () => {
    // Prepare
    fixture.emulator.failNext('POST /customers', 'error-500', 1, { phase: 'after' });
    // Act
    const error = asAppError(
      await captureError(() =>
        fixture.client.createCustomer({ customerId: 'c-2', customerName: 'C' }),
      ),
    );
    const customer = await fixture.client.getCustomer('c-2');
    // Assess
    expect(error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect(customer?.customerId).toBe('c-2');
  });

  it('rejects a 2xx body of the wrong shape as AMBERFLO_REJECTED with the issues', async () => {
    // Prepare
    const broken = { contract: { id: 42, customerId: 'c-3' } };
    fixture.emulator.load({ commitments: [broken as unknown as StoredCommitment] });
    // Act
    const error = asAppError(await captureError(() => fixture.client.listCommitments('c-3')));
    // Assess
    expect(error.code).toBe('AMBERFLO_REJECTED');
    expect(error.details.httpStatus).toBe(200);
    expect(error.details.issues?.join(' ')).toMatch(/contract\.id/);
  });

  it('scrubs a key the server echoes back with a wrong-key answer', async () => {
    // Prepare
    const other = await startAmberfloFixture(
      { apiKey: 'the-accepted-key-0000', echoApiKeyInErrors: true, authFailureStatus: 403 },
      { apiKey: TEST_API_KEY },
    );
    const raw = await other.http.request({ method: 'GET', path: '/customers' });
    // Act
    const error = asAppError(await captureError(() => other.client.getCustomer('c-4')));
    await other.emulator.stop();
    // Assess
    expect(raw.bodyText).toContain(TEST_API_KEY);
    expect(error.code).toBe('AMBERFLO_AUTH');
    expect(error.details.httpStatus).toBe(403);
    expect(errorText(error)).not.toContain(TEST_API_KEY);
  });

  it.each<[FaultKind, ErrorCode]>([
    ['error-503', 'AMBERFLO_UNAVAILABLE'],
    ['drop', 'AMBERFLO_UNAVAILABLE'],
    ['hang', 'AMBERFLO_UNAVAILABLE'],
    ['malformed-json', 'AMBERFLO_REJECTED'],
  ])('never shows the API key in a %s error or its cause chain', async (kind, code) => {
    // Prepare
    fixture.emulator.failNext('POST /customers', kind);
    // Act
    const error = asAppError(
      await captureError(() =>
        fixture.client.createCustomer({ customerId: 'c-5', customerName: 'S' }),
      ),
    );
    // Assess
    expect(error.code).toBe(code);
    expect(errorText(error)).not.toContain(TEST_API_KEY);
  });
});
