/**
 * The whole HTTP policy for Amberflo, in one ky instance shared by every caller (the workflow's `send`, the typed
 * client, benchmarks).
 * - retry: 0: retries belong to the workflow's failure actions and to SQS redelivery, so they never multiply.
 * - throwHttpErrors: false: every status is an answer; callers (criteria, the client) judge it.
 * - A call that gets no answer (network, timeout, abort, oversize body) rejects with AmberfloUnavailableError.
 */
import ky, { type KyInstance } from 'ky';
import { checkHttpBaseUrl } from '../arazzo/base-url.ts';
import type {
  HttpRequest,
  HttpResponse,
  Send,
  SendOptions,
  SendRefusal,
} from '../arazzo/http-port.ts';
import {
  type AmberfloUnavailableError,
  DependencyUnavailableError,
  isAppError,
  UnexpectedError,
} from '../errors.ts';
import { createTokenBucket, type TokenBucket } from '../rate-limit/token-bucket.ts';
import {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitEvent,
  type CircuitTicket,
  createCircuitBreaker,
} from './circuit-breaker.ts';
import {
  classifyThrown,
  parseRetryAfter,
  type TransportFailureKind,
  transportError,
} from './classify.ts';

/** Amberflo's API root (docs/amberflo-api.md §8). */
export const DEFAULT_AMBERFLO_BASE_URL = 'https://app.amberflo.io';
/** Bodies larger than this are refused before parsing (docs/arazzo.md §12). */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Options of `createAmberfloHttp`. */
export type AmberfloHttpOptions = {
  /** API root; the emulator's URL in tests. Default `https://app.amberflo.io`. */
  readonly baseUrl?: string;
  /** Called before each request that does not carry its own `x-api-key`; cache inside (SSM). */
  readonly getApiKey: () => string | Promise<string>;
  /** Per-request timeout in ms; always capped by the caller's deadline. */
  readonly timeoutMs: number;
  /** Test seam; Node's global fetch by default. */
  readonly fetch?: typeof fetch;
  /** Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /**
   * This container's share of the deployment's request budget, requests per second; every request waits for a
   * token, and 429s pause the bucket. Undefined: unpaced, no pauses.
   */
  readonly requestsPerSecond?: number;
  /** Longest pause a 429 or a 503 with Retry-After imposes on the whole bucket. Default 30 000 ms. */
  readonly maxPauseMs?: number;
  /**
   * The least time a request needs to be worth sending (ms; default 1 000, never more than `timeoutMs`): a request
   * that cannot start with this much left before the caller's deadline is refused unsent, since its answer would
   * likely be lost (a write done, its result unknown).
   */
  readonly minRequestMs?: number;
  /** The circuit breaker's threshold and cool-down. Undefined, or threshold 0: no breaker. */
  readonly circuit?: Omit<CircuitBreakerOptions, 'onEvent' | 'now'>;
  /** What the layer did to live within Amberflo's limits: for metrics and logs. Must not throw. */
  readonly onEvent?: (event: AmberfloHttpEvent) => void;
};

/** Events of the request budget, the backpressure and the circuit breaker. */
export type AmberfloHttpEvent =
  | { readonly type: 'paced'; readonly waitedMs: number }
  | { readonly type: 'throttled'; readonly status: number; readonly pauseMs: number }
  | { readonly type: 'refused'; readonly reason: 'budget' | 'circuit' }
  | CircuitEvent;

/** Default cap of one backpressure pause. */
export const DEFAULT_MAX_PAUSE_MS = 30_000;
/** Default least time worth sending a request with. */
export const DEFAULT_MIN_REQUEST_MS = 1_000;
/** Pause after a 429 that names no Retry-After. */
const PAUSE_WITHOUT_RETRY_AFTER_MS = 1_000;

/** Per-call options on top of the port's `SendOptions`. */
export type AmberfloCallOptions = {
  readonly signal?: AbortSignal;
  /** Per-request timeout override (ms). */
  readonly timeoutMs?: number;
  /** Absolute deadline (epoch ms) of the whole run; the timeout never exceeds what remains of it. */
  readonly deadline?: number;
  /** Names the step or method in error details. */
  readonly step?: string;
};

/** A request relative to the configured base URL, for the typed client. */
export type AmberfloRequest = {
  readonly method: HttpRequest['method'];
  /** Path starting with `/`; callers URL-encode ids. */
  readonly path: string;
  readonly searchParams?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
};

