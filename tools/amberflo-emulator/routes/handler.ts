/**
 * What a route handler is: a parsed request and the live state in, one reply out. Also the reply and body helpers
 * every handler shares.
 */
import * as z from 'zod';
import type { EmulatorSwitches } from '../options.ts';
import type { EmulatorStore } from '../store.ts';

/** One emulated reply: a JSON value, or a raw text (an empty body, a malformed one). */
export type Reply = {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
};

/** One API request, already parsed by the server. */
export type ApiRequest = {
  readonly method: string;
  /** Path without query, trailing slash removed. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
};

/** What a handler works on: the state, the switches as they are for this request, the clock (ms). */
export type RouteContext = {
  readonly store: EmulatorStore;
  readonly switches: EmulatorSwitches;
  readonly now: () => number;
};

/** `params` are the decoded `{id}` parts of the path. */
export type Handler = (
  context: RouteContext,
  request: ApiRequest,
  params: readonly string[],
) => Reply;

export const error = (status: number, errorMessage: string): Reply => ({
  status,
  json: { errorMessage },
});
export const ok = (json: unknown): Reply => ({ status: 200, json });

/** A string with something in it other than white space, as Amberflo requires of ids and names. */
export const TextSchema = z.string().regex(/\S/, 'must be a non-empty string');
/** Epoch seconds. */
export const SecondsSchema = z.int().nonnegative();

export const clone = <T>(value: T): T => structuredClone(value);

/** Parses a body or builds the 400 reply Amberflo would give, naming the first problem. */
export const parseBody = <T>(
  schema: z.ZodType<T>,
  body: unknown,
): { data: T } | { reply: Reply } => {
  const result = schema.safeParse(body);
  if (result.success) return { data: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
  return { reply: error(400, `Invalid request: ${where} ${issue?.message ?? 'is invalid'}`) };
};

/** The value of the first of `keys` the query has; null when it has none. */
export const queryValue = (query: URLSearchParams, keys: readonly string[]): string | null => {
  for (const key of keys) {
    const value = query.get(key);
    if (value !== null) return value;
  }
  return null;
};
