#!/usr/bin/env node
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, Option } from 'commander';
import * as z from 'zod';
import { ERROR_CODES, isAppError } from '../../lib/errors.ts';
import { UNKNOWN_CODE } from './dead-letter.ts';
import { exportDeadLetters } from './export.ts';
import type { DeadLetterFilter } from './filter.ts';
import { formatTable } from './format-table.ts';
import { cancelMoveTask, listMoveTasks, startNativeRedrive } from './native-redrive.ts';
import {
  type DeadLetterSummary,
  listDeadLetters,
  type PeekResult,
  type ScanProgress,
} from './peek.ts';
import {
  type ConsumeSummary,
  DEFAULT_MAX_REPLAYS,
  isCompleteReplay,
  purgeDeadLetters,
  replayDeadLetters,
} from './replay.ts';
import { checkReplayTarget } from './replay-target.ts';
import { DEFAULT_MAX_SCAN } from './scan.ts';
import { createSqsClient } from './sqs-client.ts';
import { collectStats } from './stats.ts';

/** Exit codes: a contract with scripts that call the CLI. */
export const EXIT = { ok: 0, incomplete: 1, usage: 2, interrupted: 130 } as const;

/** What the CLI needs from its process; tests pass their own. */
export type DlqCliIo = {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly signal: AbortSignal;
  readonly sqs?: SQSClient;
};

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const FILTER_CODES = [...ERROR_CODES, UNKNOWN_CODE] as const;

const collectList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0),
];

const positiveInt = z.coerce.number().int().positive();
const isoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

const CommonSchema = z.object({
  dlqUrl: z.url({
    error: (issue) =>
      issue.input === undefined
        ? 'a queue URL is required (--dlq-url or DEAD_LETTER_QUEUE_URL)'
        : 'not a valid queue URL',
  }),
  json: z.boolean().default(false),
});

const FilterSchema = z.object({
  code: z.array(z.enum(FILTER_CODES)).optional(),
  step: z.string().min(1).optional(),
  customerId: z.string().min(1).optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
  maxScan: positiveInt.default(DEFAULT_MAX_SCAN),
  visibilityTimeout: z.coerce.number().int().min(1).max(43_200).optional(),
});

const ListSchema = CommonSchema.extend(FilterSchema.shape).extend({
  max: positiveInt.default(50),
});
const ExportSchema = CommonSchema.extend(FilterSchema.shape).extend({
  max: positiveInt.optional(),
  out: z.string().min(1),
});
const ReplaySchema = CommonSchema.extend(FilterSchema.shape).extend({
  max: positiveInt.optional(),
  rate: z.coerce.number().positive().max(500).optional(),
  dryRun: z.boolean().default(false),
  all: z.boolean().default(false),
  native: z.boolean().default(false),
  queueUrl: z.url().optional(),
  maxReplays: positiveInt.default(DEFAULT_MAX_REPLAYS),
  ignoreMaxReplays: z.boolean().default(false),
});
const PurgeSchema = CommonSchema.extend(FilterSchema.shape).extend({
  max: positiveInt.optional(),
  yes: z.boolean().default(false),
  all: z.boolean().default(false),
});
const CancelSchema = CommonSchema.omit({ dlqUrl: true }).extend({ taskHandle: z.string().min(1) });

const parseOptions = <T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> => {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UsageError(z.prettifyError(parsed.error));
  return parsed.data;
};

const toFilter = (options: z.infer<typeof FilterSchema>): DeadLetterFilter => ({
  ...(options.code === undefined ? {} : { codes: options.code }),
  ...(options.step === undefined ? {} : { step: options.step }),
  ...(options.customerId === undefined ? {} : { customerId: options.customerId }),
  ...(options.since === undefined ? {} : { since: options.since }),
  ...(options.until === undefined ? {} : { until: options.until }),
});

const hasFilter = (filter: DeadLetterFilter): boolean => Object.keys(filter).length > 0;

