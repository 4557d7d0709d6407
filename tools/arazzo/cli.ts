/**
 * `npm run arazzo -- <command>`: validate, run and build Arazzo workflow documents.
 *   validate <file> [--source name=path]...          exit 0 valid, 2 invalid (one problem per line)
 *   run <file> --workflow <id> --inputs <json|@file> --server <url> [--source name=path]... [--api-key-env NAME]
 *                                                    prints the RunResult; exit 0 completed/ended, 1 failed, 2 invalid
 *   build [--check] [--dir lib/workflows]             compiles *.arazzo.yaml; --check exits 1 when any output is stale
 */
import { readFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { createWorkflowFailureClassifier } from '../../lib/amberflo/classify.ts';
import { createAmberfloHttp } from '../../lib/amberflo/http.ts';
import {
  ArazzoDocumentError,
  ArazzoInputError,
  createWorkflowRunner,
} from '../../lib/arazzo/index.ts';
import { ConfigError, isAppError } from '../../lib/errors.ts';
import { buildWorkflows, compileArazzoFile, formatIssue } from './build-time.ts';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_INVALID = 2;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const collectSource = (value: string, previous: Record<string, string>): Record<string, string> => {
  const index = value.indexOf('=');
  if (index <= 0 || index === value.length - 1) {
    throw new UsageError(`--source expects <name>=<path>, got "${value}"`);
  }
  return { ...previous, [value.slice(0, index)]: value.slice(index + 1) };
};

const readInputs = async (text: string): Promise<Record<string, unknown>> => {
  let raw = text;
  if (text.startsWith('@')) {
    try {
      raw = await readFile(text.slice(1), 'utf8');
    } catch {
      throw new UsageError(`cannot read inputs file ${text.slice(1)}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError('--inputs is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('--inputs must be a JSON object');
  }
  return parsed as Record<string, unknown>;
};

const validateCommand = async (
  file: string,
  options: { source: Record<string, string> },
): Promise<number> => {
  const result = await compileArazzoFile({ documentPath: file, sources: options.source });
  for (const warning of result.warnings) console.error(`warning ${formatIssue(warning)}`);
  if (result.compiled === undefined) {
    for (const issue of result.issues) console.log(formatIssue(issue));
    console.error(`invalid: ${result.issues.length} problem(s)`);
    return EXIT_INVALID;
  }
  console.log('valid');
  return EXIT_OK;
};

type RunCommandOptions = {
  workflow: string;
  inputs: string;
  server: string;
  source: Record<string, string>;
  apiKeyEnv: string;
  timeout: string;
};

const runCommand = async (file: string, options: RunCommandOptions): Promise<number> => {
  const timeoutMs = Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new UsageError('--timeout must be a positive integer (ms)');
  }
  const inputs = await readInputs(options.inputs);
  const result = await compileArazzoFile({ documentPath: file, sources: options.source });
  if (result.compiled === undefined) {
    for (const issue of result.issues) console.error(formatIssue(issue));
    return EXIT_INVALID;
  }
  const apiKey = process.env[options.apiKeyEnv];
  let http: ReturnType<typeof createAmberfloHttp>;
  try {
    http = createAmberfloHttp({
      baseUrl: options.server,
      timeoutMs: Math.min(10_000, timeoutMs),
      getApiKey: () => {
        if (apiKey === undefined || apiKey === '') {
          throw new ConfigError(
            `No API key: set ${options.apiKeyEnv}, or pass X-API-KEY in the document`,
          );
        }
        return apiKey;
      },
    });
  } catch {
    throw new UsageError(`--server "${options.server}" is not an http(s) URL`);
  }
  const secrets = (): readonly string[] => [...(apiKey ? [apiKey] : []), ...http.knownSecrets()];
  const runner = createWorkflowRunner(result.compiled, {
    baseUrl: http.baseUrl,
    send: http.send,
    classify: createWorkflowFailureClassifier(secrets),
    secrets,
  });
  const run = await runner.run(options.workflow, inputs, { deadline: Date.now() + timeoutMs });
  console.log(JSON.stringify(run, null, 2));
  return run.status === 'failed' ? EXIT_FAILED : EXIT_OK;
};

const buildCommand = async (options: { check?: boolean; dir: string }): Promise<number> => {
  const entries = await buildWorkflows({ dir: options.dir, check: options.check === true });
  let invalid = 0;
  let stale = 0;
  for (const entry of entries) {
    for (const warning of entry.warnings) console.error(`warning ${entry.source} ${warning}`);
    if (entry.status === 'invalid') {
      invalid += 1;
      for (const issue of entry.issues) console.error(`${entry.source} ${issue}`);
    }
    if (entry.status === 'stale') stale += 1;
    console.log(`${entry.status} ${entry.output}`);
  }
  if (entries.length === 0) console.log(`no *.arazzo.yaml in ${options.dir}`);
  if (invalid > 0) return EXIT_INVALID;
  if (stale > 0) {
    console.error(`${stale} compiled document(s) are stale: run \`npm run workflows:build\``);
    return EXIT_FAILED;
  }
  return EXIT_OK;
};

const main = async (argv: readonly string[]): Promise<number> => {
  let exitCode = EXIT_OK;
  const program = new Command()
    .name('arazzo')
    .description('Validate, run and build Arazzo 1.0.x workflow documents')
    .exitOverride()
    .showHelpAfterError();
  program
    .command('validate')
    .argument('<file>', 'Arazzo document (YAML or JSON)')
    .option('--source <name=path>', 'override a source description by name', collectSource, {})
    .action(async (file: string, options: { source: Record<string, string> }) => {
      exitCode = await validateCommand(file, options);
    });
  program
    .command('run')
    .argument('<file>', 'Arazzo document (YAML or JSON)')
    .requiredOption('--workflow <id>', 'workflowId to run')
    .requiredOption('--inputs <json>', 'workflow inputs as JSON, or @file')
    .requiredOption('--server <url>', 'API base URL; every request goes there')
    .option('--source <name=path>', 'override a source description by name', collectSource, {})
    .option('--api-key-env <name>', 'environment variable holding the API key', 'AMBERFLO_API_KEY')
    .option('--timeout <ms>', 'deadline of the whole run', '60000')
    .action(async (file: string, options: RunCommandOptions) => {
      exitCode = await runCommand(file, options);
    });
  program
    .command('build')
    .option('--check', 'exit 1 when a compiled document is stale, write nothing')
    .option('--dir <dir>', 'directory of *.arazzo.yaml documents', 'lib/workflows')
    .action(async (options: { check?: boolean; dir: string }) => {
      exitCode = await buildCommand(options);
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_INVALID;
    }
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
  }
  return exitCode;
};

process.exitCode = await main(process.argv.slice(2));
