import { listDeadLetters } from '../peek.ts';
import type { DlqCommand } from './context.ts';
import {
  parseDlqOptions,
  positiveInt,
  ScanCommandSchema,
  scanOptionsFrom,
  scanSubcommand,
} from './options.ts';
import { exitForPeek, summaryRows, withProgress, write } from './output.ts';

const ListSchema = ScanCommandSchema.extend({ max: positiveInt.default(50) });

/** `dlq list`: the matching letters as a table; consumes nothing. */
export const listCommand: DlqCommand = {
  define: (program) =>
    scanSubcommand(program, 'list', 'show matching dead letters without consuming them', (own) =>
      own.option('--max <n>', 'rows to show at most', '50'),
    ),
  run: async (context, flags) => {
    const options = parseDlqOptions(ListSchema, context, flags);
    const result = await withProgress(context, options, (onProgress) =>
      listDeadLetters({ ...scanOptionsFrom(context, options), onProgress }),
    );
    if (options.json) {
      write(context.io.stdout, JSON.stringify(result));
    } else {
      if (result.letters.length > 0) write(context.io.stdout, summaryRows(result.letters));
      write(
        context.io.stdout,
        `${result.matched} matching of ${result.scanned} read (${result.stoppedBy}); nothing was consumed.`,
      );
    }
    return exitForPeek(context, result);
  },
};