const addFilterOptions = (command: Command): Command =>
  command
    .option(
      '--code <codes>',
      `failure code, repeatable or comma-separated (${FILTER_CODES.join(', ')})`,
      collectList,
    )
    .option('--step <stepId>', 'workflow step that failed')
    .option('--customer-id <id>', 'customerId from the message body')
    .option('--since <iso>', 'failed at or after this time (ISO 8601)')
    .option('--until <iso>', 'failed at or before this time (ISO 8601)')
    .option('--max-scan <n>', 'messages to read at most', String(DEFAULT_MAX_SCAN))
    .option('--visibility-timeout <seconds>', 'how long read messages stay hidden while working');

const addCommonOptions = (command: Command): Command =>
  command
    .option('--dlq-url <url>', 'dead-letter queue URL (default: $DEAD_LETTER_QUEUE_URL)')
    .option('--json', 'machine-readable output on stdout');

type Context = {
  io: DlqCliIo;
  sqs: () => SQSClient;
  exitCode: number;
};

const write = (stream: NodeJS.WritableStream, text: string): void => {
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

const exitForPeek = (context: Context, result: PeekResult): number => {
  if (result.error !== undefined) write(context.io.stderr, `Stopped early: ${result.error}`);
  if (result.notReleased > 0) {
    write(
      context.io.stderr,
      `${result.notReleased} message(s) could not be made visible again; they reappear when their visibility timeout ends.`,
    );
  }
  if (result.stoppedBy === 'interrupted') return EXIT.interrupted;
  return result.error === undefined ? EXIT.ok : EXIT.incomplete;
};

const summaryRows = (letters: readonly DeadLetterSummary[]): string =>
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

const resolveDlqUrl = (context: Context, flags: Record<string, unknown>): unknown =>
  flags['dlqUrl'] ?? context.io.env['DEAD_LETTER_QUEUE_URL'];

/** The scan options every command shares: queue, filter, bounds, Ctrl-C, and the optional visibility override. */
const scanOptionsFrom = (
  context: Context,
  options: {
    readonly dlqUrl: string;
    readonly maxScan: number;
    readonly max?: number | undefined;
    readonly visibilityTimeout?: number | undefined;
  },
  filter: DeadLetterFilter,
) => ({
  sqs: context.sqs(),
  queueUrl: options.dlqUrl,
  filter,
  maxScan: options.maxScan,
  signal: context.io.signal,
  ...(options.max === undefined ? {} : { max: options.max }),
  ...(options.visibilityTimeout === undefined
    ? {}
    : { visibilityTimeoutSeconds: options.visibilityTimeout }),
});

const runStats = async (context: Context, flags: Record<string, unknown>): Promise<number> => {
  const options = parseOptions(CommonSchema.extend(FilterSchema.shape), {
    ...flags,
    dlqUrl: resolveDlqUrl(context, flags),
  });
  const progress = await startProgress(context, options.dlqUrl, options.json);
  const stats = await collectStats({
    ...scanOptionsFrom(context, options, toFilter(options)),
    onProgress: progress.update,
  });
  progress.stop();
  if (options.json) {
    write(context.io.stdout, JSON.stringify(stats));
  } else {
    const byCount = (counts: Readonly<Record<string, number>>) =>
      Object.entries(counts).sort((a, b) => b[1] - a[1]);
    write(
      context.io.stdout,
      `Dead letters: ${stats.total} (read ${stats.scanned}, ${stats.stoppedBy})`,
    );
    if (stats.total > 0) {
      write(context.io.stdout, `\n${formatTable(['CODE', 'COUNT'], byCount(stats.byCode))}`);
      write(context.io.stdout, `\n${formatTable(['STEP', 'COUNT'], byCount(stats.byStep))}`);
      write(
        context.io.stdout,
        `\nOldest failure: ${stats.oldestFailedAt ?? '-'}\nNewest failure: ${stats.newestFailedAt ?? '-'}`,
      );
      for (const [reason, count] of byCount(stats.unknownReasons)) {
        write(context.io.stdout, `${count} UNKNOWN: ${reason}`);
      }
    }
  }
  return exitForPeek(context, stats);
};

const runList = async (context: Context, flags: Record<string, unknown>): Promise<number> => {
  const options = parseOptions(ListSchema, { ...flags, dlqUrl: resolveDlqUrl(context, flags) });
  const progress = await startProgress(context, options.dlqUrl, options.json);
  const result = await listDeadLetters({
    ...scanOptionsFrom(context, options, toFilter(options)),
    onProgress: progress.update,
  });
  progress.stop();
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
};

const runExport = async (context: Context, flags: Record<string, unknown>): Promise<number> => {
  const options = parseOptions(ExportSchema, { ...flags, dlqUrl: resolveDlqUrl(context, flags) });
  const out = createWriteStream(options.out, { flags: 'wx' });
  // Fails early (exit 1) if the file exists or cannot be created, before any message is read.
  await new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  const progress = await startProgress(context, options.dlqUrl, options.json);
  const result = await exportDeadLetters({
    ...scanOptionsFrom(context, options, toFilter(options)),
    onProgress: progress.update,
    out,
  });
  out.end();
  await finished(out);
  progress.stop();
  if (options.json) {
    write(context.io.stdout, JSON.stringify({ ...result, out: options.out }));
  } else {
    write(
      context.io.stdout,
      `Exported ${result.matched} of ${result.scanned} read to ${options.out} (${result.stoppedBy}); nothing was deleted.`,
    );
  }
  return exitForPeek(context, result);
};

const printConsumeSummary = (
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
  const rows: [string, number][] = [
    ['read', summary.scanned],
    ['matched', summary.matched],
    ...(verb === 'replay' ? ([['sent', summary.sent]] as [string, number][]) : []),
    ['deleted', summary.deleted],
    ['failed', summary.failed],
    ...(verb === 'replay'
      ? ([
          ['sentButNotDeleted', summary.sentButNotDeleted],
          ['refused (--max-replays)', summary.refused],
        ] as [string, number][])
      : []),
    ['skipped (not matching)', summary.skipped],
  ];
  write(context.io.stdout, formatTable(['', 'MESSAGES'], rows));
  write(context.io.stdout, `Stopped: ${summary.stoppedBy}`);
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

const runReplay = async (context: Context, flags: Record<string, unknown>): Promise<number> => {
  const options = parseOptions(ReplaySchema, {
    ...flags,
    dlqUrl: resolveDlqUrl(context, flags),
    queueUrl: flags['queueUrl'] ?? context.io.env['SOURCE_QUEUE_URL'],
  });
  const filter = toFilter(options);
  // Before anything moves: a replay aimed at the DLQ itself, or at a queue that is not its source, is refused.
  if (options.queueUrl !== undefined) {
    const target = await checkReplayTarget(context.sqs(), options.dlqUrl, options.queueUrl);
    if (!target.allowed) {
      throw new UsageError(`refusing to replay: ${target.reason}; nothing was moved`);
    }
  }
  const maxReplays = options.ignoreMaxReplays ? undefined : options.maxReplays;
  if (options.native) {
    if (!options.all) throw new UsageError('--native moves everything: it needs --all');
    if (hasFilter(filter) || options.dryRun || options.max !== undefined) {
      throw new UsageError(
        '--native takes no filter, --max or --dry-run (AWS moves every message)',
      );
    }
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
  }
  if (options.all && hasFilter(filter))
    throw new UsageError('--all cannot be combined with filters');
  const scanOptions = scanOptionsFrom(context, options, filter);
  if (options.dryRun) {
    const progress = await startProgress(context, options.dlqUrl, options.json);
    const result = await listDeadLetters({ ...scanOptions, onProgress: progress.update });
    progress.stop();
    if (options.json) {
      write(context.io.stdout, JSON.stringify({ dryRun: true, ...result }));
    } else {
      if (result.letters.length > 0) write(context.io.stdout, summaryRows(result.letters));
      const refused =
        maxReplays === undefined
          ? 0
          : result.letters.filter((letter) => letter.replayCount >= maxReplays).length;
      write(
        context.io.stdout,
        `Dry run: ${result.matched - refused} message(s) would be replayed to ${options.queueUrl ?? '(no --queue-url given)'}` +
          `${refused > 0 ? `, ${refused} refused (replayed ${maxReplays} times already)` : ''}; nothing was changed.`,
      );
    }
    return exitForPeek(context, result);
  }
  if (options.queueUrl === undefined) {
    throw new UsageError('a source queue URL is required (--queue-url or SOURCE_QUEUE_URL)');
  }
  if (!options.all && !hasFilter(filter)) {
    throw new UsageError('choose messages with a filter (--code, --step, …) or pass --all');
  }
  const progress = await startProgress(context, options.dlqUrl, options.json);
  const summary = await replayDeadLetters({
    ...scanOptions,
    sourceQueueUrl: options.queueUrl,
    onProgress: progress.update,
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    ...(maxReplays === undefined ? {} : { maxReplays }),
  });
  progress.stop();
  printConsumeSummary(context, summary, options.json, 'replay');
  if (summary.stoppedBy === 'interrupted') return EXIT.interrupted;
  return isCompleteReplay(summary) ? EXIT.ok : EXIT.incomplete;
};

const runPurge = async (context: Context, flags: Record<string, unknown>): Promise<number> => {
  const options = parseOptions(PurgeSchema, { ...flags, dlqUrl: resolveDlqUrl(context, flags) });
  const filter = toFilter(options);
  if (options.all && hasFilter(filter))
    throw new UsageError('--all cannot be combined with filters');
  if (!options.all && !hasFilter(filter)) {
    throw new UsageError('choose messages with a filter (--code, --step, …) or pass --all');
  }
  const scanOptions = scanOptionsFrom(context, options, filter);
  const progress = await startProgress(context, options.dlqUrl, options.json);
  if (!options.yes) {
    const result = await listDeadLetters({ ...scanOptions, onProgress: progress.update });
    progress.stop();
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
  const summary = await purgeDeadLetters({ ...scanOptions, onProgress: progress.update });
  progress.stop();
  printConsumeSummary(context, summary, options.json, 'purge');
  if (summary.stoppedBy === 'interrupted') return EXIT.interrupted;
  return summary.failed === 0 && summary.error === undefined ? EXIT.ok : EXIT.incomplete;
};

const runStatus = async (context: Context, flags: Record<string, unknown>): Promise<number> => {
  const options = parseOptions(CommonSchema, { ...flags, dlqUrl: resolveDlqUrl(context, flags) });
  const tasks = await listMoveTasks({ sqs: context.sqs(), dlqUrl: options.dlqUrl });
  if (options.json) {
    write(context.io.stdout, JSON.stringify({ tasks }));
  } else if (tasks.length === 0) {
    write(context.io.stdout, 'No move tasks for this queue.');
  } else {
    write(
      context.io.stdout,
      formatTable(
        ['TASK', 'STATUS', 'MOVED', 'TO MOVE', 'RATE', 'STARTED', 'FAILURE'],
        tasks.map((task) => [
          task.taskHandle,
          task.status,
          task.approximateNumberOfMessagesMoved,
          task.approximateNumberOfMessagesToMove,
          task.maxNumberOfMessagesPerSecond,
          task.startedAt,
          task.failureReason,
        ]),
      ),
    );
  }
  return EXIT.ok;
};

const runCancel = async (context: Context, flags: Record<string, unknown>): Promise<number> => {
  const options = parseOptions(CancelSchema, flags);
  const moved = await cancelMoveTask({ sqs: context.sqs(), taskHandle: options.taskHandle });
  if (options.json) {
    write(context.io.stdout, JSON.stringify({ taskHandle: options.taskHandle, moved }));
  } else {
    write(
      context.io.stdout,
      `Cancelled ${options.taskHandle}; about ${moved} message(s) had been moved.`,
    );
  }
  return EXIT.ok;
};

const buildProgram = (context: Context): Command => {
  const program = new Command('dlq')
    .description(
      'Inspect and replay the billing-provisioning dead-letter queue.\n' +
        'Exit codes: 0 done, 1 not fully done, 2 invalid arguments, 130 interrupted (Ctrl-C).',
    )
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
    });
  const action =
    (run: (context: Context, flags: Record<string, unknown>) => Promise<number>) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args.at(-1) as Command;
      const positional = command.args;
      const flags = { ...command.opts(), ...(positional[0] ? { taskHandle: positional[0] } : {}) };
      context.exitCode = await run(context, flags);
    };
  const sub = (name: string, description: string): Command =>
    addCommonOptions(
      program.command(name).description(description).exitOverride().allowExcessArguments(false),
    );

  addFilterOptions(sub('stats', 'count dead letters by failure code and step (reads only)')).action(
    action(runStats),
  );
  addFilterOptions(
    sub('list', 'show matching dead letters without consuming them').option(
      '--max <n>',
      'rows to show at most',
      '50',
    ),
  ).action(action(runList));
  addFilterOptions(
    sub('replay', 'send matching dead letters back to the source queue')
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
  ).action(action(runReplay));
  addFilterOptions(
    sub('purge', 'delete matching dead letters for good (dry run unless --yes)')
      .option('--max <n>', 'messages to delete at most')
      .option('--all', 'every message (no filter)')
      .option('--yes', 'really delete'),
  ).action(action(runPurge));
  addFilterOptions(
    sub('export', 'write matching dead letters to a JSON Lines file without deleting them')
      .requiredOption('--out <file>', 'file to create (must not exist)')
      .option('--max <n>', 'messages to export at most'),
  ).action(action(runExport));
  sub('status', 'show the AWS move tasks of the dead-letter queue').action(action(runStatus));
  program
    .command('cancel')
    .description('cancel a running AWS move task')
    .argument('<taskHandle>', 'handle printed by `replay --all --native` or `status`')
    .option('--json', 'machine-readable output on stdout')
    .exitOverride()
    .action(action(runCancel));
  return program;
};

