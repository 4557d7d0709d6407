/**
 * The container's circuit breaker for Amberflo: after `threshold` consecutive unavailable answers (network, timeout,
 * 408, 429, 5xx) it opens for `coolDownMs`, during which every call is refused without a request; then one probe is
 * let through, and its answer closes the circuit or opens it again. Hand-written (about forty lines) because the
 * well-known package (opossum) trips on an error percentage over a rolling window and wraps the call with its own
 * timeout, where the issue asks for "N consecutive" and our HTTP layer already owns the timeout.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export type CircuitEvent =
  | { readonly type: 'circuit-opened'; readonly failures: number; readonly coolDownMs: number }
  | { readonly type: 'circuit-closed' };

export type CircuitBreakerOptions = {
  /** Consecutive unavailable answers that open the circuit. 0 disables the breaker. Default 5. */
  readonly threshold?: number;
  /** How long an open circuit refuses calls before it lets one probe through. Default 10 000 ms. */
  readonly coolDownMs?: number;
  readonly now?: () => number;
  readonly onEvent?: (event: CircuitEvent) => void;
};

/** What `tryEnter` hands a call it lets through; the probe's ticket is the only one that settles the probe. */
export type CircuitTicket = { readonly probe: boolean };

export type CircuitBreaker = {
  /**
   * A ticket when a call may go out now, else undefined; in half-open, only the first caller gets one until its
   * answer is known.
   */
  readonly tryEnter: () => CircuitTicket | undefined;
  /** Whether the call holding `ticket` may still go out (the circuit opened while it waited for its token). */
  readonly admits: (ticket: CircuitTicket) => boolean;
  /**
   * The answer of a call that `tryEnter` let through: `unavailable` counts toward opening, anything else closes
   * (the probe's, or a late answer of a call let through before the circuit opened: both show Amberflo answers).
   */
  readonly record: (unavailable: boolean) => void;
  /**
   * The entered call ended without an answer that says anything about Amberflo (our own abort). Only the probe's
   * ticket frees the probe slot: a stale call ending must not let a second probe start beside the first.
   */
  readonly release: (ticket?: CircuitTicket) => void;
  readonly state: () => CircuitState;
  /** Epoch ms when an open circuit lets its probe through. */
  readonly openUntil: () => number;
  /** Resolves when the probe in flight (if any) has its answer, so that callers wait for it instead of failing. */
  readonly probeSettled: () => Promise<void>;
};

export const DEFAULT_CIRCUIT_THRESHOLD = 5;
export const DEFAULT_CIRCUIT_COOL_DOWN_MS = 10_000;

export const createCircuitBreaker = (options: CircuitBreakerOptions = {}): CircuitBreaker => {
  const threshold = options.threshold ?? DEFAULT_CIRCUIT_THRESHOLD;
  const coolDownMs = options.coolDownMs ?? DEFAULT_CIRCUIT_COOL_DOWN_MS;
  const now = options.now ?? Date.now;
  let failures = 0;
  let openUntil = 0;
  let state: CircuitState = 'closed';
  let probe: CircuitTicket | undefined;
  let waiters: (() => void)[] = [];
  const settleProbe = (): void => {
    probe = undefined;
    const settled = waiters;
    waiters = [];
    for (const resolve of settled) resolve();
  };

  const open = (): void => {
    state = 'open';
    openUntil = now() + coolDownMs;
    settleProbe();
    options.onEvent?.({ type: 'circuit-opened', failures, coolDownMs });
  };

  return {
    tryEnter: () => {
      if (threshold === 0 || state === 'closed') return { probe: false };
      if (state === 'open' && now() < openUntil) return undefined;
      state = 'half-open';
      if (probe !== undefined) return undefined;
      probe = { probe: true };
      return probe;
    },
    admits: (ticket) => threshold === 0 || state === 'closed' || ticket === probe,
    record: (unavailable) => {
      if (threshold === 0) return;
      if (unavailable) {
        failures += 1;
        if (state === 'half-open' || (state === 'closed' && failures >= threshold)) open();
        return;
      }
      failures = 0;
      if (state !== 'closed') {
        state = 'closed';
        settleProbe();
        options.onEvent?.({ type: 'circuit-closed' });
      }
    },
    release: (ticket) => {
      if (ticket !== undefined && ticket === probe) settleProbe();
    },
    probeSettled: () =>
      probe !== undefined
        ? new Promise<void>((resolve) => waiters.push(resolve))
        : Promise.resolve(),
    state: () => state,
    openUntil: () => openUntil,
  };
};
