/** How long an answer asks the whole container to hold back its requests. */
import { parseRetryAfter } from './classify.ts';

/** Pause after a 429 that names no Retry-After. */
const PAUSE_WITHOUT_RETRY_AFTER_MS = 1_000;

/** The pause a 429, or a 503 that names a Retry-After, imposes (at most `maxPauseMs`); undefined for any other. */
export const pauseOf = (
  status: number,
  headers: Headers,
  maxPauseMs: number,
): number | undefined => {
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
