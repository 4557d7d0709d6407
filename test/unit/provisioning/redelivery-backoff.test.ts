import { describe, expect, it } from 'vitest';
import { AmberfloRejectedError, AmberfloUnavailableError } from '../../../lib/errors.ts';
import { processRecord } from '../../../lib/provisioning/process-record.ts';
import { createFakeDependencies } from '../../fakes/dependencies.ts';
import { accountCreatedFactory, sqsRecordFactory } from '../../helpers/factories.ts';

const runOptions = () => ({ signal: new AbortController().signal, deadline: Date.now() + 30_000 });
const BACKOFF = { RETRY_BACKOFF_BASE_SECONDS: '10', RETRY_BACKOFF_MAX_SECONDS: '60' };

const failingWith = (env: Record<string, string>, error: Error, receiveCount: string) => {
  const fakes = createFakeDependencies({ MAX_RECEIVE_COUNT: '10', ...env });
  fakes.provision.on('acct-1', async () => {
    throw error;
  });
  const record = sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-1' }), {
    attributes: { ApproximateReceiveCount: receiveCount },
  });
  return { ...fakes, record };
};

describe('redelivery backoff in processRecord', () => {
  it.each([
    ['1', 8, 10],
    ['3', 32, 40],
    ['6', 48, 60],
  ])(
    'delays receive %s by its exponential delay, jittered down by at most 20 %',
    async (receive, min, max) => {
      // Prepare
      const { deps, record, deferred, emittedMetrics } = failingWith(
        BACKOFF,
        new AmberfloUnavailableError('HTTP 503'),
        receive,
      );
      // Act
      await expect(processRecord(record, deps, runOptions())).rejects.toThrow('HTTP 503');
      // Assess
      expect(deferred).toHaveLength(1);
      expect(deferred[0]?.messageId).toBe(record.messageId);
      expect(deferred[0]?.delaySeconds).toBeGreaterThanOrEqual(min);
      expect(deferred[0]?.delaySeconds).toBeLessThanOrEqual(max);
      expect(emittedMetrics().map((metric) => metric.name)).toEqual([
        'MessageRetried',
        'MessageDeferred',
        'RedeliveryDelay',
      ]);
    },
  );

  it('delays by the Retry-After of the failure when it is longer than the backoff step', async () => {
    // Prepare: receive 1 backs off 8 to 10 s; Amberflo asked for 30 s.
    const { deps, record, deferred } = failingWith(
      BACKOFF,
      new AmberfloUnavailableError('HTTP 429', { httpStatus: 429, retryAfterSeconds: 30 }),
      '1',
    );
    // Act
    await expect(processRecord(record, deps, runOptions())).rejects.toThrow('HTTP 429');
    // Assess
    expect(deferred.map((entry) => entry.delaySeconds)).toEqual([30]);
  });

  it('still reports the record failed when the visibility change fails', async () => {
    // Prepare
    const { deps, record } = failingWith(BACKOFF, new AmberfloUnavailableError('HTTP 503'), '1');
    const withFailingDefer = {
      ...deps,
      redelivery: {
        defer: async () => {
          throw new Error('AccessDenied');
        },
      },
    };
    // Act
    const processing = processRecord(record, withFailingDefer, runOptions());
    // Assess
    await expect(processing).rejects.toThrow('HTTP 503');
  });

  it('changes nothing with the backoff off, for permanent failures, or on the last receive', async () => {
    // Prepare
    const off = failingWith(
      { RETRY_BACKOFF_BASE_SECONDS: '0' },
      new AmberfloUnavailableError('HTTP 503'),
      '1',
    );
    const permanent = failingWith(BACKOFF, new AmberfloRejectedError('HTTP 400'), '1');
    const last = failingWith(BACKOFF, new AmberfloUnavailableError('HTTP 503'), '10');
    // Act
    await expect(processRecord(off.record, off.deps, runOptions())).rejects.toThrow();
    await processRecord(permanent.record, permanent.deps, runOptions());
    await processRecord(last.record, last.deps, runOptions());
    // Assess
    expect([off.deferred, permanent.deferred, last.deferred]).toEqual([[], [], []]);
    expect(last.deadLetters.sent).toHaveLength(1);
  });
});
