import * as z from 'zod';
import { listDeadLetters } from '../peek.ts';
import { purgeDeadLetters } from '../replay.ts';
import { type DlqCommand, EXIT, UsageError } from './context.ts';
import {
  hasFilter,
  parseDlqOptions,
  positiveInt,
  ScanCommandSchema,
  scanOptionsFrom,
  scanSubcommand,
} from './options.ts';
import { exitForPeek, printConsumeSummary, summaryRows, withProgress, write } from './output.ts';

const PurgeSchema = ScanCommandSchema.extend({
  max: positiveInt.optional(),
  yes: z.boolean().default(false),
  all: z.boolean().default(false),
});

/** `dlq purge`: deletes matching dead letters for good; without `--yes` only shows what it would delete. */
export const purgeCommand: DlqCommand = {
  define: (program) =>
    scanSubcommand(
      program,
      'purge',
      'delete matching dead letters for good (dry run unless --yes)',
      (own) =>
        own
          .option('--max <n>', 'messages to delete at most')
          .option('--all', 'every message (no filter)')
          .option('--yes', 'really delete'),
    ),
  run: async (context, flags) => {
    const options = parseDlqOptions(PurgeSchema, context, flags);
    if (options.all && hasFilter(options)) {
      throw new UsageError('--all cannot be combined with filters');
    }
    if (!options.all && !hasFilter(options)) {
      throw new UsageError('choose messages with a filter (--code, --step, …) or pass --all');
    }
    const scanOptions = scanOptionsFrom(context, options);
    if (!options.yes) {
      const result = await withProgress(context, options, (onProgress) =>
        listDeadLetters({ ...scanOptions, onProgress }),
      );
      if (options.json) {
        write(context.io.stdout, JSON.stringify({ dryRun: true, ...result }));
      } else {
        if (result.letters.length > 0) write(context.io.stdout, summaryRows(result.letters));
        write(
          context.io.stdout,
          `Dry run: ${result.matched} message(s) would be deleted for good. Add --yes to delete them.`,
        );
      }
      return exitForPeek(context, result);
    }
    const summary = await withProgress(context, options, (onProgress) =>
      purgeDeadLetters({ ...scanOptions, onProgress }),
    );
    printConsumeSummary(context, summary, options.json, 'purge');
    if (summary.stoppedBy === 'interrupted') return EXIT.interrupted;
    const complete =
      summary.failed === 0 && summary.error === undefined && summary.stoppedBy !== 'time-limit';
    return complete ? EXIT.ok : EXIT.incomplete;
  },
};
