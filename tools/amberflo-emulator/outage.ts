/**
 * The emulator's outage mode: during each scheduled window every API request is answered 503 (with a Retry-After
 * when one is configured), as a vendor does while it is down. Windows are absolute epoch-ms ranges; the admin API
 * and the CLI take seconds from now.
 */
import * as z from 'zod';

export const OutageWindowSchema = z.object({
  startsAt: z.number().nonnegative().describe('Epoch ms'),
  endsAt: z.number().nonnegative().describe('Epoch ms'),
});
export const OutageSchema = z.object({
  windows: z.array(OutageWindowSchema),
  retryAfterSeconds: z
    .int()
    .nonnegative()
    .optional()
    .describe('Retry-After sent with each 503; none when absent'),
});
export type Outage = z.infer<typeof OutageSchema>;

/** `{ seconds }` (one window from now) or `{ schedule: [{ afterSeconds, forSeconds }] }`, relative to now. */
export const OutageRequestSchema = z.object({
  seconds: z.number().positive().optional(),
  schedule: z
    .array(z.object({ afterSeconds: z.number().nonnegative(), forSeconds: z.number().positive() }))
    .optional(),
  retryAfterSeconds: z.int().nonnegative().optional(),
});
export type OutageRequest = z.input<typeof OutageRequestSchema>;

/** Turns a relative request into absolute windows. Throws a ZodError when invalid. */
export const toOutage = (request: OutageRequest, now: number): Outage => {
  const parsed = OutageRequestSchema.parse(request);
  const windows = [
    ...(parsed.seconds === undefined
      ? []
      : [{ startsAt: now, endsAt: now + parsed.seconds * 1000 }]),
    ...(parsed.schedule ?? []).map((entry) => ({
      startsAt: now + entry.afterSeconds * 1000,
      endsAt: now + (entry.afterSeconds + entry.forSeconds) * 1000,
    })),
  ];
  return {
    windows,
    ...(parsed.retryAfterSeconds === undefined
      ? {}
      : { retryAfterSeconds: parsed.retryAfterSeconds }),
  };
};

export type OutageDecision =
  | { readonly down: false }
  | { readonly down: true; readonly retryAfterSeconds?: number };

export type EmulatorOutage = {
  readonly decide: () => OutageDecision;
  /** Replaces the schedule (null: none). */
  readonly configure: (outage: Outage | null) => void;
  readonly current: () => Outage | null;
};

export const createEmulatorOutage = (
  initial: Outage | null = null,
  now: () => number = Date.now,
): EmulatorOutage => {
  let outage: Outage | null = initial === null ? null : OutageSchema.parse(initial);
  return {
    decide: () => {
      const at = now();
      if (outage === null || !outage.windows.some((w) => at >= w.startsAt && at < w.endsAt)) {
        return { down: false };
      }
      return outage.retryAfterSeconds === undefined
        ? { down: true }
        : { down: true, retryAfterSeconds: outage.retryAfterSeconds };
    },
    configure: (next) => {
      outage = next === null ? null : OutageSchema.parse(next);
    },
    current: () => (outage === null ? null : structuredClone(outage)),
  };
};
