import type { Command } from 'commander';
import * as z from 'zod';
import { ERROR_CODES } from '../../../lib/errors.ts';
import { UNKNOWN_CODE } from '../dead-letter.ts';
import type { DeadLetterFilter } from '../filter.ts';
import { DEFAULT_MAX_SCAN } from '../scan.ts';
import { type Context, UsageError } from './context.ts';

const FILTER_CODES = [...ERROR_CODES, UNKNOWN_CODE] as const;

const collectList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0),
];

export const positiveInt = z.coerce.number().int().positive();
const isoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** `--dlq-url` and `--json`, which every command but `cancel` takes. */
export const CommonSchema = z.object({
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

/** The options of a command that scans the queue: common ones plus filter and bounds. */
export const ScanCommandSchema = CommonSchema.extend(FilterSchema.shape);

/** Parses raw flags; invalid ones are a usage error (exit 2) listing every problem. */
export const parseOptions = <T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> => {
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

/** Whether the options select letters by a filter (`--code`, `--step`, …), as opposed to taking all. */
export const hasFilter = (options: z.infer<typeof FilterSchema>): boolean =>
  Object.keys(toFilter(options)).length > 0;

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

/** A subcommand with `--dlq-url` and `--json`, that refuses unknown arguments. */
export const subcommand = (program: Command, name: string, description: string): Command =>
  program
    .command(name)
    .description(description)
    .exitOverride()
    .allowExcessArguments(false)
    .option('--dlq-url <url>', 'dead-letter queue URL (default: $DEAD_LETTER_QUEUE_URL)')
    .option('--json', 'machine-readable output on stdout');

/**
 * A subcommand that scans the queue: `--dlq-url` and `--json`, then its own options (`addOwn`), then the filter and
 * scan-bound flags (the order `--help` lists them in).
 */
export const scanSubcommand = (
  program: Command,
  name: string,
  description: string,
  addOwn: (command: Command) => Command = (command) => command,
): Command => addFilterOptions(addOwn(subcommand(program, name, description)));

/** Parses the flags of a command that reads the DLQ, `--dlq-url` defaulting to `DEAD_LETTER_QUEUE_URL`. */
export const parseDlqOptions = <T extends z.ZodType>(
  schema: T,
  context: Context,
  flags: Record<string, unknown>,
): z.infer<T> =>
  parseOptions(schema, {
    ...flags,
    dlqUrl: flags['dlqUrl'] ?? context.io.env['DEAD_LETTER_QUEUE_URL'],
  });

/** The scan options every command shares: queue, filter, bounds, Ctrl-C, and the optional visibility override. */
export const scanOptionsFrom = (
  context: Context,
  options: z.infer<typeof ScanCommandSchema> & { readonly max?: number | undefined },
) => ({
  sqs: context.sqs(),
  queueUrl: options.dlqUrl,
  filter: toFilter(options),
  maxScan: options.maxScan,
  signal: context.io.signal,
  ...(options.max === undefined ? {} : { max: options.max }),
  ...(options.visibilityTimeout === undefined
    ? {}
    : { visibilityTimeoutSeconds: options.visibilityTimeout }),
});
