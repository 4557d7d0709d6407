/**
 * Wraps the Amberflo `Send` port of the provisioning workflow with write claims (write-claims.ts): before a write
 * (any method but GET/HEAD/OPTIONS) goes out, it claims (customer, operation) for the run; a claim of another run
 * younger than WRITE_SETTLE_SECONDS refuses the send, so the same write is never sent again while reads may still
 * lag it. The interpreter stays billing-agnostic: it only sees a refused send (`SendRefusal`) and fails the run.
 *
 * After the answer: a 2xx, a 5xx, a 408 or 429 (a gateway's answer, which may come after the write took effect), a
 * bad body or no answer keeps the claim (the write happened, or may have). Any other 4xx is Amberflo refusing the
 * write, so nothing was written: it releases the claim and is returned, unless the claim replaced an earlier one (this
 * run's uncertain first attempt, or an expired claim): that earlier write may have taken effect unseen, so the 4xx
 * (a create's 400 "already exists" while the re-check still reads nothing) is not a refusal to believe; the run
 * fails retryably with Amberflo's words and the claim stays.
 */
import { createHash, randomUUID } from 'node:crypto';
import { classifyResponse } from '../amberflo/classify.ts';
import {
  type HttpRequest,
  isSendRefusal,
  type Send,
  type SendRefusal,
} from '../arazzo/http-port.ts';
import { AmberfloUnavailableError, type AppError, UnexpectedError } from '../errors.ts';
import type { WriteClaimKey, WriteClaimStore } from './write-claims.ts';

export type ClaimedSendOptions = {
  readonly send: Send;
  readonly store: WriteClaimStore;
  /** The claim scope: the workflow id. */
  readonly scope: string;
  /** The configured base URL (its path prefix is stripped before matching an operation). */
  readonly baseUrl: string;
  /**
   * The document's operations (`CompiledDocument.operations`), to name a write by its operationId: a key
   * `<source>.<operationId>` of the operation's own source names `<operationId>`; any other key names itself.
   */
  readonly operations: Readonly<Record<string, ClaimedOperation>>;
  /** Secrets to scrub from Amberflo's words. */
  readonly secrets: () => readonly string[];
};

/** What the claiming send needs of an operation: its route, and its source to read the key's operationId. */
export type ClaimedOperation = {
  readonly source?: string;
  readonly method: string;
  readonly path: string;
};

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A 4xx that says the request was refused, not that it timed out or was throttled on its way (408, 429). */
const isRefusal = (status: number): boolean =>
  status >= 400 && status < 500 && status !== 408 && status !== 429;

const refused = <E extends AppError>(error: E): E & SendRefusal =>
  Object.assign(error, { sendRefused: true as const });

const customerIdOf = (body: string | undefined): string | undefined => {
  if (body === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    const id =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as { customerId?: unknown }).customerId
        : undefined;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
};

/** Short, stable fingerprint of the request body, stored for operators comparing a claim with a message. */
export const fingerprintOf = (body: string | undefined): string =>
  createHash('sha256')
    .update(body ?? '')
    .digest('hex')
    .slice(0, 32);

/**
 * The operationId in an operation key (`amberflo.createCustomer` → `createCustomer`): claims are stored under it, so
 * they stay the same whatever the source is named. Only the operation's own `<source>.` prefix is removed: a key
 * without it (`<source> <METHOD> <path>`, or a key given without a source) is kept whole.
 */
export const operationIdOf = (key: string, operation: ClaimedOperation): string => {
  const prefix = operation.source === undefined ? undefined : `${operation.source}.`;
  return prefix !== undefined && key.startsWith(prefix) && key.length > prefix.length
    ? key.slice(prefix.length)
    : key;
};

const operationResolver = (options: ClaimedSendOptions) => {
  const basePath = new URL(options.baseUrl).pathname.replace(/\/+$/, '');
  const byRoute = new Map<string, string>();
  for (const [key, operation] of Object.entries(options.operations)) {
    byRoute.set(
      `${operation.method.toUpperCase()} ${basePath}${operation.path}`,
      operationIdOf(key, operation),
    );
  }
  return (request: HttpRequest): string => {
    const path = new URL(request.url).pathname;
    return byRoute.get(`${request.method} ${path}`) ?? `${request.method} ${path}`;
  };
};

const notVisibleYet = (operation: string, writtenAt: Date | undefined, settleSeconds: number) =>
  refused(
    new AmberfloUnavailableError(
      `An earlier ${operation} for this customer${writtenAt ? ` at ${writtenAt.toISOString()}` : ''} is not visible to reads yet; not writing again (reads get WRITE_SETTLE_SECONDS = ${settleSeconds} s to catch up)`,
    ),
  );

/**
 * Builds the claiming `Send`. Reads pass through untouched. A run is told apart by its `signal`: give every run its
 * own (`AbortSignal.any([signal])`, see write-claimed-http.ts), or all runs sharing a signal count as one holder.
 */
export const createClaimedSend = (options: ClaimedSendOptions): Send => {
  const { send, store, scope, secrets } = options;
  const operationOf = operationResolver(options);
  const holders = new WeakMap<AbortSignal, string>();
  const holderOf = (signal: AbortSignal): string => {
    let holder = holders.get(signal);
    if (holder === undefined) {
      holder = randomUUID();
      holders.set(signal, holder);
    }
    return holder;
  };

  const doubtfulRefusal = (operation: string, status: number, bodyText: string, earlier: Date) => {
    const answer = classifyResponse(status, bodyText, { secrets: secrets() });
    return refused(
      new AmberfloUnavailableError(
        `${operation}: ${answer.message}; but an earlier ${operation} for this customer at ${earlier.toISOString()} may have taken effect without being visible to reads yet, so this is not taken as a refusal`,
        answer.details,
      ),
    );
  };

  return async (request, sendOptions) => {
    if (READ_METHODS.has(request.method)) return send(request, sendOptions);
    const operation = operationOf(request);
    const customerId = customerIdOf(request.body);
    if (customerId === undefined) {
      throw refused(
        new UnexpectedError(`${operation} carries no customerId to claim; nothing was sent`),
      );
    }
    const key: WriteClaimKey = { scope, customerId, operation };
    const claim = await store
      .claim(key, fingerprintOf(request.body), holderOf(sendOptions.signal))
      .catch((error: unknown) => {
        throw refused(error as AppError);
      });
    if (!claim.granted) throw notVisibleYet(operation, claim.writtenAt, store.settleSeconds);
    // A throw here (no answer) keeps the claim: the write may have happened. A refusal of the transport (request
    // budget, open circuit, too little time left) means it was never sent: a fresh claim goes with it, or the write
    // would be held back for WRITE_SETTLE_SECONDS for nothing.
    const response = await send(request, sendOptions).catch(async (error: unknown) => {
      if (isSendRefusal(error) && claim.replacedWrittenAt === undefined) await store.release(key);
      throw error;
    });
    if (isRefusal(response.status)) {
      if (claim.replacedWrittenAt !== undefined) {
        throw doubtfulRefusal(
          operation,
          response.status,
          response.bodyText,
          claim.replacedWrittenAt,
        );
      }
      await store.release(key);
    }
    return response;
  };
};
