/**
 * `npm run arazzo -- <command>`: validate, run and build Arazzo workflow documents.
 *   validate <file> [--source name=path]...          exit 0 valid, 2 invalid (one problem per line)
 *   run <file> --workflow <id> --inputs <json|@file> [--server [source=]url]... [--source name=path]...
 *       [--api-key-env NAME] [--api-key-source name]... [--timeout ms] [--max-steps n]
 *                                                    prints the RunResult; exit 0 completed/ended, 1 failed, 2 invalid
 *   build [--check] [--dir lib/workflows]             compiles *.arazzo.yaml; --check exits 1 when any output is stale
 * Each command lives in `commands/`; this file wires the flags and maps errors to exit codes. A command's module
 * is imported only when that command runs, so `validate` never loads the HTTP stack (docs/arazzo.md §13).
 */
import { Command, CommanderError } from 'commander';
import { ArazzoDocumentError, ArazzoInputError } from '../../lib/arazzo/errors.ts';
import { isAppError } from '../../lib/errors.ts';
import type { BuildOptions } from './commands/build.ts';
import { EXIT_INVALID, EXIT_OK } from './commands/exit-codes.ts';
import { collectName, collectServer, collectSource, UsageError } from './commands/options.ts';
import type { RunOptions } from './commands/run.ts';
import type { ValidateOptions } from './commands/validate.ts';

const createProgram = (setExitCode: (code: number) => void): Command => {
  const program = new Command()
    .name('arazzo')
    .description('Validate, run and build Arazzo 1.0.x workflow documents')
    .exitOverride()
    .showHelpAfterError();
  program
    .command('validate')
    .argument('<file>', 'Arazzo document (YAML or JSON)')
    .option('--source <name=path>', 'override a source description by name', collectSource, {})
    .action(async (file: string, options: ValidateOptions) => {
      const { validateCommand } = await import('./commands/validate.ts');
      setExitCode(await validateCommand(file, options));
    });
  program
    .command('run')
    .argument('<file>', 'Arazzo document (YAML or JSON)')
    .requiredOption('--workflow <id>', 'workflowId to run')
    .requiredOption('--inputs <json>', 'workflow inputs as JSON, or @file')
    .option(
      '--server <[source=]url>',
      "a source's server (source=url), or every other source's (url); default: the servers its OpenAPI description declares",
      collectServer,
      { bySource: {} },
    )
    .option('--source <name=path>', 'override a source description by name', collectSource, {})
    .option('--api-key-env <name>', 'environment variable holding the API key', 'AMBERFLO_API_KEY')
    .option(
      '--api-key-source <name>',
      "also send the API key to this source's servers (Amberflo's sources get it on an amberflo.io server or the --server you give them)",
      collectName,
      [],
    )
    .option('--timeout <ms>', 'deadline of the whole run', '60000')
    .option('--max-steps <n>', 'step executions one run may take, retries included', '100')
    .action(async (file: string, options: RunOptions) => {
      const { runCommand } = await import('./commands/run.ts');
      setExitCode(await runCommand(file, options));
    });
  program
    .command('build')
    .option('--check', 'exit 1 when a compiled document is stale, write nothing')
    .option('--dir <dir>', 'directory of *.arazzo.yaml documents', 'lib/workflows')
    .action(async (options: BuildOptions) => {
      const { buildCommand } = await import('./commands/build.ts');
      setExitCode(await buildCommand(options));
    });
  return program;
};

/** Usage mistakes and invalid documents exit 2 with their message; anything else is a bug and is rethrown. */
const exitCodeOf = (error: unknown): number => {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_INVALID;
  if (error instanceof UsageError) {
    console.error(`usage: ${error.message}`);
    return EXIT_INVALID;
  }
  // The runner throws the interpreter's own errors; the loader and compiler throw the application's.
  if (error instanceof ArazzoInputError || error instanceof ArazzoDocumentError) {
    console.error(error.message);
    for (const issue of error.issues) console.error(`  ${issue}`);
    return EXIT_INVALID;
  }
  if (
    isAppError(error) &&
    (error.code === 'INVALID_MESSAGE' || error.code === 'WORKFLOW_INVALID')
  ) {
    console.error(error.message);
    for (const issue of error.details.issues ?? []) console.error(`  ${issue}`);
    return EXIT_INVALID;
  }
  throw error;
};

const main = async (argv: readonly string[]): Promise<number> => {
  let exitCode = EXIT_OK;
  const program = createProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    return exitCodeOf(error);
  }
  return exitCode;
};

process.exitCode = await main(process.argv.slice(2));
