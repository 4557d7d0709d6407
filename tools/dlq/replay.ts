import {
  DeleteMessageBatchCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetter } from './dead-letter.ts';
import { replayAttributes } from './dead-letter.ts';
import { type DeadLetterFilter, matchesFilter } from './filter.ts';
import { HeldLetters } from './held-letters.ts';
import type { ScanProgress } from './peek.ts';
import { createRateLimiter } from './rate-limiter.ts';
import {
  changeVisibility,
  describeError,
  keepHidden,
  type ScanOptions,
  type ScanResult,
  type StopReason,
  scanDeadLetters,
} from './scan.ts';

/** A message that could not be replayed or purged, and why. It stays in the dead-letter queue. */
export type EntryFailure = { readonly messageId: string; readonly reason: string };

/** What a replay or purge did. Every matched message ends in exactly one of sent/failed (purge: deleted/failed). */
export type ConsumeSummary = {
  readonly scanned: number;
  readonly matched: number;
  readonly sent: number;
  readonly deleted: number;
  /** Matched but not sent (replay) or not deleted (purge): still in the dead-letter queue. */
  readonly failed: number;
  /** Sent to the source queue, but still in the DLQ too: a later replay would send it twice (idempotency absorbs it). */
  readonly sentButNotDeleted: number;
  /** Matched but refused: their `replay-count` reached `maxReplays`. They stay in the dead-letter queue. */
  readonly refused: number;
  readonly refusedIds: readonly string[];
  readonly skipped: number;
  readonly failures: readonly EntryFailure[];
  readonly sentButNotDeletedIds: readonly string[];
  /** Held messages that could not be made visible again; they reappear when their visibility timeout ends. */
  readonly notReleased: number;
  readonly stoppedBy: StopReason;
  readonly error?: string;
};

/** How a replay or purge selects and paces messages. */
export type ConsumeOptions = ScanOptions & {
  readonly filter?: DeadLetterFilter;
  /** Matched messages to act on at most. */
  readonly max?: number;
  /** Messages per second at most. */
  readonly rate?: number;
  readonly onProgress?: (progress: ScanProgress & { readonly done: number }) => void;
};

/** Replay: the messages go back to `sourceQueueUrl`. */
export type ReplayOptions = ConsumeOptions & {
  readonly sourceQueueUrl: string;
  /** A letter whose `replay-count` reached this is refused (left in the DLQ); undefined: no limit. */
  readonly maxReplays?: number;
};

/** How often `dlq replay` sends the same letter back before it asks for `--ignore-max-replays`. */
export const DEFAULT_MAX_REPLAYS = 5;

/** SendMessageBatch accepts 256 KiB per call in total; this leaves room for the request's own fields. */
const MAX_BATCH_PAYLOAD_BYTES = 250_000;

const isFifoQueue = (queueUrl: string): boolean => queueUrl.endsWith('.fifo');

const payloadSize = (entry: SendMessageBatchRequestEntry): number => {
  let size = Buffer.byteLength(entry.MessageBody ?? '');
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    size += Buffer.byteLength(value.StringValue ?? '') + (value.BinaryValue?.byteLength ?? 0);
  }
  return size;
};

const toSendEntry = (
  letter: DeadLetter,
  index: number,
  fifo: boolean,
): SendMessageBatchRequestEntry => {
  const entry: SendMessageBatchRequestEntry = {
    Id: String(index),
    MessageBody: letter.body,
    MessageAttributes: replayAttributes(letter),
  };
  if (fifo) {
    entry.MessageGroupId = letter.messageGroupId ?? letter.customerId ?? letter.messageId;
    // The DLQ message id is unique per dead letter, so a retried send within 5 minutes is not delivered twice.
    entry.MessageDeduplicationId = `${letter.messageId}-${letter.replayCount + 1}`.slice(0, 128);
  }
  return entry;
};

