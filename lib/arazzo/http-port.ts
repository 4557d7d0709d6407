/**
 * The one seam between the Arazzo interpreter (pure, no I/O) and the network. The interpreter builds the request
 * (absolute URL already checked against the configured origin) and hands it to `send`; the Amberflo HTTP layer
 * (`lib/amberflo/http.ts`) implements it with the shared ky instance, and tests may pass any loopback implementation.
 */

export type HttpRequest = {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  /** Absolute URL on the server of the operation's source (docs/arazzo.md §12). */
  readonly url: string;
  /** Name of the source description whose operation this is, so one `Send` can route (and authenticate) per source. */
  readonly source: string;
  /** Header names lower-cased. `x-api-key` is added by the HTTP layer unless the document set it. */
  readonly headers: Readonly<Record<string, string>>;
  /** Serialised body, when there is one. */
  readonly body?: string;
};

export type HttpResponse = {
  readonly status: number;
  /** Header names lower-cased; repeated headers comma-joined. */
  readonly headers: Readonly<Record<string, string>>;
  /** Raw body text (possibly empty). The interpreter parses JSON itself. */
  readonly bodyText: string;
};

export type SendOptions = {
  /** Aborts the request: the run's deadline or the Lambda's early-timeout signal. */
  readonly signal: AbortSignal;
  /** Per-request timeout, already capped by the run's remaining time. */
  readonly timeoutMs: number;
  /** The run's absolute deadline (epoch ms), when it has one: a sender that must wait (a rate limit) waits no longer. */
  readonly deadline?: number;
};

/**
 * Marks a `Send` rejection for a request that was never sent because the sender refused it (a request budget that
 * cannot grant before the deadline, an open circuit breaker). Retrying within the run cannot help, so the runner
 * fails the run at once.
 */
export type SendRefusal = { readonly sendRefused: true };

/** Whether `error` is a `Send` refusal (see `SendRefusal`). */
export const isSendRefusal = (error: unknown): error is SendRefusal =>
  typeof error === 'object' &&
  error !== null &&
  (error as { sendRefused?: unknown }).sendRefused === true;

/**
 * Sends one request and resolves with any HTTP status (a 4xx/5xx is an answer, not a throw).
 * Rejects only when no answer arrived (network, timeout, abort, oversize body), with an `AppError`
 * (`AmberfloUnavailableError` from the Amberflo layer) whose message never contains the API key.
 */
export type Send = (request: HttpRequest, options: SendOptions) => Promise<HttpResponse>;

/** Why a workflow run failed (docs/arazzo.md §7). */
export type FailureReason =
  | 'criteria'
  | 'end-action'
  | 'transport'
  | 'timeout'
  | 'deadline'
  | 'step-budget'
  | 'evaluation'
  /** A success status whose body is not JSON or breaks the schema the source description documents for it. */
  | 'response-schema';

/** What the interpreter knows about a failed step when it asks for a code. */
export type StepFailure = {
  readonly reason: FailureReason;
  /** Null when no answer arrived (transport, timeout, deadline) or no request was made. */
  readonly statusCode: number | null;
  readonly bodyText?: string;
  /** What `Send` threw, for transport and timeout failures. */
  readonly error?: unknown;
  /**
   * For `response-schema`: where the body breaks the documented schema; for `evaluation`: what could not be evaluated
   * (an absent path parameter, an absent embedded value, a called workflow's input problems). Never a value.
   */
  readonly issues?: readonly string[];
  /**
   * The source description of the failing step's operation (`HttpRequest.source`), so a caller running several APIs
   * can word each one's failures; absent when the failure is no operation step's (a workflow step, the run itself).
   */
  readonly source?: string;
};

/**
 * Turns a step failure into a stable project code and a short, secret-free message. Injected into the runner so
 * the interpreter stays API-agnostic; the Amberflo layer provides `classifyWorkflowFailure`.
 */
export type ClassifyFailure = (failure: StepFailure) => { code: string; message: string };
