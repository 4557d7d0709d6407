import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmberfloEmulator } from '../../../tools/amberflo-emulator/server.ts';
import { accountCreatedFactory } from '../../helpers/factories.ts';
import { type LocalAws, startLocalAws } from '../../helpers/local-aws.ts';
import {
  type Containers,
  customerOf,
  depthOf,
  startContainers,
  startEmulator,
  waitFor,
} from './limits-fixture.ts';

/**
 * Time-scaled, so that only the redelivery backoff can save the signups: the queue alone covers RECEIVES ×
 * VISIBILITY_SECONDS = 8 s, less than the 12 s outage, so without the backoff every signup is dead-lettered on its
 * 4th receive during it. The backoff (3 s doubling to 12 s) puts the 4th receive at least 0.8 × (3 + 6 + 12) =
 * 16.8 s after the first, past the outage. A circuit cool-down of 2 s. Deployed, the same arithmetic reads 60 s
 * doubling to 1 h over 10 receives against a 180 s visibility timeout (README "Limits and outages").
 */
const OUTAGE_SECONDS = 12;
const RECEIVES = 4;
const VISIBILITY_SECONDS = 2;
const SIGNUPS = 20;
const POLLERS = 2;

describe(`a ${OUTAGE_SECONDS}-second Amberflo outage with redelivery backoff`, () => {
  let aws: LocalAws;
  let amberflo: AmberfloEmulator;
  let containers: Containers;
  let outageEndedAt: number;

  beforeAll(async () => {
    aws = await startLocalAws({
      visibilityTimeoutSeconds: VISIBILITY_SECONDS,
      redriveMaxReceiveCount: RECEIVES + 1,
    });
    amberflo = await startEmulator();
    for (let index = 0; index < SIGNUPS; index++) {
      await aws.send(accountCreatedFactory({ customerId: `acct-outage-${index}` }));
    }
    // Act
    const outage = amberflo.setOutage({ seconds: OUTAGE_SECONDS, retryAfterSeconds: 1 });
    outageEndedAt = outage?.windows[0]?.endsAt ?? 0;
    containers = startContainers(aws, amberflo, {
      count: POLLERS,
      env: {
        MAX_RECEIVE_COUNT: String(RECEIVES),
        RETRY_BACKOFF_BASE_SECONDS: '3',
        RETRY_BACKOFF_MAX_SECONDS: '12',
      },
      overrides: { circuit: { threshold: 5, coolDownMs: 2_000 } },
    });
    await waitFor(() => (depthOf(aws, aws.queue.name) === 0 ? true : undefined), 120_000);
    await containers.stop();
  }, 150_000);

  afterAll(async () => {
    await containers?.stop();
    await amberflo?.stop();
    await aws?.stop();
  });

  const sum = (name: string) =>
    containers.metrics.reduce((total, metrics) => total + metrics.count(name), 0);

  it('exercised the outage: 503s answered, the circuit opened, redeliveries were delayed', () => {
    // Assess
    expect(
      amberflo.requestLog().filter((entry) => entry.limited === 'outage').length,
    ).toBeGreaterThan(0);
    expect(sum('AmberfloCircuitOpened')).toBeGreaterThan(0);
    expect(sum('AmberfloRequestRefused')).toBeGreaterThan(0);
    expect(sum('MessageDeferred')).toBeGreaterThan(0);
  });

  it('dead-letters nothing and provisions every account once it ends', async () => {
    // Assess
    expect(depthOf(aws, aws.deadLetterQueue.name)).toBe(0);
    expect(sum('MessageDeadLettered')).toBe(0);
    const customers = amberflo.state().customers.map((customer) => customer.customerId);
    expect(new Set(customers).size).toBe(SIGNUPS);
    const relations = amberflo.state().relations;
    expect(Object.keys(relations)).toHaveLength(SIGNUPS);
  });

  it('costs at most about 4 calls per account during the outage', () => {
    // Assess
    const during = amberflo.requestLog().filter((entry) => entry.receivedAt < outageEndedAt);
    const perAccount = new Map<string, number>();
    for (const entry of during) {
      perAccount.set(customerOf(entry), (perAccount.get(customerOf(entry)) ?? 0) + 1);
    }
    expect(during.length / SIGNUPS).toBeLessThanOrEqual(4);
    expect(Math.max(...perAccount.values())).toBeLessThanOrEqual(6);
  });
});
