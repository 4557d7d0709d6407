/**
 * One call to Amberflo: through the request gate, within its time window, on the shared ky instance, with the body
 * read under its size bound. A call that gets no answer (network, timeout, abort, oversize body) rejects with
 * AmberfloUnavailableError.
 */
import type { KyInstance, Options as KyOptions } from 'ky';
import type { HttpResponse } from '../arazzo/http-port.ts';
import { collectHeaders, readBoundedText } from './bounded-body.ts';
import { settleFailedCall } from './call-failure.ts';
import { type CallWindow, openCallWindow } from './call-window.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { transportError } from './classify.ts';
import type { AmberfloCallOptions } from './http-options.ts';
import type { RequestGate } from './request-gate.ts';

/** The request as `send` and `request` hand it over: a body as text (`send`) or as JSON (`request`). */
export type CallInit = {
  readonly method: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly json?: unknown;
};

/** Sends `input` (absolute, or relative to the base URL) and answers status, headers and body text. */
export type Call = (
  input: string,
  init: CallInit,
  callOptions: AmberfloCallOptions,
) => Promise<HttpResponse>;

export type CallDependencies = {
  readonly instance: KyInstance;
  readonly gate: RequestGate;
  readonly circuit: CircuitBreaker;
  readonly knownSecrets: () => readonly string[];
  /** The default per-request timeout (ms). */
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
};

const kyOptionsOf = (init: CallInit, window: CallWindow): KyOptions => ({
  method: init.method,
  signal: window.signal,
  timeout: window.timeoutMs,
  ...(init.headers === undefined ? {} : { headers: init.headers }),
  ...(init.body === undefined ? {} : { body: init.body }),
  ...(init.json === undefined ? {} : { json: init.json }),
});

export const createCall =
  (deps: CallDependencies): Call =>
  async (input, init, callOptions) => {
    const step = callOptions.step;
    const context = { secrets: deps.knownSecrets(), ...(step === undefined ? {} : { step }) };
    const ticket = await deps.gate.admit(callOptions, context);
    const window = openCallWindow(callOptions, deps.timeoutMs);
    if (window === undefined) {
      deps.circuit.release(ticket);
      throw transportError('timeout', {
        ...context,
        detail: 'deadline reached before the request',
      });
    }
    let answered = false;
    try {
      const response = await deps.instance(input, kyOptionsOf(init, window));
      answered = true;
      deps.gate.answered(response.status, response.headers);
      const bodyText = await readBoundedText(response, deps.maxResponseBytes);
      return { status: response.status, headers: collectHeaders(response.headers), bodyText };
    } catch (thrown) {
      throw settleFailedCall({
        thrown,
        answered,
        window,
        ticket,
        circuit: deps.circuit,
        maxResponseBytes: deps.maxResponseBytes,
        context: () => ({ ...context, secrets: deps.knownSecrets() }),
      });
    }
  };
