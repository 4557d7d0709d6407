/** The time one call may take once the gate lets it go, and the signal that enforces it. */
import type { AmberfloCallOptions } from './http-options.ts';

export type CallWindow = {
  /** The call's timeout: its own (or the default), cut to what remains of the deadline. */
  readonly timeoutMs: number;
  /**
   * Whether the deadline, not the call's own timeout, set the bound. A timeout the deadline bounds says nothing about
   * Amberflo: it may simply have needed the full time.
   */
  readonly cutByDeadline: boolean;
  readonly callerSignal: AbortSignal | undefined;
  readonly timeoutSignal: AbortSignal;
  /** Aborts on the caller's signal or the timeout: it bounds the whole exchange, the body read included. */
  readonly signal: AbortSignal;
};

/** Opens the window of a call just admitted; undefined when the deadline has already passed. */
export const openCallWindow = (
  callOptions: AmberfloCallOptions,
  defaultTimeoutMs: number,
): CallWindow | undefined => {
  const remaining =
    callOptions.deadline === undefined
      ? Number.POSITIVE_INFINITY
      : callOptions.deadline - Date.now();
  // The request's own timeout starts once it may go; the deadline still bounds the whole.
  const ownTimeoutMs = callOptions.timeoutMs ?? defaultTimeoutMs;
  const timeoutMs = Math.min(ownTimeoutMs, remaining);
  if (timeoutMs <= 0) return undefined;
  // The interpreter passes a timeout it already cut to the deadline, so "bounded" includes "equal".
  const cutByDeadline = remaining <= ownTimeoutMs;
  // ky's own timeout stops at the headers, hence a signal of our own.
  const timeoutSignal = AbortSignal.timeout(timeoutMs);
  const callerSignal = callOptions.signal;
  const signal = callerSignal ? AbortSignal.any([callerSignal, timeoutSignal]) : timeoutSignal;
  return { timeoutMs, cutByDeadline, callerSignal, timeoutSignal, signal };
};
