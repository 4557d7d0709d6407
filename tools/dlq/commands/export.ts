import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import * as z from 'zod';
import { exportDeadLetters } from '../export.ts';
import type { DlqCommand } from './context.ts';
import {
  parseDlqOptions,
  positiveInt,
  ScanCommandSchema,
  scanOptionsFrom,
  scanSubcommand,
} from './options.ts';
import { exitForPeek, withProgress, write } from './output.ts';

const ExportSchema = ScanCommandSchema.extend({
  max: positiveInt.optional(),
  out: z.string().min(1),
});

/** Creates the file, failing (exit 1) if it exists or cannot be created, before any message is read. */
const openNewFile = async (path: string): Promise<WriteStream> => {
  const out = createWriteStream(path, { flags: 'wx' });
  await new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  return out;
};

/** `dlq export`: the matching letters to a new JSON Lines file; deletes nothing. */
export const exportCommand: DlqCommand = {
  define: (program) =>
    scanSubcommand(
      program,
      'export',
      'write matching dead letters to a JSON Lines file without deleting them',
      (own) =>
        own
          .requiredOption('--out <file>', 'file to create (must not exist)')
          .option('--max <n>', 'messages to export at most'),
    ),
  run: async (context, flags) => {
    const options = parseDlqOptions(ExportSchema, context, flags);
    const out = await openNewFile(options.out);
    const result = await withProgress(context, options, async (onProgress) => {
      const peek = await exportDeadLetters({
        ...scanOptionsFrom(context, options),
        onProgress,
        out,
      });
      out.end();
      await finished(out);
      return peek;
    });
    if (options.json) {
      write(context.io.stdout, JSON.stringify({ ...result, out: options.out }));
    } else {
      write(
        context.io.stdout,
        `Exported ${result.matched} of ${result.scanned} read to ${options.out} (${result.stoppedBy}); nothing was deleted.`,
      );
    }
    return exitForPeek(context, result);
  },
};
