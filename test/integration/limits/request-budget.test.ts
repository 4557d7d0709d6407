import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmberfloEmulator } from '../../../tools/amberflo-emulator/server.ts';
import { accountCreatedFactory } from '../../helpers/factories.ts';
import { type LocalAws, startLocalAws } from '../../helpers/local-aws.ts';
import {
  busiestWindow,
  type Containers,
  depthOf,
  startContainers,
  startEmulator,
  waitFor,
} from './limits-fixture.ts';

/** Amberflo's limit and our whole budget, requests per second: modest, so a loaded 2-core machine keeps up. */
const R = 8;
const POLLERS = 2;
/** Four rounds of ten per poller: both pollers stay busy to the end. */
const SIGNUPS = 40;

describe(`two pollers sharing a budget of ${R} req/s against an emulator limiting at ${R} req/s`, () => {
  let aws: LocalAws;
  let amberflo: AmberfloEmulator;
  let containers: Containers;

  beforeAll(async () => {
    aws = await startLocalAws({ visibilityTimeoutSeconds: 30, redriveMaxReceiveCount: 10 });
    amberflo = await startEmulator({ rateLimit: { requestsPerSecond: R } });
    for (let index = 0; index < SIGNUPS; index++) {
      await aws.send(accountCreatedFactory({ customerId: `acct-budget-${index}` }));
    }
    // Act
    containers = startContainers(aws, amberflo, {
      count: POLLERS,
      env: {
        AMBERFLO_MAX_REQUESTS_PER_SECOND: String(R),
        AMBERFLO_CONCURRENT_INVOCATIONS: String(POLLERS),
        RETRY_BACKOFF_BASE_SECONDS: '1',
        RETRY_BACKOFF_MAX_SECONDS: '2',
      },
    });
    await waitFor(() => (depthOf(aws, aws.queue.name) === 0 ? true : undefined), 120_000);
    await containers.stop();
  }, 150_000);

  afterAll(async () => {
    await containers?.stop();
    await amberflo?.stop();
    await aws?.stop();
  });

  it('provisions every signup, and both pollers were pacing', () => {
    // Assess
    expect(amberflo.state().customers).toHaveLength(SIGNUPS);
    for (const metrics of containers.metrics) {
      expect(metrics.count('AmberfloRequestPaced')).toBeGreaterThan(0);
    }
  });

  it(`sends no 1-second window above ${1.25 * R} requests (R + 25 %)`, () => {
    // Assess
    const times = amberflo.requestLog().map((entry) => entry.receivedAt);
    expect(times.length).toBeGreaterThanOrEqual(SIGNUPS * 4);
    expect(busiestWindow(times)).toBeLessThanOrEqual(1.25 * R);
  });

  it('gets under 2 % of its requests answered 429', () => {
    // Assess
    const log = amberflo.requestLog();
    const throttled = log.filter((entry) => entry.status === 429).length;
    expect(throttled / log.length).toBeLessThan(0.02);
  });

  it(`gets at least ${0.75 * R} requests/s accepted`, () => {
    // Assess
    const accepted = amberflo.requestLog().filter((entry) => entry.status !== 429);
    const times = accepted.map((entry) => entry.receivedAt);
    const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
    expect(accepted.length / seconds).toBeGreaterThanOrEqual(0.75 * R);
  });
});
