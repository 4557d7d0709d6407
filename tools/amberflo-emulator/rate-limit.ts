/**
 * The emulator's rate-limit mode: a token bucket over every API request; a request finding it empty gets 429 with a
 * Retry-After (whole seconds until the next token, at least 1), the way a vendor's gateway would answer.
 */
import * as z from 'zod';

export const RateLimitSchema = z.object({
  requestsPerSecond: z.number().positive().describe('Sustained API requests per second'),
  burst: z
    .number()
    .min(1)
    .optional()
    .describe('Requests accepted back to back after a quiet spell (default: one second worth)'),
});
export type RateLimit = z.infer<typeof RateLimitSchema>;
export type RateLimitInput = z.input<typeof RateLimitSchema>;

/** What the limiter says about one request. */
export type RateLimitDecision =
  | { readonly limited: false }
  | { readonly limited: true; readonly retryAfterSeconds: number };

export type EmulatorRateLimiter = {
  readonly admit: () => RateLimitDecision;
  /** Replaces the limit (null: no limit); the bucket starts full. Throws a ZodError when invalid. */
  readonly configure: (limit: RateLimitInput | null) => void;
  readonly current: () => RateLimit | null;
};

export const createEmulatorRateLimiter = (
  initial: RateLimitInput | null = null,
  now: () => number = Date.now,
): EmulatorRateLimiter => {
  let limit: RateLimit | null = null;
  let tokens = 0;
  let refilledAt = 0;
  const burstOf = (value: RateLimit) => value.burst ?? Math.max(1, value.requestsPerSecond);
  const configure = (next: RateLimitInput | null) => {
    limit = next === null ? null : RateLimitSchema.parse(next);
    tokens = limit === null ? 0 : burstOf(limit);
    refilledAt = now();
  };
  configure(initial);
  return {
    admit: () => {
      if (limit === null) return { limited: false };
      const at = now();
      tokens = Math.min(
        burstOf(limit),
        tokens + ((at - refilledAt) / 1000) * limit.requestsPerSecond,
      );
      refilledAt = at;
      if (tokens >= 1) {
        tokens -= 1;
        return { limited: false };
      }
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / limit.requestsPerSecond));
      return { limited: true, retryAfterSeconds };
    },
    configure,
    current: () => (limit === null ? null : { ...limit }),
  };
};
