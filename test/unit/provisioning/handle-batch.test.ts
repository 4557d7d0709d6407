import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MIN_DEADLINE_MARGIN_MS } from '../../../lib/config.ts';
import { AmberfloUnavailableError } from '../../../lib/errors.ts';
import { createBatchHandler, createLimiter } from '../../../lib/provisioning/handle-batch.ts';
import { createFakeDependencies } from '../../fakes/dependencies.ts';
import {
  accountCreatedFactory,
  lambdaContextFactory,
  sqsRecordFactory,
} from '../../helpers/factories.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(`events/${name}.json`, 'utf8')) as SQSEvent;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createBatchHandler', () => {
  it('returns exactly the failed ids of a mixed batch and dead-letters the permanent failures', async () => {
    // Prepare
    const { deps, provision, deadLetters } = createFakeDependencies();
    provision.on('acct-stark-006', async () => {
      throw new AmberfloUnavailableError('HTTP 503');
    });
    const handler = createBatchHandler(deps, { timeoutEarlyInMillis: 0 });
    // Act
    const response = await handler(fixture('mixed-batch'), lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: '33333333-3333-4333-8333-000000000006' },
    ]);
    expect(
      deadLetters.sent.map((sent) => [sent.record.messageId.slice(-1), sent.error.code]).sort(),
    ).toEqual([
      ['2', 'INVALID_MESSAGE'],
      ['3', 'INVALID_MESSAGE'],
      ['4', 'INVALID_MESSAGE'],
      ['5', 'UNSUPPORTED_EVENT'],
    ]);
    expect(provision.calls.map((call) => call.customerId).sort()).toEqual([
      'acct-initech-003',
      'acct-stark-006',
    ]);
  });

  it('returns every id, without throwing, when the whole batch fails', async () => {
    // Prepare
    const { deps, provision } = createFakeDependencies();
    const records = [1, 2].map((n) =>
      sqsRecordFactory(accountCreatedFactory({ customerId: `acct-${n}` }), { messageId: `m-${n}` }),
    );
    for (const n of [1, 2]) {
      provision.on(`acct-${n}`, async () => {
        throw new AmberfloUnavailableError('HTTP 503');
      });
    }
    const handler = createBatchHandler(deps, { timeoutEarlyInMillis: 0 });
    // Act
    const response = await handler({ Records: records }, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'm-1' },
      { itemIdentifier: 'm-2' },
    ]);
  });

  it('registers the Lambda context for idempotency locks', async () => {
    // Prepare
    const { deps, registered } = createFakeDependencies();
    const context = lambdaContextFactory();
    const handler = createBatchHandler(deps, { timeoutEarlyInMillis: 0 });
    // Act
    await handler(fixture('account-created'), context);
    // Assess
    expect(registered).toEqual([context]);
  });

  it('runs no more records at once than BATCH_CONCURRENCY', async () => {
    // Prepare
    const { deps, provision } = createFakeDependencies({ BATCH_CONCURRENCY: '2' });
    let running = 0;
    let peak = 0;
    const records = Array.from({ length: 6 }, (_, n) =>
      sqsRecordFactory(accountCreatedFactory({ customerId: `acct-${n}` })),
    );
    for (let n = 0; n < 6; n++) {
      provision.on(`acct-${n}`, async (message) => {
        running++;
        peak = Math.max(peak, running);
        await delay(20);
        running--;
        return {
          customerId: message.customerId,
          customer: 'created',
          plan: 'assigned',
          commitment: 'none',
          replayed: false,
        };
      });
    }
    const handler = createBatchHandler(deps, { timeoutEarlyInMillis: 0 });
    // Act
    const response = await handler({ Records: records }, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(peak).toBe(2);
  });

  it('reports the records left unfinished at the deadline as failed', async () => {
    // Prepare
    const { deps, provision, deadLetters } = createFakeDependencies({
      BATCH_CONCURRENCY: '1',
      DEADLINE_MARGIN_MS: String(MIN_DEADLINE_MARGIN_MS),
    });
    const records = [1, 2, 3].map((n) =>
      sqsRecordFactory(accountCreatedFactory({ customerId: `acct-${n}` }), { messageId: `m-${n}` }),
    );
    provision.on(
      'acct-2',
      (message, { signal }) =>
        new Promise((resolve, reject) => {
          signal.addEventListener('abort', () => reject(new AmberfloUnavailableError('aborted')));
          setTimeout(
            () =>
              resolve({
                customerId: message.customerId,
                customer: 'created',
                plan: 'assigned',
                commitment: 'none',
                replayed: false,
              }),
            5_000,
          );
        }),
    );
    const handler = createBatchHandler(deps, { timeoutEarlyInMillis: 0 });
    // Act
    const response = await handler(
      { Records: records },
      lambdaContextFactory({ remainingMs: MIN_DEADLINE_MARGIN_MS + 200 }),
    );
    // Assess
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual([
      'm-2',
      'm-3',
    ]);
    expect(provision.calls.map((call) => call.customerId)).toEqual(['acct-1', 'acct-2']);
    expect(deadLetters.sent).toEqual([]);
  });
});

describe('createLimiter', () => {
  it('refuses a waiting task once the signal fires', async () => {
    // Prepare
    const limit = createLimiter(1);
    const controller = new AbortController();
    const first = limit(() => delay(50), controller.signal);
    const second = limit(async () => 'ran', controller.signal);
    // Act
    controller.abort();
    // Assess
    await expect(second).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    await first;
  });
});

describe('createBatchHandler shared between concurrent invocations', () => {
  it('keeps each invocation’s failures to itself', async () => {
    // Prepare
    const { deps, provision } = createFakeDependencies();
    provision.on('acct-slow', async (message) => {
      await delay(30);
      return {
        customerId: message.customerId,
        customer: 'created',
        plan: 'assigned',
        commitment: 'none',
        replayed: false,
      };
    });
    provision.on('acct-fails', async () => {
      throw new AmberfloUnavailableError('HTTP 503');
    });
    const handler = createBatchHandler(deps, { timeoutEarlyInMillis: 0 });
    const slow = sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-slow' }), {
      messageId: 'a-1',
    });
    const failing = sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-fails' }), {
      messageId: 'b-1',
    });
    // Act
    const [first, second] = await Promise.all([
      handler({ Records: [slow] }, lambdaContextFactory()),
      handler({ Records: [failing] }, lambdaContextFactory()),
    ]);
    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: 'b-1' }]);
  });
});