/** The shared HTTP layer: the ky instance, the interpreter's `send`, and a relative `request` for the client. */
export type AmberfloHttp = {
  /** The shared ky instance (base URL, no retries, no throw on status, API key hook). */
  readonly ky: KyInstance;
  /** Implements the interpreter's `Send` port; also accepts `deadline` and `step`. */
  readonly send: Send &
    ((request: HttpRequest, options: SendOptions & AmberfloCallOptions) => Promise<HttpResponse>);
  /** Sends a request relative to the base URL, with the same bounds and errors as `send`. */
  readonly request: (
    request: AmberfloRequest,
    options?: AmberfloCallOptions,
  ) => Promise<HttpResponse>;
  /** The configured origin (`https://app.amberflo.io`); the interpreter refuses any other. */
  readonly origin: string;
  /** The configured base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Every API key value this instance has sent so far, for scrubbing messages. */
  readonly knownSecrets: () => readonly string[];
  /** The container's request budget (pace and pauses). */
  readonly budget: TokenBucket;
  readonly circuit: CircuitBreaker;
};

type TransportFailure = { readonly kind: TransportFailureKind; readonly detail?: string };

const OVERSIZE = Symbol('oversize');

const isUnavailableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500;

/** How long an answer asks the whole container to hold back: a 429, or a 503 that names a Retry-After. */
const pauseOf = (status: number, headers: Headers, maxPauseMs: number): number | undefined => {
  const retryAfter = parseRetryAfter(headers.get('retry-after') ?? undefined);
  if (status === 429) {
    return Math.min(
      retryAfter === undefined ? PAUSE_WITHOUT_RETRY_AFTER_MS : retryAfter * 1000,
      maxPauseMs,
    );
  }
  if (status === 503 && retryAfter !== undefined) return Math.min(retryAfter * 1000, maxPauseMs);
  return undefined;
};

const refusal = (error: AmberfloUnavailableError): AmberfloUnavailableError & SendRefusal =>
  Object.assign(error, { sendRefused: true as const });

const collectHeaders = (headers: Headers): Record<string, string> => {
  const result: Record<string, string> = {};
  // Headers iterates lower-cased names and already comma-joins repeated values.
  for (const [name, value] of headers) result[name] = value;
  return result;
};

/** Reads the body as text, refusing more than `maxBytes`; the signal bounds the read in time. */
const readBoundedText = async (response: Response, maxBytes: number): Promise<string> => {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw OVERSIZE;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let total = 0;
  // Bounded: each read consumes bytes, and more than maxBytes stops the loop.
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw OVERSIZE;
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
};

/**
 * Creates the Amberflo HTTP layer: one ky instance and the `send`/`request` functions built on it.
 * Throws UnexpectedError at creation when `baseUrl` is not an http(s) URL.
 */
