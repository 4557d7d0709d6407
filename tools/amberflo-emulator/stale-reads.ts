/**
 * Stale reads (the `staleReadMs` switch): a read sees the state from before every write of the last `staleReadMs`,
 * as an eventually consistent API would. This keeps the state from before each recent write, oldest first.
 */
import type { EmulatorState } from './store.ts';

export type StaleReads = {
  /**
   * Called before each request runs. A write (any method but GET) remembers `snapshot()`; a read gets the state it
   * should see, or undefined for the live one. A lag of 0 forgets every write.
   */
  readonly pastStateFor: (
    method: string,
    lagMs: number,
    snapshot: () => EmulatorState,
  ) => EmulatorState | undefined;
  readonly clear: () => void;
};

export const createStaleReads = (now: () => number): StaleReads => {
  let recentWrites: { readonly at: number; readonly before: EmulatorState }[] = [];
  return {
    pastStateFor: (method, lagMs, snapshot) => {
      if (lagMs === 0) {
        recentWrites = [];
        return undefined;
      }
      const cutoff = now() - lagMs;
      recentWrites = recentWrites.filter((write) => write.at > cutoff);
      if (method === 'GET') return recentWrites[0]?.before;
      recentWrites.push({ at: now(), before: snapshot() });
      return undefined;
    },
    clear: () => {
      recentWrites = [];
    },
  };
};
