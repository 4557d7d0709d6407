/**
 * The whole HTTP policy for Amberflo, in one ky instance shared by every caller (the workflow's `send`, the typed
 * client, benchmarks). This module wires the parts together:
 * - ky-instance.ts: the instance (no retries, no throw on status) and its API key hook;
 * - request-gate.ts: minimum request time, circuit breaker, request budget and backpressure pauses;
 * - call.ts: one call within its time window, its body read under a size bound (bounded-body.ts), its failures
 *   classified (call-failure.ts);
 * - entry-points.ts: the interpreter's `send` and the client's `request`.
 */
import type { KyInstance } from 'ky';
import { checkHttpBaseUrl } from '../arazzo/base-url.ts';
import type { HttpRequest, HttpResponse, Send, SendOptions } from '../arazzo/http-port.ts';
import { UnexpectedError } from '../errors.ts';
import { createTokenBucket, type TokenBucket } from '../rate-limit/token-bucket.ts';
import { createCall } from './call.ts';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.ts';
import { createRequest, createSend } from './entry-points.ts';
import type {
  AmberfloCallOptions,
  AmberfloHttpEvent,
  AmberfloHttpOptions,
  AmberfloRequest,
} from './http-options.ts';
import { createAmberfloKy } from './ky-instance.ts';
import { createRequestGate } from './request-gate.ts';

export type {
  AmberfloCallOptions,
  AmberfloHttpEvent,
  AmberfloHttpOptions,
  AmberfloRequest,
} from './http-options.ts';

/** Amberflo's API root (docs/amberflo-api.md §8). */
export const DEFAULT_AMBERFLO_BASE_URL = 'https://app.amberflo.io';
/** Bodies larger than this are refused before parsing (docs/arazzo.md §12). */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/** Default cap of one backpressure pause. */
export const DEFAULT_MAX_PAUSE_MS = 30_000;
/** Default least time worth sending a request with. */
export const DEFAULT_MIN_REQUEST_MS = 1_000;

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

/** The base URL without its trailing slashes, and its origin; throws UnexpectedError when it is not http(s). */
const checkBaseUrl = (given: string | undefined): { baseUrl: string; origin: string } => {
  const baseUrl = (given ?? DEFAULT_AMBERFLO_BASE_URL).replace(/\/+$/, '');
  const checked = checkHttpBaseUrl(baseUrl);
  if (!checked.ok) {
    const cause = checked.cause === undefined ? undefined : { cause: checked.cause };
    throw new UnexpectedError(`Amberflo base URL ${checked.problem}`, {}, cause);
  }
  return { baseUrl, origin: checked.url.origin };
};

const safeEmit =
  (onEvent: AmberfloHttpOptions['onEvent']) =>
  (event: AmberfloHttpEvent): void => {
    try {
      onEvent?.(event);
    } catch {
      // Metrics and logs must never fail a request.
    }
  };

/**
 * Creates the Amberflo HTTP layer: one ky instance and the `send`/`request` functions built on it.
 * Throws UnexpectedError at creation when `baseUrl` is not an http(s) URL.
 */
export const createAmberfloHttp = (options: AmberfloHttpOptions): AmberfloHttp => {
  const { baseUrl, origin } = checkBaseUrl(options.baseUrl);
  const { timeoutMs } = options;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const secrets = new Set<string>();
  const knownSecrets = (): readonly string[] => [...secrets];
  const emit = safeEmit(options.onEvent);
  const budget = createTokenBucket({ ratePerSecond: options.requestsPerSecond });
  const circuit = createCircuitBreaker({ threshold: 0, ...options.circuit, onEvent: emit });
  const gate = createRequestGate({
    budget,
    circuit,
    emit,
    timeoutMs,
    minRequestMs: Math.min(options.minRequestMs ?? DEFAULT_MIN_REQUEST_MS, timeoutMs),
    maxPauseMs: options.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS,
    paced: options.requestsPerSecond !== undefined,
  });
  const instance = createAmberfloKy({
    baseUrl,
    timeoutMs,
    getApiKey: options.getApiKey,
    secrets,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const call = createCall({ instance, gate, circuit, knownSecrets, timeoutMs, maxResponseBytes });
  const send = createSend(call, origin);
  const request = createRequest(call);
  return {
    ky: instance,
    send,
    request,
    origin,
    baseUrl,
    timeoutMs,
    maxResponseBytes,
    knownSecrets,
    budget,
    circuit,
  };
};
