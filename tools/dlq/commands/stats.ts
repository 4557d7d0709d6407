import { formatTable } from '../format-table.ts';
import { collectStats, type DeadLetterStats } from '../stats.ts';
import type { Context, DlqCommand } from './context.ts';
import { parseDlqOptions, ScanCommandSchema, scanOptionsFrom, scanSubcommand } from './options.ts';
import { exitForPeek, withProgress, write } from './output.ts';

const byCount = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts).sort((a, b) => b[1] - a[1]);

const printStats = (context: Context, stats: DeadLetterStats): void => {
  const out = context.io.stdout;
  write(out, `Dead letters: ${stats.total} (read ${stats.scanned}, ${stats.stoppedBy})`);
  if (stats.total === 0) return;
  write(out, `\n${formatTable(['CODE', 'COUNT'], byCount(stats.byCode))}`);
  write(out, `\n${formatTable(['STEP', 'COUNT'], byCount(stats.byStep))}`);
  write(
    out,
    `\nOldest failure: ${stats.oldestFailedAt ?? '-'}\nNewest failure: ${stats.newestFailedAt ?? '-'}`,
  );
  for (const [reason, count] of byCount(stats.unknownReasons)) {
    write(out, `${count} UNKNOWN: ${reason}`);
  }
};

/** `dlq stats`: counts by failure code and step; reads only. */
export const statsCommand: DlqCommand = {
  define: (program) =>
    scanSubcommand(program, 'stats', 'count dead letters by failure code and step (reads only)'),
  run: async (context, flags) => {
    const options = parseDlqOptions(ScanCommandSchema, context, flags);
    const stats = await withProgress(context, options, (onProgress) =>
      collectStats({ ...scanOptionsFrom(context, options), onProgress }),
    );
    if (options.json) write(context.io.stdout, JSON.stringify(stats));
    else printStats(context, stats);
    return exitForPeek(context, stats);
  },
};