/** Splits entries so that no SendMessageBatch call exceeds 10 entries or the payload limit. */
const chunkEntries = (
  entries: readonly SendMessageBatchRequestEntry[],
): SendMessageBatchRequestEntry[][] => {
  const chunks: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let currentSize = 0;
  for (const entry of entries) {
    const size = payloadSize(entry);
    if (
      current.length > 0 &&
      (current.length === 10 || currentSize + size > MAX_BATCH_PAYLOAD_BYTES)
    ) {
      chunks.push(current);
      current = [];
      currentSize = 0;
    }
    current.push(entry);
    currentSize += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

type BatchOutcome = { ok: DeadLetter[]; failed: EntryFailure[] };

/** Sends each letter to the source queue; a letter counts as sent only if its own entry succeeded. */
const sendLetters = async (
  sqs: SQSClient,
  queueUrl: string,
  letters: readonly DeadLetter[],
): Promise<BatchOutcome> => {
  const fifo = isFifoQueue(queueUrl);
  const outcome: BatchOutcome = { ok: [], failed: [] };
  const entries = letters.map((letter, index) => toSendEntry(letter, index, fifo));
  for (const chunk of chunkEntries(entries)) {
    const byId = new Map(chunk.map((entry) => [entry.Id ?? '', letters[Number(entry.Id)]]));
    try {
      const response = await sqs.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk }),
      );
      for (const success of response.Successful ?? []) {
        const letter = byId.get(success.Id ?? '');
        if (letter !== undefined) outcome.ok.push(letter);
        byId.delete(success.Id ?? '');
      }
      for (const failure of response.Failed ?? []) {
        const letter = byId.get(failure.Id ?? '');
        if (letter === undefined) continue;
        outcome.failed.push({
          messageId: letter.messageId,
          reason: `${failure.Code ?? 'SendFailed'}: ${failure.Message ?? ''}`.trim(),
        });
        byId.delete(failure.Id ?? '');
      }
      // An entry SQS reported neither way was not confirmed, so it is not deleted.
      for (const letter of byId.values()) {
        if (letter !== undefined)
          outcome.failed.push({ messageId: letter.messageId, reason: 'No result for entry' });
      }
    } catch (error) {
      for (const letter of byId.values()) {
        if (letter !== undefined)
          outcome.failed.push({ messageId: letter.messageId, reason: describeError(error) });
      }
    }
  }
  return outcome;
};

/** Deletes the letters from the dead-letter queue, entry by entry. */
const deleteLetters = async (
  sqs: SQSClient,
  queueUrl: string,
  letters: readonly DeadLetter[],
): Promise<BatchOutcome> => {
  const outcome: BatchOutcome = { ok: [], failed: [] };
  for (let start = 0; start < letters.length; start += 10) {
    const chunk = letters.slice(start, start + 10);
    try {
      const response = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((letter, index) => ({
            Id: String(index),
            ReceiptHandle: letter.receiptHandle,
          })),
        }),
      );
      const failedIds = new Map(
        (response.Failed ?? []).map((failure) => [failure.Id ?? '', failure]),
      );
      const succeededIds = new Set((response.Successful ?? []).map((success) => success.Id));
      chunk.forEach((letter, index) => {
        const failure = failedIds.get(String(index));
        if (succeededIds.has(String(index)) && failure === undefined) {
          outcome.ok.push(letter);
        } else {
          const reason = failure
            ? `${failure.Code ?? 'DeleteFailed'}: ${failure.Message ?? ''}`.trim()
            : 'No result for entry';
          outcome.failed.push({ messageId: letter.messageId, reason });
        }
      });
    } catch (error) {
      for (const letter of chunk)
        outcome.failed.push({ messageId: letter.messageId, reason: describeError(error) });
    }
  }
  return outcome;
};

type Action = (letters: readonly DeadLetter[]) => Promise<{
  sent: number;
  deleted: number;
  failures: EntryFailure[];
  sentButNotDeleted: EntryFailure[];
  /** Letters still held that must be given back: not sent, or sent but not deleted. */
  release: DeadLetter[];
}>;

