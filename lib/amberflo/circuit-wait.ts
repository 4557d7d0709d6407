/** Entering the circuit breaker, waiting out a half-open probe rather than failing beside it. */
import type { CircuitBreaker, CircuitTicket } from './circuit-breaker.ts';
import type { AmberfloCallOptions } from './http-options.ts';

/** Resolves when the signal aborts or `ms` pass; `stop` clears both so nothing outlives the wait. */
const sleepUnlessAborted = (
  ms: number,
  signal: AbortSignal | undefined,
): { readonly slept: Promise<void>; readonly stop: () => void } => {
  let stop = (): void => {};
  const slept = new Promise<void>((resolve) => {
    const done = (): void => resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    stop = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      done();
    };
  });
  return { slept, stop };
};

/**
 * The circuit's ticket when it lets the call through. While a probe is in flight, callers wait for its answer
 * (until their deadline or signal) rather than fail: a recovered Amberflo then gets them all, at the budget's pace.
 * `timeoutMs` bounds the wait of a call without a deadline.
 */
export const enterCircuit = async (
  circuit: CircuitBreaker,
  callOptions: AmberfloCallOptions,
  timeoutMs: number,
): Promise<CircuitTicket | undefined> => {
  // Bounded: each pass waits for one probe to settle, and the deadline or signal ends the wait.
  for (let pass = 0; pass < 100; pass++) {
    const ticket = circuit.tryEnter();
    if (ticket !== undefined) return ticket;
    if (circuit.state() !== 'half-open') return undefined;
    const remaining =
      callOptions.deadline === undefined ? timeoutMs : callOptions.deadline - Date.now();
    if (remaining <= 0 || callOptions.signal?.aborted) return undefined;
    const settled = circuit.probeSettled();
    const sleep = sleepUnlessAborted(remaining, callOptions.signal);
    await Promise.race([settled, sleep.slept]);
    sleep.stop();
  }
  return undefined;
};
