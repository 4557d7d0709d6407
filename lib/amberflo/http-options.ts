/** The options, per-call options and events of the Amberflo HTTP layer (`createAmberfloHttp`). */
import type { HttpRequest } from '../arazzo/http-port.ts';
import type { CircuitBreakerOptions, CircuitEvent } from './circuit-breaker.ts';

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
