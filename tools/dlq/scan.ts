import {
  ChangeMessageVisibilityBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DependencyUnavailableError } from '../../lib/errors.ts';
import { type DeadLetter, MOVED_BY_SQS_ATTRIBUTE, toDeadLetter } from './dead-letter.ts';

/** Why a scan of the dead-letter queue ended. */
export type StopReason =
  | 'drained'
  | 'max-reached'
  | 'max-scan'
  | 'time-limit'
  | 'interrupted'
  | 'error';

/** How a scan reads the queue. Every scan is bounded in messages, receives and time. */
export type ScanOptions = {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /**
   * How long received messages stay hidden at least. They are held for the rest of the scan's time budget anyway
   * (`holdSeconds`), so this only lengthens the hold.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Long polling: 1 s asks every SQS server, so a short poll's false "empty" does not end a scan early. */
  readonly waitTimeSeconds?: number;
  /** Messages to receive at most per call (1–10). */
  readonly receiveBatchSize?: number;
  /** Distinct messages to read at most. */
  readonly maxScan?: number;
  /** Wall-clock budget of the whole scan. */
  readonly maxDurationMs?: number;
  /** Checked between batches: the batch in flight always finishes. */
  readonly signal?: AbortSignal;
};

/** What the scan hands over per receive: new messages, messages already seen in this run, and their hold. */
export type ScanBatch = {
  readonly fresh: readonly DeadLetter[];
  readonly repeats: readonly Message[];
  /** The visibility timeout they were received with: it lasts past the end of the scan's time budget. */
  readonly holdSeconds: number;
};

/** A scan's outcome. `error` is set when an SQS call failed and ended the scan. */
export type ScanResult = {
  readonly scanned: number;
  readonly receives: number;
  readonly stoppedBy: StopReason;
  readonly error?: string;
};

export const DEFAULT_MAX_SCAN = 100_000;
export const DEFAULT_MAX_DURATION_MS = 30 * 60_000;
const IDLE_RECEIVES_TO_STOP = 2;
/** The longest visibility timeout SQS accepts (12 h). */
export const MAX_HOLD_SECONDS = 43_200;
/** Kept on top of the budget: the batch in flight at the deadline (a send, a delete) still holds its letters. */
const IN_FLIGHT_MARGIN_SECONDS = 60;

/**
 * The scan's deadline, and the hold of a message received now: until the deadline plus the margin, so nothing the
 * scan received comes back before it ends (a message that came back would keep the scan from ever seeing an empty
 * queue). The budget is capped so that the hold fits SQS's 12 h.
 */
export const scanClock = (
  options: Pick<ScanOptions, 'maxDurationMs' | 'visibilityTimeoutSeconds'>,
  now: () => number = Date.now,
): { readonly deadline: number; readonly holdSeconds: () => number } => {
  const maxBudgetMs = (MAX_HOLD_SECONDS - IN_FLIGHT_MARGIN_SECONDS) * 1000;
  const deadline = now() + Math.min(options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS, maxBudgetMs);
  const holdSeconds = (): number => {
    const untilDeadline = Math.ceil(Math.max(0, deadline - now()) / 1000);
    const hold = Math.max(
      untilDeadline + IN_FLIGHT_MARGIN_SECONDS,
      options.visibilityTimeoutSeconds ?? 0,
    );
    return Math.min(MAX_HOLD_SECONDS, hold);
  };
  return { deadline, holdSeconds };
};

/** The message of a thrown SDK error, never its request (which could hold credentials). */
export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Receives the queue batch by batch until it is drained (two receives in a row bring nothing), the callback says
 * stop, or a bound is hit. Every message is received hidden until the scan's deadline has passed, and every caller
 * gives them back only when the scan ends, so an empty receive means that nothing is left to see; a message seen
 * again (a hold SQS did not keep) is handed over as a repeat, never twice.
 */
