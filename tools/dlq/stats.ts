import { failureCodeOf, UNKNOWN_CODE } from './dead-letter.ts';
import { type PeekOptions, type PeekResult, peekDeadLetters } from './peek.ts';

/** Counts over the dead-letter queue. Messages without metadata count under `UNKNOWN` and step `-`. */
export type DeadLetterStats = PeekResult & {
  readonly total: number;
  readonly byCode: Readonly<Record<string, number>>;
  readonly byStep: Readonly<Record<string, number>>;
  readonly withoutMetadata: number;
  /** UNKNOWN letters by why they are UNKNOWN (moved by SQS, forged or missing metadata…). */
  readonly unknownReasons: Readonly<Record<string, number>>;
  readonly oldestFailedAt: string | null;
  readonly newestFailedAt: string | null;
};

/** The step key for a failure that had no step, or no metadata at all. */
export const NO_STEP = '-';

const increment = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Counts the dead letters (matching the filter, if any) by failure code and by step, and finds the oldest and
 * newest failure. Reads only: every message is visible again afterwards. SQS failures are reported in `error`.
 */
export const collectStats = async (options: PeekOptions): Promise<DeadLetterStats> => {
  const byCode: Record<string, number> = {};
  const byStep: Record<string, number> = {};
  const unknownReasons: Record<string, number> = {};
  let withoutMetadata = 0;
  let oldest: number | undefined;
  let newest: number | undefined;
  const result = await peekDeadLetters(options, (letter) => {
    increment(byCode, failureCodeOf(letter));
    increment(byStep, letter.failure?.step ?? NO_STEP);
    if (letter.failure === undefined) {
      withoutMetadata += 1;
      increment(unknownReasons, letter.unknownReason ?? UNKNOWN_CODE);
      return;
    }
    const failedAt = Date.parse(letter.failure.failedAt);
    if (oldest === undefined || failedAt < oldest) oldest = failedAt;
    if (newest === undefined || failedAt > newest) newest = failedAt;
  });
  return {
    ...result,
    total: result.matched,
    byCode,
    byStep,
    withoutMetadata,
    unknownReasons,
    oldestFailedAt: oldest === undefined ? null : new Date(oldest).toISOString(),
    newestFailedAt: newest === undefined ? null : new Date(newest).toISOString(),
  };
};
