/**
 * The gate every call passes before it is sent, and reports its answer to: the minimum time a request needs, the
 * circuit breaker, the container's request budget (a token bucket) and the pauses 429s and Retry-Afters impose.
 * A call the gate turns away was never sent (`sendRefused`), so the workflow knows nothing happened at Amberflo.
 */
import type { SendRefusal } from '../arazzo/http-port.ts';
import type { AmberfloUnavailableError } from '../errors.ts';
import type { TokenBucket } from '../rate-limit/token-bucket.ts';
import { pauseOf } from './backpressure.ts';
import type { CircuitBreaker, CircuitTicket } from './circuit-breaker.ts';
import { enterCircuit } from './circuit-wait.ts';
import { type ClassifyContext, transportError } from './classify.ts';
import type { AmberfloCallOptions, AmberfloHttpEvent } from './http-options.ts';

/** What the gate holds; `paced` is false when no request budget is configured, and then nothing pauses. */
export type RequestGateOptions = {
  readonly budget: TokenBucket;
  readonly circuit: CircuitBreaker;
  readonly emit: (event: AmberfloHttpEvent) => void;
  readonly timeoutMs: number;
  readonly minRequestMs: number;
  readonly maxPauseMs: number;
  readonly paced: boolean;
};

export type RequestGate = {
  /**
   * Waits for the circuit and a token, and returns the circuit's ticket; throws a refusal (no request made) when
   * the call has too little time left, when the circuit or the budget says no, or when the circuit opened while the
   * call waited for its token. Throws an aborted or timeout error when the call is already over.
   */
  readonly admit: (
    callOptions: AmberfloCallOptions,
    context: ClassifyContext,
  ) => Promise<CircuitTicket>;
  /** Reports an answer: the breaker counts unavailable statuses, and a throttling answer pauses the budget. */
  readonly answered: (status: number, headers: Headers) => void;
};

const refusal = (error: AmberfloUnavailableError): AmberfloUnavailableError & SendRefusal =>
  Object.assign(error, { sendRefused: true as const });

const isUnavailableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500;

const circuitRefusal = (gate: RequestGateOptions, context: ClassifyContext) => {
  gate.emit({ type: 'refused', reason: 'circuit' });
  return refusal(
    transportError('not sent', { ...context, detail: 'circuit open after consecutive failures' }),
  );
};

/** Turns away a call that is already aborted or past its deadline, or that has less than its minimum time left. */
const checkTimeLeft = (
  gate: RequestGateOptions,
  callOptions: AmberfloCallOptions,
  context: ClassifyContext,
): void => {
  if (callOptions.signal?.aborted)
    throw transportError('aborted', { ...context, detail: 'signal already aborted' });
  if (callOptions.deadline !== undefined && callOptions.deadline - Date.now() <= 0) {
    throw transportError('timeout', { ...context, detail: 'deadline reached before the request' });
  }
  if (callOptions.deadline !== undefined && callOptions.deadline - Date.now() < gate.minRequestMs) {
    gate.emit({ type: 'refused', reason: 'budget' });
    throw refusal(
      transportError('not sent', {
        ...context,
        detail: `less than ${gate.minRequestMs} ms left before the deadline`,
      }),
    );
  }
};

/** Waits for a token of the budget; gives the ticket back and throws when none comes in time. */
const acquireToken = async (
  gate: RequestGateOptions,
  callOptions: AmberfloCallOptions,
  context: ClassifyContext,
  ticket: CircuitTicket,
): Promise<void> => {
  // A token is useful only if the request can still get its minimum time before the deadline.
  const latestStart =
    callOptions.deadline === undefined ? undefined : callOptions.deadline - gate.minRequestMs;
  const granted = await gate.budget.acquire({
    ...(latestStart === undefined ? {} : { deadline: latestStart }),
    ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
  });
  if (!granted.granted) {
    gate.circuit.release(ticket);
    if (granted.reason === 'aborted')
      throw transportError('aborted', { ...context, detail: 'while waiting for the budget' });
    gate.emit({ type: 'refused', reason: 'budget' });
    throw refusal(
      transportError('not sent', {
        ...context,
        detail: 'request budget has no room before the deadline',
      }),
    );
  }
  if (granted.waitedMs > 0) gate.emit({ type: 'paced', waitedMs: granted.waitedMs });
};

const admit = async (
  gate: RequestGateOptions,
  callOptions: AmberfloCallOptions,
  context: ClassifyContext,
): Promise<CircuitTicket> => {
  checkTimeLeft(gate, callOptions, context);
  const ticket = await enterCircuit(gate.circuit, callOptions, gate.timeoutMs);
  if (ticket === undefined) throw circuitRefusal(gate, context);
  await acquireToken(gate, callOptions, context, ticket);
  // Calls queued for a token before the circuit opened must not go out after it did.
  if (!gate.circuit.admits(ticket)) {
    gate.circuit.release(ticket);
    throw circuitRefusal(gate, context);
  }
  return ticket;
};

const answered = (gate: RequestGateOptions, status: number, headers: Headers): void => {
  gate.circuit.record(isUnavailableStatus(status));
  const pauseMs = pauseOf(status, headers, gate.maxPauseMs);
  if (pauseMs !== undefined && gate.paced) {
    gate.budget.pause(pauseMs);
    gate.emit({ type: 'throttled', status, pauseMs });
  }
};

export const createRequestGate = (gate: RequestGateOptions): RequestGate => ({
  admit: (callOptions, context) => admit(gate, callOptions, context),
  answered: (status, headers) => answered(gate, status, headers),
});