/** Why a matching letter is left alone (replay's `--max-replays`); undefined: act on it. */
type Refusal = (letter: DeadLetter) => string | undefined;

/** What a consuming pass has done so far. */
type Tally = {
  matched: number;
  skipped: number;
  sent: number;
  deleted: number;
  readonly failures: EntryFailure[];
  readonly notDeleted: EntryFailure[];
  readonly refused: EntryFailure[];
  interruptedWhileWaiting: boolean;
};

/** `--max` counts the letters acted on: a refused letter is left alone, so it takes no room. */
const maxReached = (options: ConsumeOptions, tally: Tally): boolean =>
  options.max !== undefined && tally.matched - tally.refused.length >= options.max;

/** Picks the letters to act on; the others (not matching, over `--max`, refused) stay held until the scan ends. */
const selectLetters = (
  fresh: readonly DeadLetter[],
  options: ConsumeOptions,
  refuse: Refusal,
  tally: Tally,
  held: HeldLetters,
): DeadLetter[] => {
  const selected: DeadLetter[] = [];
  for (const letter of fresh) {
    if (maxReached(options, tally) || !matchesFilter(letter, options.filter ?? {})) {
      tally.skipped += 1;
      held.hold(letter);
      continue;
    }
    tally.matched += 1;
    const reason = refuse(letter);
    if (reason === undefined) {
      selected.push(letter);
    } else {
      tally.refused.push({ messageId: letter.messageId, reason });
      held.hold(letter);
    }
  }
  return selected;
};

/** Acts on the selected letters once the rate allows; false when interrupted first (they go back untouched). */
const actOnLetters = async (
  selected: readonly DeadLetter[],
  context: { options: ConsumeOptions; act: Action; tally: Tally; held: HeldLetters },
  limiter: ReturnType<typeof createRateLimiter>,
  holdSeconds: number,
): Promise<boolean> => {
  const { options, tally } = context;
  const handles = selected.map((letter) => letter.receiptHandle);
  // The receive's hold already outlasts the scan; this covers a wait for a very low --rate.
  const stopHiding = keepHidden(options.sqs, options.queueUrl, handles, holdSeconds);
  try {
    if (!(await limiter.acquire(selected.length, options.signal))) {
      tally.matched -= selected.length;
      tally.interruptedWhileWaiting = true;
      await changeVisibility(options.sqs, options.queueUrl, handles, 0);
      return false;
    }
    const outcome = await context.act(selected);
    tally.sent += outcome.sent;
    tally.deleted += outcome.deleted;
    tally.failures.push(...outcome.failures);
    tally.notDeleted.push(...outcome.sentButNotDeleted);
    for (const letter of outcome.release) context.held.hold(letter);
    return true;
  } finally {
    stopHiding();
  }
};

const toSummary = (scan: ScanResult, tally: Tally, notReleased: number): ConsumeSummary => {
  const summary: ConsumeSummary = {
    scanned: scan.scanned,
    matched: tally.matched,
    sent: tally.sent,
    deleted: tally.deleted,
    failed: tally.failures.length,
    sentButNotDeleted: tally.notDeleted.length,
    refused: tally.refused.length,
    refusedIds: tally.refused.map((entry) => entry.messageId),
    skipped: tally.skipped,
    failures: tally.failures,
    sentButNotDeletedIds: tally.notDeleted.map((entry) => entry.messageId),
    notReleased,
    stoppedBy: tally.interruptedWhileWaiting ? 'interrupted' : scan.stoppedBy,
  };
  return scan.error === undefined ? summary : { ...summary, error: scan.error };
};

/**
 * The consuming pass shared by replay and purge: receive, hold non-matching messages (as a peek does) until the scan
 * ends, act on the matching ones at the given rate, and stop when the queue yields nothing. Holding is what makes a
 * filtered pass complete: a message given back at once may be the next one SQS returns, again and again, and hide
 * the rest. The batch in flight always finishes; everything held is given back at the end.
 */
