import { setTimeout as sleep } from 'node:timers/promises';

/** Paces work to an average rate; `acquire(n)` resolves when n more units may start, false if aborted first. */
export type RateLimiter = { acquire(units: number, signal?: AbortSignal): Promise<boolean> };

/**
 * A pacer for `ratePerSecond` units per second (unlimited when undefined): unit k may start at start + k / rate.
 * Keeps a recovering Amberflo from being flooded by a replay.
 */
export const createRateLimiter = (ratePerSecond: number | undefined): RateLimiter => {
  let started: number | undefined;
  let granted = 0;
  return {
    async acquire(units, signal) {
      if (signal?.aborted) return false;
      if (ratePerSecond === undefined) return true;
      started ??= Date.now();
      const waitMs = started + (granted / ratePerSecond) * 1000 - Date.now();
      if (waitMs > 0) {
        try {
          await sleep(waitMs, undefined, signal === undefined ? {} : { signal });
        } catch {
          return false;
        }
      }
      granted += units;
      return true;
    },
  };
};
