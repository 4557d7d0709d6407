import { describe, expect, it } from 'vitest';
import {
  AmberfloAuthError,
  AmberfloRejectedError,
  AmberfloUnavailableError,
  DependencyUnavailableError,
} from '../../../lib/errors.ts';
import { processRecord } from '../../../lib/provisioning/process-record.ts';
import { createFakeDependencies } from '../../fakes/dependencies.ts';
import { accountCreatedFactory, sqsRecordFactory } from '../../helpers/factories.ts';

const runOptions = () => ({ signal: new AbortController().signal, deadline: Date.now() + 30_000 });

describe('processRecord', () => {
  it('provisions a valid message and acknowledges it', async () => {
    // Prepare
    const { deps, provision, deadLetters, emittedMetrics } = createFakeDependencies();
    const record = sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-1' }));
    // Act
    await processRecord(record, deps, runOptions());
    // Assess
    expect(provision.calls.map((call) => call.customerId)).toEqual(['acct-1']);
    expect(deadLetters.sent).toEqual([]);
    expect(emittedMetrics()).toEqual([
      { name: 'AccountProvisioned', unit: 'Count', value: 1, dimensions: { service: 'test' } },
    ]);
  });

  it('counts a replayed result as already provisioned', async () => {
    // Prepare
    const { deps, provision, emittedMetrics } = createFakeDependencies();
    provision.on('acct-1', async () => ({
      customerId: 'acct-1',
      customer: 'created',
      plan: 'assigned',
      commitment: 'none',
      replayed: true,
    }));
    // Act
    await processRecord(
      sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-1' })),
      deps,
      runOptions(),
    );
    // Assess
    expect(emittedMetrics()).toEqual([
      {
        name: 'AccountAlreadyProvisioned',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'test' },
      },
    ]);
  });

  it('dead-letters an invalid message at once and acknowledges it', async () => {
    // Prepare
    const { deps, provision, deadLetters, emittedMetrics } = createFakeDependencies();
    const record = sqsRecordFactory('{"customerId":');
    // Act
    await processRecord(record, deps, runOptions());
    // Assess
    expect(provision.calls).toEqual([]);
    expect(deadLetters.sent.map((sent) => sent.error.code)).toEqual(['INVALID_MESSAGE']);
    expect(emittedMetrics()).toEqual([
      {
        name: 'MessageDeadLettered',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'test', code: 'INVALID_MESSAGE' },
      },
    ]);
  });

  it('dead-letters a rejected provisioning at once', async () => {
    // Prepare
    const { deps, provision, deadLetters } = createFakeDependencies();
    provision.on('acct-1', async () => {
      throw new AmberfloRejectedError('HTTP 400', { step: 'assignPlan', httpStatus: 400 });
    });
    // Act
    await processRecord(
      sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-1' })),
      deps,
      runOptions(),
    );
    // Assess
    expect(deadLetters.sent[0]?.error.details).toEqual({ step: 'assignPlan', httpStatus: 400 });
  });

  it.each([
    ['an unavailable Amberflo', new AmberfloUnavailableError('HTTP 503')],
    ['a refused API key', new AmberfloAuthError('HTTP 401')],
  ])('rethrows %s before the last receive', async (_what, failure) => {
    // Prepare
    const { deps, provision, deadLetters, emittedMetrics } = createFakeDependencies();
    provision.on('acct-1', async () => {
      throw failure;
    });
    const record = sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-1' }), {
      attributes: { ApproximateReceiveCount: '4' },
    });
    // Act
    const processing = processRecord(record, deps, runOptions());
    // Assess
    await expect(processing).rejects.toBe(failure);
    expect(deadLetters.sent).toEqual([]);
    expect(emittedMetrics()).toEqual([
      { name: 'MessageRetried', unit: 'Count', value: 1, dimensions: { service: 'test' } },
    ]);
  });

  it('dead-letters a retryable failure on the last receive with its metadata', async () => {
    // Prepare
    const { deps, provision, deadLetters } = createFakeDependencies({ MAX_RECEIVE_COUNT: '3' });
    provision.on('acct-1', async () => {
      throw new AmberfloUnavailableError('HTTP 503', { step: 'findCustomer', httpStatus: 503 });
    });
    const record = sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-1' }), {
      attributes: { ApproximateReceiveCount: '3' },
    });
    // Act
    await processRecord(record, deps, runOptions());
    // Assess
    expect(deadLetters.sent).toHaveLength(1);
    expect(deadLetters.sent[0]?.error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect(deadLetters.sent[0]?.record).toBe(record);
  });

  it('reports the record failed when the dead-letter send fails', async () => {
    // Prepare
    const { deps, deadLetters } = createFakeDependencies();
    deadLetters.failNext();
    // Act
    const processing = processRecord(sqsRecordFactory('not json'), deps, runOptions());
    // Assess
    await expect(processing).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(deadLetters.sent).toEqual([]);
  });

  it('turns a foreign throw into a retryable UNEXPECTED error', async () => {
    // Prepare
    const { deps, provision } = createFakeDependencies();
    provision.on('acct-1', async () => {
      throw new TypeError('undefined is not a function');
    });
    // Act
    const processing = processRecord(
      sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-1' })),
      deps,
      runOptions(),
    );
    // Assess
    await expect(processing).rejects.toMatchObject({ code: 'UNEXPECTED', retryable: true });
  });
});