export const createAmberfloHttp = (options: AmberfloHttpOptions): AmberfloHttp => {
  const baseUrl = (options.baseUrl ?? DEFAULT_AMBERFLO_BASE_URL).replace(/\/+$/, '');
  const checked = checkHttpBaseUrl(baseUrl);
  if (!checked.ok) {
    const cause = checked.cause === undefined ? undefined : { cause: checked.cause };
    throw new UnexpectedError(`Amberflo base URL ${checked.problem}`, {}, cause);
  }
  const origin = checked.url.origin;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const secrets = new Set<string>();
  const knownSecrets = (): readonly string[] => [...secrets];
  const emit = (event: AmberfloHttpEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // Metrics and logs must never fail a request.
    }
  };
  const maxPauseMs = options.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS;
  const minRequestMs = Math.min(options.minRequestMs ?? DEFAULT_MIN_REQUEST_MS, options.timeoutMs);
  const budget = createTokenBucket({ ratePerSecond: options.requestsPerSecond });
  const circuit = createCircuitBreaker({ threshold: 0, ...options.circuit, onEvent: emit });

  const instance = ky.create({
    baseUrl: `${baseUrl}/`,
    retry: 0,
    throwHttpErrors: false,
    redirect: 'error',
    timeout: options.timeoutMs,
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    hooks: {
      beforeRequest: [
        async ({ request }) => {
          const carried = request.headers.get('x-api-key');
          if (carried !== null) {
            // A document may pass the key itself (the seed does); remember it so it is scrubbed too.
            secrets.add(carried);
            return;
          }
          let key: string;
          try {
            key = await options.getApiKey();
          } catch (cause) {
            throw new DependencyUnavailableError(
              'Could not read the Amberflo API key',
              {},
              { cause },
            );
          }
          secrets.add(key);
          request.headers.set('x-api-key', key);
        },
      ],
    },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });

  /**
   * The circuit's ticket when it lets the call through. While a probe is in flight, callers wait for its answer
   * (until their deadline or signal) rather than fail: a recovered Amberflo then gets them all, at the budget's pace.
   */
  const enterCircuit = async (
    callOptions: AmberfloCallOptions,
  ): Promise<CircuitTicket | undefined> => {
    // Bounded: each pass waits for one probe to settle, and the deadline or signal ends the wait.
    for (let pass = 0; pass < 100; pass++) {
      const ticket = circuit.tryEnter();
      if (ticket !== undefined) return ticket;
      if (circuit.state() !== 'half-open') return undefined;
      const remaining =
        callOptions.deadline === undefined ? options.timeoutMs : callOptions.deadline - Date.now();
      if (remaining <= 0 || callOptions.signal?.aborted) return undefined;
      let stop = (): void => {};
      await Promise.race([
        circuit.probeSettled(),
        new Promise<void>((resolve) => {
          const done = (): void => resolve();
          const timer = setTimeout(done, remaining);
          const signal = callOptions.signal;
          signal?.addEventListener('abort', done, { once: true });
          stop = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            done();
          };
        }),
      ]);
      stop();
    }
    return undefined;
  };

  const circuitRefusal = (context: { secrets: readonly string[]; step?: string }) => {
    emit({ type: 'refused', reason: 'circuit' });
    return refusal(
      transportError('not sent', {
        ...context,
        detail: 'circuit open after consecutive failures',
      }),
    );
  };

  /**
   * Waits for the circuit and a token, and returns the circuit's ticket; throws a refusal (no request made) when
   * either says no, or when the circuit opened while the call waited for its token.
   */
  const admit = async (
    callOptions: AmberfloCallOptions,
    context: { secrets: readonly string[]; step?: string },
  ): Promise<CircuitTicket> => {
    const ticket = await enterCircuit(callOptions);
    if (ticket === undefined) throw circuitRefusal(context);
    // A token is useful only if the request can still get its minimum time before the deadline.
    const latestStart =
      callOptions.deadline === undefined ? undefined : callOptions.deadline - minRequestMs;
    const granted = await budget.acquire({
      ...(latestStart === undefined ? {} : { deadline: latestStart }),
      ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
    });
    if (!granted.granted) {
      circuit.release(ticket);
      if (granted.reason === 'aborted')
        throw transportError('aborted', { ...context, detail: 'while waiting for the budget' });
      emit({ type: 'refused', reason: 'budget' });
      throw refusal(
        transportError('not sent', {
          ...context,
          detail: 'request budget has no room before the deadline',
        }),
      );
    }
    if (granted.waitedMs > 0) emit({ type: 'paced', waitedMs: granted.waitedMs });
    // Calls queued for a token before the circuit opened must not go out after it did.
    if (!circuit.admits(ticket)) {
      circuit.release(ticket);
      throw circuitRefusal(context);
    }
    return ticket;
  };

  const call = async (
    input: string,
    init: { method: string; headers?: Record<string, string>; body?: string; json?: unknown },
    callOptions: AmberfloCallOptions,
  ): Promise<HttpResponse> => {
    const step = callOptions.step;
    const context = { secrets: knownSecrets(), ...(step === undefined ? {} : { step }) };
    const callerSignal = callOptions.signal;
    if (callerSignal?.aborted)
      throw transportError('aborted', { ...context, detail: 'signal already aborted' });
    if (callOptions.deadline !== undefined && callOptions.deadline - Date.now() <= 0) {
      throw transportError('timeout', {
        ...context,
        detail: 'deadline reached before the request',
      });
    }
    if (callOptions.deadline !== undefined && callOptions.deadline - Date.now() < minRequestMs) {
      emit({ type: 'refused', reason: 'budget' });
      throw refusal(
        transportError('not sent', {
          ...context,
          detail: `less than ${minRequestMs} ms left before the deadline`,
        }),
      );
    }
    const ticket = await admit(callOptions, context);
    const remaining =
      callOptions.deadline === undefined
        ? Number.POSITIVE_INFINITY
        : callOptions.deadline - Date.now();
    // The request's own timeout starts once it may go; the deadline still bounds the whole.
    const ownTimeoutMs = callOptions.timeoutMs ?? options.timeoutMs;
    const timeoutMs = Math.min(ownTimeoutMs, remaining);
    if (timeoutMs <= 0) {
      circuit.release(ticket);
      throw transportError('timeout', {
        ...context,
        detail: 'deadline reached before the request',
      });
    }
    // A timeout the deadline bounds says nothing about Amberflo: it may simply have needed the full time. The
    // interpreter passes a timeout it already cut to the deadline, so "bounded" includes "equal".
    const cutByDeadline = remaining <= ownTimeoutMs;
    // One signal bounds the whole exchange, the body read included (ky's own timeout stops at the headers).
    const timeoutSignal = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeoutSignal]) : timeoutSignal;
    const failureOf = (thrown: unknown): TransportFailure | undefined => {
      if (thrown === OVERSIZE)
        return { kind: 'oversize', detail: `body over ${maxResponseBytes} bytes` };
      if (callerSignal?.aborted) {
        const reason: unknown = callerSignal.reason;
        return reason instanceof Error && reason.name === 'TimeoutError'
          ? { kind: 'timeout', detail: 'caller deadline' }
          : { kind: 'aborted' };
      }
      if (timeoutSignal.aborted) {
        const why = cutByDeadline ? ' (the caller deadline)' : '';
        return { kind: 'timeout', detail: `no answer within ${timeoutMs} ms${why}` };
      }
      return undefined;
    };
    let answered = false;
    try {
      const response = await instance(input, {
        method: init.method,
        signal,
        timeout: timeoutMs,
        ...(init.headers === undefined ? {} : { headers: init.headers }),
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.json === undefined ? {} : { json: init.json }),
      });
      answered = true;
      circuit.record(isUnavailableStatus(response.status));
      const pauseMs = pauseOf(response.status, response.headers, maxPauseMs);
      if (pauseMs !== undefined && options.requestsPerSecond !== undefined) {
        budget.pause(pauseMs);
        emit({ type: 'throttled', status: response.status, pauseMs });
      }
      const bodyText = await readBoundedText(response, maxResponseBytes);
      return { status: response.status, headers: collectHeaders(response.headers), bodyText };
    } catch (thrown) {
      const failure = isAppError(thrown) ? undefined : failureOf(thrown);
      // Our own abort or deadline says nothing about Amberflo; its timeout or a network failure does.
      if (!answered) {
        const ours =
          isAppError(thrown) ||
          callerSignal?.aborted ||
          failure?.kind === 'oversize' ||
          (failure?.kind === 'timeout' && cutByDeadline);
        if (ours) circuit.release(ticket);
        else circuit.record(true);
      }
      if (isAppError(thrown)) throw thrown;
      const fresh = { ...context, secrets: knownSecrets() };
      if (failure !== undefined) {
        throw transportError(failure.kind, {
          ...fresh,
          cause: thrown,
          ...(failure.detail === undefined ? {} : { detail: failure.detail }),
        });
      }
      throw classifyThrown(thrown, fresh);
    }
  };

  const send = async (
    request: HttpRequest,
    sendOptions: SendOptions & AmberfloCallOptions,
  ): Promise<HttpResponse> => {
    let target: URL;
    try {
      target = new URL(request.url);
    } catch (cause) {
      throw new UnexpectedError('Request URL is not absolute', {}, { cause });
    }
    // Defence in depth: the interpreter already checks, but the key must never travel to another host.
    if (target.origin !== origin)
      throw new UnexpectedError('Request URL is not on the Amberflo origin');
    return call(
      target.href,
      {
        method: request.method,
        headers: { ...request.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
      },
      sendOptions,
    );
  };

  const request = async (
    req: AmberfloRequest,
    callOptions: AmberfloCallOptions = {},
  ): Promise<HttpResponse> => {
    const query =
      req.searchParams === undefined ? '' : `?${new URLSearchParams(req.searchParams).toString()}`;
    // Relative (no leading slash) so a base URL with a path prefix is kept.
    const input = `${req.path.replace(/^\/+/, '')}${query}`;
    return call(
      input,
      {
        method: req.method,
        ...(req.headers === undefined ? {} : { headers: { ...req.headers } }),
        ...(req.json === undefined ? {} : { json: req.json }),
      },
      callOptions,
    );
  };

  return {
    ky: instance,
    send,
    request,
    origin,
    baseUrl,
    timeoutMs: options.timeoutMs,
    maxResponseBytes,
    knownSecrets,
    budget,
    circuit,
  };
};
