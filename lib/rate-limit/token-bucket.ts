/**
 * A token bucket with a FIFO queue of waiters, one timer, a pause (backpressure) and deadline-aware refusal. One
 * implementation serves the Amberflo request budget (lib/amberflo/http.ts) and the DLQ replay pacer
 * (tools/dlq/rate-limiter.ts). Hand-written on purpose: the packages we looked at (bottleneck, limiter,
 * p-throttle) have no "refuse when the start would fall after this deadline" and no external pause, and both are
 * what keeps a record from waiting past its invocation.
 */

/** Why `acquire` did not grant. */
export type Refusal = 'deadline' | 'aborted';

/** What `acquire` resolved with: granted after `waitedMs`, or refused. */
export type Acquired =
  | { readonly granted: true; readonly waitedMs: number }
  | { readonly granted: false; readonly reason: Refusal };

export type AcquireOptions = {
  /** Tokens to take at once (default 1). More than the burst is allowed: the bucket goes into debt. */
  readonly units?: number;
  /** Epoch ms: a grant that cannot start by then is refused at once, without taking tokens. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
};

export type TokenBucket = {
  /** Waits for tokens in arrival order; never rejects. */
  readonly acquire: (options?: AcquireOptions) => Promise<Acquired>;
  /** Grants nothing before `now + ms` (a longer pause already in force wins). */
  readonly pause: (ms: number) => void;
  /** Epoch ms until which the bucket is paused (0 when not paused). */
  readonly pausedUntil: () => number;
  /** Waiters queued right now. */
  readonly waiting: () => number;
};

export type TokenBucketOptions = {
  /** Tokens per second; undefined or Infinity grants everything at once. */
  readonly ratePerSecond: number | undefined;
  /** Bucket size: the most tokens granted back to back after a quiet spell. Default 1 (smooth pacing). */
  readonly burst?: number;
  /** Test seam (epoch ms). */
  readonly now?: () => number;
};

type Waiter = {
  readonly units: number;
  readonly deadline: number;
  readonly since: number;
  readonly settle: (result: Acquired) => void;
};

/** Creates a token bucket; it starts full. */
export const createTokenBucket = (options: TokenBucketOptions): TokenBucket => {
  const rate = options.ratePerSecond;
  const now = options.now ?? Date.now;
  const burst = Math.max(1, options.burst ?? 1);
  const unlimited = rate === undefined || !Number.isFinite(rate) || rate <= 0;
  let tokens = burst;
  let refilledAt = now();
  let pausedUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  const queue: Waiter[] = [];

  const refill = (at: number): void => {
    if (unlimited) return;
    tokens = Math.min(burst, tokens + ((at - refilledAt) / 1000) * (rate as number));
    refilledAt = at;
  };

  /** When the waiter at `position` could start if nothing changes, counting the debts of those before it. */
  const startOf = (position: number, at: number, units: number): number => {
    if (unlimited) return Math.max(at, pausedUntil);
    let needed = Math.min(units, burst) - tokens;
    for (let index = 0; index < position; index++) needed += queue[index]?.units ?? 0;
    return Math.max(at + Math.max(0, needed / (rate as number)) * 1000, pausedUntil);
  };

  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const head = queue[0];
    if (head === undefined) return;
    const at = now();
    const delay = Math.max(1, Math.ceil(startOf(0, at, head.units) - at));
    // Kept referenced: a CLI whose only pending work is a paced wait must not exit. It exists only while someone
    // waits, so it never holds a finished process open.
    timer = setTimeout(pump, delay);
  };

  function pump(): void {
    timer = undefined;
    const at = now();
    refill(at);
    // Bounded: each pass grants (removes) one waiter or stops.
    while (queue.length > 0 && at >= pausedUntil) {
      const head = queue[0] as Waiter;
      if (!unlimited && tokens < Math.min(head.units, burst)) break;
      queue.shift();
      tokens -= unlimited ? 0 : head.units;
      head.settle({ granted: true, waitedMs: at - head.since });
    }
    // A waiter whose turn moved past its deadline (a pause arrived) is refused now instead of at its turn.
    for (let index = queue.length - 1; index >= 0; index--) {
      const waiter = queue[index] as Waiter;
      if (startOf(index, at, waiter.units) > waiter.deadline) {
        queue.splice(index, 1);
        waiter.settle({ granted: false, reason: 'deadline' });
      }
    }
    schedule();
  }

  const acquire = (acquireOptions: AcquireOptions = {}): Promise<Acquired> => {
    const { units = 1, deadline = Number.POSITIVE_INFINITY, signal } = acquireOptions;
    if (signal?.aborted) return Promise.resolve({ granted: false, reason: 'aborted' });
    const at = now();
    refill(at);
    if (startOf(queue.length, at, units) > deadline) {
      return Promise.resolve({ granted: false, reason: 'deadline' });
    }
    return new Promise<Acquired>((resolve) => {
      const onAbort = (): void => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        waiter.settle({ granted: false, reason: 'aborted' });
        schedule();
      };
      let settled = false;
      const waiter: Waiter = {
        units,
        deadline,
        since: at,
        settle: (result) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          resolve(result);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      pump();
    });
  };

  return {
    acquire,
    pause: (ms) => {
      if (!(ms > 0)) return;
      pausedUntil = Math.max(pausedUntil, now() + ms);
      pump();
    },
    pausedUntil: () => (pausedUntil > now() ? pausedUntil : 0),
    waiting: () => queue.length,
  };
};
