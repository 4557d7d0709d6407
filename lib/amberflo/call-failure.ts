/**
 * What a call that threw means: which transport failure it was, whether it says anything about Amberflo (for the
 * circuit breaker), and the error the caller gets.
 */
import { isAppError } from '../errors.ts';
import { OVERSIZE } from './bounded-body.ts';
import type { CallWindow } from './call-window.ts';
import type { CircuitBreaker, CircuitTicket } from './circuit-breaker.ts';
import {
  type ClassifyContext,
  classifyThrown,
  type TransportFailureKind,
  transportError,
} from './classify.ts';

type TransportFailure = { readonly kind: TransportFailureKind; readonly detail?: string };

/** A failure our own bounds explain (size, the caller's signal, the timeout); undefined for any other. */
const failureOf = (
  thrown: unknown,
  window: CallWindow,
  maxResponseBytes: number,
): TransportFailure | undefined => {
  if (thrown === OVERSIZE)
    return { kind: 'oversize', detail: `body over ${maxResponseBytes} bytes` };
  const { callerSignal } = window;
  if (callerSignal?.aborted) {
    const reason: unknown = callerSignal.reason;
    return reason instanceof Error && reason.name === 'TimeoutError'
      ? { kind: 'timeout', detail: 'caller deadline' }
      : { kind: 'aborted' };
  }
  if (window.timeoutSignal.aborted) {
    const why = window.cutByDeadline ? ' (the caller deadline)' : '';
    return { kind: 'timeout', detail: `no answer within ${window.timeoutMs} ms${why}` };
  }
  return undefined;
};

/** A call that threw, and what the caller knows of it. */
export type FailedCall = {
  readonly thrown: unknown;
  /** Whether Amberflo answered (the body read failed), in which case the breaker already counted the answer. */
  readonly answered: boolean;
  readonly window: CallWindow;
  readonly maxResponseBytes: number;
  readonly circuit: CircuitBreaker;
  readonly ticket: CircuitTicket;
  /** The context for the error, read after the call so that a key learnt during it is scrubbed too. */
  readonly context: () => ClassifyContext;
};

/** Settles the breaker for a call that got no answer, and returns the error to throw. */
export const settleFailedCall = (call: FailedCall): unknown => {
  const { thrown, window } = call;
  const failure = isAppError(thrown) ? undefined : failureOf(thrown, window, call.maxResponseBytes);
  // Our own abort or deadline says nothing about Amberflo; its timeout or a network failure does.
  if (!call.answered) {
    const ours =
      isAppError(thrown) ||
      window.callerSignal?.aborted ||
      failure?.kind === 'oversize' ||
      (failure?.kind === 'timeout' && window.cutByDeadline);
    if (ours) call.circuit.release(call.ticket);
    else call.circuit.record(true);
  }
  if (isAppError(thrown)) return thrown;
  const context = call.context();
  if (failure !== undefined) {
    return transportError(failure.kind, {
      ...context,
      cause: thrown,
      ...(failure.detail === undefined ? {} : { detail: failure.detail }),
    });
  }
  return classifyThrown(thrown, context);
};
