#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isAppError } from '../../lib/errors.ts';
import { cancelCommand } from './commands/cancel.ts';
import {
  type Context,
  type DlqCliIo,
  type DlqCommand,
  EXIT,
  UsageError,
} from './commands/context.ts';
import { exportCommand } from './commands/export.ts';
import { listCommand } from './commands/list.ts';
import { write } from './commands/output.ts';
import { purgeCommand } from './commands/purge.ts';
import { replayCommand } from './commands/replay.ts';
import { statsCommand } from './commands/stats.ts';
import { statusCommand } from './commands/status.ts';
import { createSqsClient } from './sqs-client.ts';

export { type DlqCliIo, EXIT } from './commands/context.ts';

/** In the order `--help` lists them. */
const COMMANDS: readonly DlqCommand[] = [
  statsCommand,
  listCommand,
  replayCommand,
  purgeCommand,
  exportCommand,
  statusCommand,
  cancelCommand,
];

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
  for (const command of COMMANDS) {
    command.define(program).action(async (...args: unknown[]): Promise<void> => {
      const parsed = args.at(-1) as Command;
      const positional = parsed.args;
      const flags = { ...parsed.opts(), ...(positional[0] ? { taskHandle: positional[0] } : {}) };
      context.exitCode = await command.run(context, flags);
    });
  }
  return program;
};

/** Maps what a command threw to its exit code, with the message on stderr. */
const exitCodeFor = (error: unknown, io: DlqCliIo): number => {
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
    return exitCodeFor(error, io);
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