const consumeDeadLetters = async (
  options: ConsumeOptions,
  act: Action,
  refuse: Refusal = () => undefined,
): Promise<ConsumeSummary> => {
  const limiter = createRateLimiter(options.rate);
  const tally: Tally = {
    matched: 0,
    skipped: 0,
    sent: 0,
    deleted: 0,
    failures: [],
    notDeleted: [],
    refused: [],
    interruptedWhileWaiting: false,
  };
  const held = new HeldLetters();
  // With a low rate, receive no more than about a second's worth, so messages are not held long.
  const receiveBatchSize =
    options.rate === undefined ? 10 : Math.min(10, Math.max(1, Math.floor(options.rate)));

  const scan = await scanDeadLetters(
    { receiveBatchSize, ...options },
    async ({ fresh, repeats, holdSeconds }) => {
      held.holdRepeats(repeats);
      const selected = selectLetters(fresh, options, refuse, tally, held);
      if (selected.length > 0) {
        const context = { options, act, tally, held };
        if (!(await actOnLetters(selected, context, limiter, holdSeconds))) return 'stop';
      }
      options.onProgress?.({
        scanned: tally.matched + tally.skipped,
        matched: tally.matched,
        done: tally.deleted,
      });
      return maxReached(options, tally) ? 'stop' : 'continue';
    },
  );
  const notReleased = await held.release(options.sqs, options.queueUrl);
  return toSummary(scan, tally, notReleased);
};

/**
 * Replays matching dead letters to the source queue: original body and attributes, without
 * `provisioning-failure`, with `replay-count` + 1. A dead letter is deleted only after its own send succeeded. A
 * letter whose `replay-count` reached `maxReplays` is refused: left in the DLQ, and not counted toward `max`.
 * Never throws for SQS failures: they are counted in the summary.
 */
export const replayDeadLetters = (options: ReplayOptions): Promise<ConsumeSummary> => {
  const limit = options.maxReplays ?? Number.POSITIVE_INFINITY;
  const refuse: Refusal = (letter) =>
    letter.replayCount >= limit
      ? `replayed ${letter.replayCount} time(s) already (limit ${limit})`
      : undefined;
  return consumeDeadLetters(
    options,
    async (letters) => {
      const send = await sendLetters(options.sqs, options.sourceQueueUrl, letters);
      const removal = await deleteLetters(options.sqs, options.queueUrl, send.ok);
      const failedIds = new Set(send.failed.map((failure) => failure.messageId));
      const notDeletedIds = new Set(removal.failed.map((failure) => failure.messageId));
      return {
        sent: send.ok.length,
        deleted: removal.ok.length,
        failures: send.failed,
        sentButNotDeleted: removal.failed,
        release: [
          ...letters.filter((letter) => failedIds.has(letter.messageId)),
          ...send.ok.filter((letter) => notDeletedIds.has(letter.messageId)),
        ],
      };
    },
    refuse,
  );
};

/** Deletes matching dead letters for good. Never throws for SQS failures: they are counted in the summary. */
export const purgeDeadLetters = (options: ConsumeOptions): Promise<ConsumeSummary> =>
  consumeDeadLetters(options, async (letters) => {
    const removal = await deleteLetters(options.sqs, options.queueUrl, letters);
    const failedIds = new Set(removal.failed.map((failure) => failure.messageId));
    return {
      sent: 0,
      deleted: removal.ok.length,
      failures: removal.failed,
      sentButNotDeleted: [],
      release: letters.filter((letter) => failedIds.has(letter.messageId)),
    };
  });

/**
 * True when every matched message was replayed (sent and deleted), nothing was left half done, and the scan did not
 * end at its time limit (letters it never read may still match).
 */
export const isCompleteReplay = (summary: ConsumeSummary): boolean =>
  summary.stoppedBy !== 'time-limit' &&
  summary.failed === 0 &&
  summary.refused === 0 &&
  summary.sentButNotDeleted === 0 &&
  summary.deleted === summary.matched &&
  summary.error === undefined;