/**
 * Runs the DLQ command line and resolves to the exit code. Never throws: usage errors give 2, failed operations 1,
 * an interruption 130. Builds its SQS client on first use, from the SDK's standard variables unless one is given.
 */
export const runDlqCli = async (argv: readonly string[], io: DlqCliIo): Promise<number> => {
  let client = io.sqs;
  const context: Context = {
    io,
    sqs: () => {
      client ??= createSqsClient();
      return client;
    },
    exitCode: EXIT.ok,
  };
  try {
    await buildProgram(context).parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    if (error instanceof UsageError) {
      write(io.stderr, `error: invalid arguments\n${error.message}\n(add --help for usage)`);
      return EXIT.usage;
    }
    const message = isAppError(error) || error instanceof Error ? error.message : String(error);
    write(io.stderr, `error: ${message}`);
    return EXIT.incomplete;
  } finally {
    if (io.sqs === undefined) client?.destroy();
  }
};

if (import.meta.main) {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) {
      process.stderr.write('Still finishing the batch in flight; it ends within seconds.\n');
      return;
    }
    process.stderr.write(
      '\nInterrupted: finishing the batch in flight, then printing the summary…\n',
    );
    controller.abort();
  });
  const code = await runDlqCli(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  });
  process.exitCode = controller.signal.aborted ? EXIT.interrupted : code;
}
