import { createTokenBucket } from '../../lib/rate-limit/token-bucket.ts';

/** Paces work to an average rate; `acquire(n)` resolves when n more units may start, false if aborted first. */
export type RateLimiter = { acquire(units: number, signal?: AbortSignal): Promise<boolean> };

/**
 * A pacer for `ratePerSecond` units per second (unlimited when undefined): unit k may start at start + k / rate.
 * Keeps a recovering Amberflo from being flooded by a replay. The shared token bucket with a burst of one unit.
 */
export const createRateLimiter = (ratePerSecond: number | undefined): RateLimiter => {
  const bucket = createTokenBucket({ ratePerSecond });
  return {
    async acquire(units, signal) {
      const result = await bucket.acquire({ units, ...(signal === undefined ? {} : { signal }) });
      return result.granted;
    },
  };
};
