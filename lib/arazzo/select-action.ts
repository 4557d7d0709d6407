/**
 * Which action follows an attempt (docs/arazzo.md §6), and how long to wait before it: retries are bounded by their
 * `retryLimit`, failure gotos after a transient failure by the run's budget of them.
 */

import { criteriaPass } from './criteria.ts';
import type { ExpressionScope } from './expression.ts';
import type { PreparedAction } from './prepare.ts';

/** No answer, 408, 429 or 5xx (RFC 9110): the server may answer differently later. */
export const isTransient = (statusCode: number | null): boolean =>
  statusCode === null || statusCode === 408 || statusCode === 429 || statusCode >= 500;

/**
 * The wait before the `attempt`-th failure goto of a run (1-based): `base × 2^(attempt−1)` capped at `maxMs`, then
 * scaled into [½, 1] by `random`, so that concurrent runs spread out but never wait less than half the step.
 */
export const failureGotoBackoffMs = (
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number => {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (1 - random() / 2));
};

/** The first success action whose criteria hold. */
export const firstMatching = (
  actions: readonly PreparedAction[],
  scope: ExpressionScope,
): PreparedAction | undefined => actions.find((action) => criteriaPass(action.criteria, scope));

/** What a failure needs to know to choose its action. */
export type FailureContext = {
  readonly scope: ExpressionScope;
  readonly statusCode: number | null;
  /** The server's Retry-After, in ms (capped by `maxRetryWaitMs`; the document's `retryAfter` is not). */
  readonly retryAfterMs: number | undefined;
  /** Retries used per action in this run; a chosen retry counts one. */
  readonly counters: Map<string, number>;
  /** Transient failure gotos taken so far in this run. */
  readonly failureGotos: number;
  readonly maxFailureGotos: number;
  readonly maxRetryWaitMs: number;
};

export type FailureChoice = {
  readonly action: PreparedAction | undefined;
  /** For a chosen retry: how long to wait before it. */
  readonly retryWaitMs?: number;
};

/**
 * The wait before a retry (docs/arazzo.md §6, §10): the longer of the document's `retryAfter`, made in full (1.0.1:
 * the delay SHALL be made), and the server's `Retry-After`, capped by `maxRetryWaitMs` (a server does not choose how
 * long we sleep). A wait past the run's deadline is the caller's to refuse (run-actions.ts).
 */
const retryWaitOf = (action: PreparedAction, context: FailureContext): number => {
  const serverMs =
    context.retryAfterMs === undefined ? 0 : Math.min(context.retryAfterMs, context.maxRetryWaitMs);
  return Math.max(action.retryAfterMs, serverMs);
};

/** The first failure action that applies; none means the step, and with it the run, fails. */
export const chooseFailureAction = (
  actions: readonly PreparedAction[],
  context: FailureContext,
): FailureChoice => {
  for (const action of actions) {
    if (!criteriaPass(action.criteria, context.scope)) continue;
    if (action.type === 'retry') {
      const used = context.counters.get(action.counterKey) ?? 0;
      // An exhausted retry lets evaluation move on to the next matching action (docs/arazzo.md §6).
      if (used >= action.retryLimit) continue;
      context.counters.set(action.counterKey, used + 1);
      return { action, retryWaitMs: retryWaitOf(action, context) };
    }
    // A bounded number of transient failure gotos per run: past it, the action no longer applies.
    if (
      action.type === 'goto' &&
      isTransient(context.statusCode) &&
      context.failureGotos >= context.maxFailureGotos
    ) {
      continue;
    }
    return { action };
  }
  return { action: undefined };
};
