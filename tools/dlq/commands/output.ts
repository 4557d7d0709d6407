import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SingleBar } from 'cli-progress';
import { formatTable } from '../format-table.ts';
import type { DeadLetterSummary, PeekResult, ScanProgress } from '../peek.ts';
import type { ConsumeSummary } from '../replay.ts';
import { type Context, EXIT } from './context.ts';

/** Writes one line (adds the newline when missing). */
export const write = (stream: NodeJS.WritableStream, text: string): void => {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
};

/** A progress bar on stderr, only for people watching a terminal. */
const startProgress = async (
  context: Context,
  queueUrl: string,
  json: boolean,
): Promise<{ update: (progress: ScanProgress) => void; stop: () => void }> => {
  if (json || context.io.stderr.isTTY !== true) return { update: () => {}, stop: () => {} };
  let total = 0;
  try {
    const response = await context.sqs().send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    total = Number(response.Attributes?.['ApproximateNumberOfMessages'] ?? 0);
  } catch {
    total = 0;
  }
  const bar = new SingleBar({
    stream: context.io.stderr,
    format: '{bar} {value}/{total} read | {matched} matched',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(Math.max(total, 1), 0, { matched: 0 });
  return {
    update: (progress) => {
      bar.setTotal(Math.max(total, progress.scanned));
      bar.update(progress.scanned, { matched: progress.matched });
    },
    stop: () => bar.stop(),
  };
};

/** Runs a scan with the progress bar shown while it works. */
export const withProgress = async <T>(
  context: Context,
  options: { readonly dlqUrl: string; readonly json: boolean },
  scan: (onProgress: (progress: ScanProgress) => void) => Promise<T>,
): Promise<T> => {
  const progress = await startProgress(context, options.dlqUrl, options.json);
  try {
    return await scan(progress.update);
  } finally {
    progress.stop();
  }
};

/** A scan stopped by its time limit may have left letters unread: said on stderr, and the run exits 1. */
export const warnIfTimeLimit = (context: Context, result: { readonly stoppedBy: string }): void => {
  if (result.stoppedBy !== 'time-limit') return;
  write(
    context.io.stderr,
    'Incomplete: the scan reached its time limit before the queue was drained; letters it did not read are still in the DLQ. Run the command again.',
  );
};

/** Reports how a read-only pass ended on stderr and turns it into the exit code. */
export const exitForPeek = (context: Context, result: PeekResult): number => {
  if (result.error !== undefined) write(context.io.stderr, `Stopped early: ${result.error}`);
  warnIfTimeLimit(context, result);
  if (result.notReleased > 0) {
    write(
      context.io.stderr,
      `${result.notReleased} message(s) could not be made visible again; they reappear when their visibility timeout ends.`,
    );
  }
  if (result.stoppedBy === 'interrupted') return EXIT.interrupted;
  return result.error === undefined && result.stoppedBy !== 'time-limit'
    ? EXIT.ok
    : EXIT.incomplete;
};

/** The table of `list` and of the dry runs. */
export const summaryRows = (letters: readonly DeadLetterSummary[]): string =>
  formatTable(
    ['MESSAGE ID', 'CUSTOMER', 'CODE', 'STEP', 'ATTEMPTS', 'FAILED AT', 'MESSAGE'],
    letters.map((letter) => [
      letter.messageId,
      letter.customerId,
      letter.code,
      letter.step,
      letter.receiveCount,
      letter.failedAt,
      letter.message,
    ]),
  );

const summaryTable = (summary: ConsumeSummary, verb: 'replay' | 'purge'): string => {
  const replayOnly = (rows: [string, number][]): [string, number][] =>
    verb === 'replay' ? rows : [];
  const rows: [string, number][] = [
    ['read', summary.scanned],
    ['matched', summary.matched],
    ...replayOnly([['sent', summary.sent]]),
    ['deleted', summary.deleted],
    ['failed', summary.failed],
    ...replayOnly([
      ['sentButNotDeleted', summary.sentButNotDeleted],
      ['refused (--max-replays)', summary.refused],
    ]),
    ['skipped (not matching)', summary.skipped],
  ];
  return formatTable(['', 'MESSAGES'], rows);
};

const printFailures = (context: Context, summary: ConsumeSummary): void => {
  if (summary.error !== undefined) write(context.io.stderr, `Stopped early: ${summary.error}`);
  for (const failure of summary.failures.slice(0, 20)) {
    write(context.io.stderr, `failed ${failure.messageId}: ${failure.reason}`);
  }
  if (summary.failures.length > 20) {
    write(context.io.stderr, `… and ${summary.failures.length - 20} more failures (see --json)`);
  }
  if (summary.sentButNotDeletedIds.length > 0) {
    write(
      context.io.stderr,
      `Sent but still in the DLQ (a later replay would send them again): ${summary.sentButNotDeletedIds.join(', ')}`,
    );
  }
};

/** What a replay or purge did: warnings on stderr, then the summary (a table, or JSON) on stdout. */
export const printConsumeSummary = (
  context: Context,
  summary: ConsumeSummary,
  json: boolean,
  verb: 'replay' | 'purge',
): void => {
  if (summary.refused > 0) {
    write(
      context.io.stderr,
      `${summary.refused} letter(s) left in the DLQ: replayed --max-replays times already. Find out why they keep failing, then add --ignore-max-replays: ${summary.refusedIds.slice(0, 20).join(', ')}`,
    );
  }
  warnIfTimeLimit(context, summary);
  if (summary.notReleased > 0) {
    write(
      context.io.stderr,
      `${summary.notReleased} held message(s) could not be made visible again; they reappear when their visibility timeout ends.`,
    );
  }
  if (json) {
    write(context.io.stdout, JSON.stringify(summary));
    return;
  }
  write(context.io.stdout, summaryTable(summary, verb));
  write(context.io.stdout, `Stopped: ${summary.stoppedBy}`);
  printFailures(context, summary);
};