export const scanDeadLetters = async (
  options: ScanOptions,
  onBatch: (batch: ScanBatch) => Promise<'continue' | 'stop'>,
): Promise<ScanResult> => {
  const maxScan = options.maxScan ?? DEFAULT_MAX_SCAN;
  const { deadline, holdSeconds } = scanClock(options);
  const batchSize = Math.min(10, Math.max(1, Math.floor(options.receiveBatchSize ?? 10)));
  // Each useful receive brings at least one new id and idle ones end the scan, so this bound is never the limit.
  const maxReceives = 2 * maxScan + IDLE_RECEIVES_TO_STOP + 1;
  const seen = new Set<string>();
  let idle = 0;
  let receives = 0;
  const result = (stoppedBy: StopReason, error?: string): ScanResult =>
    error === undefined
      ? { scanned: seen.size, receives, stoppedBy }
      : { scanned: seen.size, receives, stoppedBy, error };

  while (receives < maxReceives) {
    if (options.signal?.aborted) return result('interrupted');
    if (Date.now() >= deadline) return result('time-limit');
    if (seen.size >= maxScan) return result('max-scan');
    let messages: Message[];
    const hold = holdSeconds();
    try {
      receives += 1;
      const response = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: Math.min(batchSize, maxScan - seen.size),
          VisibilityTimeout: hold,
          WaitTimeSeconds: options.waitTimeSeconds ?? 1,
          MessageAttributeNames: ['All'],
          // The only system attributes the tools read (FIFO replay, and who moved the letter); 'All' would add
          // several more per message to parse.
          MessageSystemAttributeNames: ['MessageGroupId', MOVED_BY_SQS_ATTRIBUTE],
        }),
      );
      messages = response.Messages ?? [];
    } catch (error) {
      return result('error', `ReceiveMessage failed: ${describeError(error)}`);
    }
    const fresh: DeadLetter[] = [];
    const repeats: Message[] = [];
    for (const message of messages) {
      const id = message.MessageId ?? '';
      if (seen.has(id)) {
        repeats.push(message);
      } else {
        seen.add(id);
        fresh.push(toDeadLetter(message));
      }
    }
    // Only an empty receive counts: repeats are held again, so they cannot keep the scan from seeing the rest.
    idle = messages.length === 0 ? idle + 1 : 0;
    let decision: 'continue' | 'stop';
    try {
      decision = await onBatch({ fresh, repeats, holdSeconds: hold });
    } catch (error) {
      return result('error', describeError(error));
    }
    if (decision === 'stop') return result('max-reached');
    if (idle >= IDLE_RECEIVES_TO_STOP) return result('drained');
  }
  return result('max-scan');
};

/**
 * Sets the visibility of received messages, 10 per call. Visibility 0 gives them back at once.
 * Returns how many could not be changed (they reappear when their visibility ends anyway); never throws.
 */
export const changeVisibility = async (
  sqs: SQSClient,
  queueUrl: string,
  receiptHandles: readonly string[],
  visibilityTimeoutSeconds: number,
): Promise<number> => {
  let failed = 0;
  for (let start = 0; start < receiptHandles.length; start += 10) {
    const chunk = receiptHandles.slice(start, start + 10);
    try {
      const response = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((handle, index) => ({
            Id: String(index),
            ReceiptHandle: handle,
            VisibilityTimeout: visibilityTimeoutSeconds,
          })),
        }),
      );
      failed += response.Failed?.length ?? 0;
    } catch {
      failed += chunk.length;
    }
  }
  return failed;
};

/**
 * Keeps messages hidden while slow work (a low `--rate`) holds them: extends their visibility every half period.
 * Returns the function that stops the extension.
 */
export const keepHidden = (
  sqs: SQSClient,
  queueUrl: string,
  receiptHandles: readonly string[],
  visibilityTimeoutSeconds: number,
): (() => void) => {
  const timer = setInterval(() => {
    void changeVisibility(sqs, queueUrl, receiptHandles, visibilityTimeoutSeconds);
  }, Math.max(1, visibilityTimeoutSeconds) * 500);
  timer.unref();
  return () => clearInterval(timer);
};

/** Wraps a failed setup call (queue attributes, move tasks) in the project's error family. */
export const toDependencyError = (action: string, error: unknown): DependencyUnavailableError =>
  new DependencyUnavailableError(`${action} failed: ${describeError(error)}`, {}, { cause: error });
