import { Option } from 'commander';
import * as z from 'zod';
import { startNativeRedrive } from '../native-redrive.ts';
import { listDeadLetters } from '../peek.ts';
import { DEFAULT_MAX_REPLAYS, isCompleteReplay, replayDeadLetters } from '../replay.ts';
import { checkReplayTarget } from '../replay-target.ts';
import { type Context, type DlqCommand, EXIT, UsageError } from './context.ts';
import {
  hasFilter,
  parseDlqOptions,
  positiveInt,
  ScanCommandSchema,
  scanOptionsFrom,
  scanSubcommand,
} from './options.ts';
import { exitForPeek, printConsumeSummary, summaryRows, withProgress, write } from './output.ts';

const ReplaySchema = ScanCommandSchema.extend({
  max: positiveInt.optional(),
  rate: z.coerce.number().positive().max(500).optional(),
  dryRun: z.boolean().default(false),
  all: z.boolean().default(false),
  native: z.boolean().default(false),
  queueUrl: z.url().optional(),
  maxReplays: positiveInt.default(DEFAULT_MAX_REPLAYS),
  ignoreMaxReplays: z.boolean().default(false),
});
type ReplayFlags = z.infer<typeof ReplaySchema>;

const define = (program: Parameters<DlqCommand['define']>[0]) =>
  scanSubcommand(program, 'replay', 'send matching dead letters back to the source queue', (own) =>
    own
      .option('--queue-url <url>', 'source queue URL (default: $SOURCE_QUEUE_URL)')
      .option('--max <n>', 'messages to replay at most')
      .option('--rate <perSecond>', 'messages per second at most')
      .option('--dry-run', 'show what would be replayed; change nothing')
      .option('--all', 'replay every message (no filter)')
      .option(
        '--max-replays <n>',
        'refuse letters already replayed this many times (their replay-count)',
        String(DEFAULT_MAX_REPLAYS),
      )
      .option('--ignore-max-replays', 'replay letters even past --max-replays')
      .addOption(
        new Option('--native', 'with --all: AWS StartMessageMoveTask, follow with `status`'),
      ),
  );

/** The combinations of flags that are refused (exit 2), checked before any call to AWS. */
const checkUsage = (options: ReplayFlags): void => {
  if (options.native) {
    if (!options.all) throw new UsageError('--native moves everything: it needs --all');
    if (hasFilter(options) || options.dryRun || options.max !== undefined) {
      throw new UsageError(
        '--native takes no filter, --max or --dry-run (AWS moves every message)',
      );
    }
    return;
  }
  if (options.all && hasFilter(options)) {
    throw new UsageError('--all cannot be combined with filters');
  }
  if (options.dryRun) return;
  if (options.queueUrl === undefined) {
    throw new UsageError('a source queue URL is required (--queue-url or SOURCE_QUEUE_URL)');
  }
  if (!options.all && !hasFilter(options)) {
    throw new UsageError('choose messages with a filter (--code, --step, …) or pass --all');
  }
};

/** `--all --native`: AWS moves every message itself; followed with `status`. */
const runNative = async (context: Context, options: ReplayFlags): Promise<number> => {
  const task = await startNativeRedrive({
    sqs: context.sqs(),
    dlqUrl: options.dlqUrl,
    ...(options.queueUrl === undefined ? {} : { sourceQueueUrl: options.queueUrl }),
    ...(options.rate === undefined ? {} : { rate: options.rate }),
  });
  if (options.json) {
    write(context.io.stdout, JSON.stringify(task));
  } else {
    write(
      context.io.stdout,
      `Started move task ${task.taskHandle}\nfrom ${task.sourceArn}\nto   ${task.destinationArn ?? 'each message’s original source queue'}\nFollow it with: dlq status`,
    );
  }
  return EXIT.ok;
};

/** `--dry-run`: what would move, and how many `--max-replays` would refuse; changes nothing. */
const runDryRun = async (
  context: Context,
  options: ReplayFlags,
  maxReplays: number | undefined,
): Promise<number> => {
  const wouldRefuse = (letter: { readonly replayCount: number }): boolean =>
    maxReplays !== undefined && letter.replayCount >= maxReplays;
  const result = await withProgress(context, options, (onProgress) =>
    listDeadLetters({
      ...scanOptionsFrom(context, options),
      countsTowardMax: (letter) => !wouldRefuse(letter),
      onProgress,
    }),
  );
  const refused = result.letters.filter(wouldRefuse).length;
  if (options.json) {
    write(context.io.stdout, JSON.stringify({ dryRun: true, ...result, refused }));
  } else {
    if (result.letters.length > 0) write(context.io.stdout, summaryRows(result.letters));
    write(
      context.io.stdout,
      `Dry run: ${result.matched - refused} message(s) would be replayed to ${options.queueUrl ?? '(no --queue-url given)'}` +
        `${refused > 0 ? `, ${refused} refused (replayed ${maxReplays} times already)` : ''}; nothing was changed.`,
    );
  }
  return exitForPeek(context, result);
};

/** The replay itself: matching letters go back to the source queue, each deleted only after its send succeeded. */
const runSend = async (
  context: Context,
  options: ReplayFlags & { readonly queueUrl: string },
  maxReplays: number | undefined,
): Promise<number> => {
  const sourceQueueUrl = options.queueUrl;
  const summary = await withProgress(context, options, (onProgress) =>
    replayDeadLetters({
      ...scanOptionsFrom(context, options),
      sourceQueueUrl,
      onProgress,
      ...(options.rate === undefined ? {} : { rate: options.rate }),
      ...(maxReplays === undefined ? {} : { maxReplays }),
    }),
  );
  printConsumeSummary(context, summary, options.json, 'replay');
  if (summary.stoppedBy === 'interrupted') return EXIT.interrupted;
  return isCompleteReplay(summary) ? EXIT.ok : EXIT.incomplete;
};

/** `dlq replay`: send matching dead letters back to the source queue (or start AWS's move task). */
export const replayCommand: DlqCommand = {
  define,
  run: async (context, flags) => {
    const options = parseDlqOptions(ReplaySchema, context, {
      ...flags,
      queueUrl: flags['queueUrl'] ?? context.io.env['SOURCE_QUEUE_URL'],
    });
    checkUsage(options);
    // Before anything moves: a replay aimed at the DLQ itself, or at a queue that is not its source, is refused.
    if (options.queueUrl !== undefined) {
      const target = await checkReplayTarget(context.sqs(), options.dlqUrl, options.queueUrl);
      if (!target.allowed) {
        throw new UsageError(`refusing to replay: ${target.reason}; nothing was moved`);
      }
    }
    if (options.native) return runNative(context, options);
    const maxReplays = options.ignoreMaxReplays ? undefined : options.maxReplays;
    // checkUsage refused a replay without a target: only a dry run can lack one.
    if (options.dryRun || options.queueUrl === undefined) {
      return runDryRun(context, options, maxReplays);
    }
    return runSend(context, { ...options, queueUrl: options.queueUrl }, maxReplays);
  },
};
