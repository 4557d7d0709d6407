import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenBucket } from '../../../lib/rate-limit/token-bucket.ts';

describe('createTokenBucket', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grants in arrival order, one token per 1 / rate seconds', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: 10 });
    const grantedAt: number[] = [];
    // Act
    const all = Array.from({ length: 5 }, () =>
      bucket.acquire().then((result) => {
        grantedAt.push(Date.now() - 1_000_000);
        return result;
      }),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    const results = await Promise.all(all);
    // Assess
    expect(results.every((result) => result.granted)).toBe(true);
    expect(grantedAt).toEqual([0, 100, 200, 300, 400]);
  });

  it('refuses at once, taking nothing, when the turn would come after the deadline', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: 2 });
    await bucket.acquire();
    // Act
    const refused = await bucket.acquire({ deadline: Date.now() + 100 });
    const next = bucket.acquire({ deadline: Date.now() + 600 });
    await vi.advanceTimersByTimeAsync(600);
    // Assess
    expect(refused).toEqual({ granted: false, reason: 'deadline' });
    expect(await next).toMatchObject({ granted: true, waitedMs: 500 });
  });

  it('holds every waiter during a pause, and refuses those whose deadline falls inside it', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: 100 });
    await bucket.acquire();
    bucket.pause(2_000);
    // Act
    const patient = bucket.acquire({ deadline: Date.now() + 5_000 });
    const hurried = bucket.acquire({ deadline: Date.now() + 1_000 });
    await vi.advanceTimersByTimeAsync(2_100);
    // Assess
    expect(await hurried).toEqual({ granted: false, reason: 'deadline' });
    expect(await patient).toMatchObject({ granted: true, waitedMs: 2_000 });
    expect(bucket.pausedUntil()).toBe(0);
  });

  it('refuses waiters whose deadline a later pause moves out of reach', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: 1 });
    await bucket.acquire();
    const waiting = bucket.acquire({ deadline: Date.now() + 1_500 });
    // Act
    bucket.pause(3_000);
    // Assess
    expect(await waiting).toEqual({ granted: false, reason: 'deadline' });
    expect(bucket.waiting()).toBe(0);
  });

  it('answers aborted when the signal fires while waiting', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: 1 });
    await bucket.acquire();
    const controller = new AbortController();
    const waiting = bucket.acquire({ signal: controller.signal });
    // Act
    controller.abort();
    // Assess
    expect(await waiting).toEqual({ granted: false, reason: 'aborted' });
  });

  it('lets a multi-unit grant go into debt, as a pacer', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: 10 });
    // Act
    const first = await bucket.acquire({ units: 10 });
    const second = bucket.acquire({ units: 10 });
    await vi.advanceTimersByTimeAsync(1_000);
    // Assess
    expect(first).toMatchObject({ granted: true, waitedMs: 0 });
    expect(await second).toMatchObject({ granted: true, waitedMs: 1_000 });
  });

  it('grants everything at once without a rate, but still honours a pause', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: undefined });
    // Act
    const results = await Promise.all([bucket.acquire(), bucket.acquire(), bucket.acquire()]);
    bucket.pause(500);
    const paused = bucket.acquire();
    await vi.advanceTimersByTimeAsync(500);
    // Assess
    expect(results.every((result) => result.granted)).toBe(true);
    expect(await paused).toMatchObject({ granted: true, waitedMs: 500 });
  });
});
