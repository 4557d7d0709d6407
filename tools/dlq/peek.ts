import { type DeadLetter, failureCodeOf } from './dead-letter.ts';
import { type DeadLetterFilter, matchesFilter } from './filter.ts';
import { HeldLetters } from './held-letters.ts';
import { type ScanOptions, type StopReason, scanDeadLetters } from './scan.ts';

/** Progress of a long scan, for a progress bar. */
export type ScanProgress = { readonly scanned: number; readonly matched: number };

/** A read-only pass: every message is received, held hidden, and given back (visibility 0) at the end. */
export type PeekOptions = ScanOptions & {
  readonly filter?: DeadLetterFilter;
  /** Stop once this many messages matched (those `countsTowardMax` accepts). */
  readonly max?: number;
  /** Whether a match counts toward `max`; all do by default (a replay's dry run leaves out the ones it would refuse). */
  readonly countsTowardMax?: (letter: DeadLetter) => boolean;
  readonly onProgress?: (progress: ScanProgress) => void;
};

/** The outcome of a read-only pass. `notReleased` messages reappear when their visibility timeout ends. */
export type PeekResult = {
  readonly scanned: number;
  readonly matched: number;
  readonly stoppedBy: StopReason;
  readonly notReleased: number;
  readonly error?: string;
};

/**
 * Reads the dead-letter queue without consuming it: `onMatch` sees each matching message once, then every message
 * is made visible again. Holding messages until the end (not giving them back at once) is what lets a scan reach
 * past the first ten. Never throws for SQS failures: they end the pass and are reported in `error`.
 */
export const peekDeadLetters = async (
  options: PeekOptions,
  onMatch: (letter: DeadLetter) => void | Promise<void>,
): Promise<PeekResult> => {
  const held = new HeldLetters();
  let matched = 0;
  let counted = 0;
  const maxReached = () => options.max !== undefined && counted >= options.max;
  const scan = await scanDeadLetters(options, async ({ fresh, repeats }) => {
    held.holdRepeats(repeats);
    for (const letter of fresh) {
      held.hold(letter);
      if (maxReached() || !matchesFilter(letter, options.filter ?? {})) continue;
      matched += 1;
      if (options.countsTowardMax?.(letter) ?? true) counted += 1;
      await onMatch(letter);
    }
    options.onProgress?.({ scanned: held.size, matched });
    return maxReached() ? 'stop' : 'continue';
  });
  const notReleased = await held.release(options.sqs, options.queueUrl);
  const result = { scanned: scan.scanned, matched, stoppedBy: scan.stoppedBy, notReleased };
  return scan.error === undefined ? result : { ...result, error: scan.error };
};

/** One line of `list` and of a dry run: what an operator needs to decide, without the body. */
export type DeadLetterSummary = {
  readonly messageId: string;
  readonly customerId: string | undefined;
  readonly code: string;
  readonly step: string | null;
  /** Receives before the message was dead-lettered (`attempts`); null without metadata. */
  readonly receiveCount: number | null;
  readonly failedAt: string | null;
  /** The function's message; for an UNKNOWN letter, why it is UNKNOWN. */
  readonly message: string | null;
  readonly replayCount: number;
  /** Why the letter is UNKNOWN; null when its reason came from the function. */
  readonly unknownReason: string | null;
};

/** The summary of one dead letter. */
export const summarize = (letter: DeadLetter): DeadLetterSummary => ({
  messageId: letter.messageId,
  customerId: letter.customerId,
  code: failureCodeOf(letter),
  step: letter.failure?.step ?? null,
  receiveCount: letter.failure?.receiveCount ?? null,
  failedAt: letter.failure?.failedAt ?? null,
  message: letter.failure?.message ?? letter.unknownReason ?? null,
  replayCount: letter.replayCount,
  unknownReason: letter.unknownReason ?? null,
});

/** `list` (and dry runs): the matching messages' summaries, with the pass's outcome. */
export type ListResult = PeekResult & { readonly letters: readonly DeadLetterSummary[] };

/** Lists matching dead letters without consuming them (visible again right after). */
export const listDeadLetters = async (options: PeekOptions): Promise<ListResult> => {
  const letters: DeadLetterSummary[] = [];
  const result = await peekDeadLetters(options, (letter) => {
    letters.push(summarize(letter));
  });
  return { ...result, letters };
};
