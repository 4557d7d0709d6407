import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmberfloEmulator } from '../../../tools/amberflo-emulator/server.ts';
import { accountCreatedFactory } from '../../helpers/factories.ts';
import { type LocalAws, startLocalAws } from '../../helpers/local-aws.ts';
import {
  type Containers,
  depthOf,
  metadataOf,
  startContainers,
  startEmulator,
  waitFor,
} from './limits-fixture.ts';

/** Far longer than the queue's own visibility timeout (1 s), so only ChangeMessageVisibility explains the gap. */
const BASE_SECONDS = 4;

describe('redelivery backoff through ChangeMessageVisibility on fauxqs', () => {
  let aws: LocalAws;
  let amberflo: AmberfloEmulator;
  let containers: Containers;

  beforeAll(async () => {
    aws = await startLocalAws({ visibilityTimeoutSeconds: 1, redriveMaxReceiveCount: 5 });
    amberflo = await startEmulator({ faults: { global: { error503: 1 } } });
  });
  afterAll(async () => {
    await containers?.stop();
    await amberflo?.stop();
    await aws?.stop();
  });

  it('brings a retryable failure back after its backoff, on the queue named by the record’s ARN', async () => {
    // Prepare
    await aws.send(accountCreatedFactory({ customerId: 'acct-backoff' }));
    // Act: no SOURCE_QUEUE_URL, so the queue URL is derived from eventSourceARN.
    containers = startContainers(aws, amberflo, {
      count: 1,
      env: {
        MAX_RECEIVE_COUNT: '2',
        RETRY_BACKOFF_BASE_SECONDS: String(BASE_SECONDS),
        RETRY_BACKOFF_MAX_SECONDS: '60',
      },
    });
    const letters = await waitFor(
      async () =>
        depthOf(aws, aws.deadLetterQueue.name) > 0
          ? aws.receiveAll(aws.deadLetterQueue)
          : undefined,
      30_000,
    );
    // Assess: three calls on the first receive (one try, two retries), a gap of at least 80 % of the base, then two
    // calls: the fifth unavailable answer in a row opens the circuit, which refuses the last retry.
    const times = amberflo.requestLog().map((entry) => entry.receivedAt);
    expect(times).toHaveLength(5);
    expect((times[3] ?? 0) - (times[2] ?? 0)).toBeGreaterThanOrEqual(0.8 * BASE_SECONDS * 1000);
    expect(containers.metrics[0]?.count('MessageDeferred')).toBe(1);
    expect(metadataOf(letters)).toEqual([
      expect.objectContaining({ code: 'AMBERFLO_UNAVAILABLE', receiveCount: 2 }),
    ]);
  });
});
