import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../tools/dlq/rate-limiter.ts';

describe('createRateLimiter', () => {
  it('grants at once without a rate', async () => {
    // Prepare
    const limiter = createRateLimiter(undefined);
    // Act
    const granted = await Promise.all([limiter.acquire(10), limiter.acquire(10)]);
    // Assess
    expect(granted).toEqual([true, true]);
  });

  it('spaces grants to the rate', async () => {
    // Prepare
    const limiter = createRateLimiter(20);
    const started = Date.now();
    // Act
    await limiter.acquire(5);
    await limiter.acquire(5);
    await limiter.acquire(5);
    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(480);
  });

  it('answers false when aborted while waiting', async () => {
    // Prepare
    const limiter = createRateLimiter(1);
    const controller = new AbortController();
    await limiter.acquire(5);
    setTimeout(() => controller.abort(), 20);
    // Act
    const granted = await limiter.acquire(1, controller.signal);
    // Assess
    expect(granted).toBe(false);
  });
});
