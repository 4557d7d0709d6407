/**
 * `arazzo run <file>`: compiles the document and runs one workflow against `--server`, printing the RunResult;
 * exit 0 completed or ended, 1 failed, 2 invalid.
 */
import { createWorkflowFailureClassifier } from '../../../lib/amberflo/classify.ts';
import { createAmberfloHttp } from '../../../lib/amberflo/http.ts';
import { createWorkflowRunner } from '../../../lib/arazzo/index.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { compileArazzoFile, formatIssue } from '../compile.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK } from './exit-codes.ts';
import { readInputs, UsageError } from './options.ts';

export type RunOptions = {
  readonly workflow: string;
  readonly inputs: string;
  readonly server: string;
  readonly source: Record<string, string>;
  readonly apiKeyEnv: string;
  readonly timeout: string;
};

const parseTimeout = (text: string): number => {
  const timeoutMs = Number(text);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new UsageError('--timeout must be a positive integer (ms)');
  }
  return timeoutMs;
};

/** The production HTTP policy, aimed at `--server`; the key is only required when a request needs it. */
const createHttp = (options: RunOptions, apiKey: string | undefined, timeoutMs: number) => {
  try {
    return createAmberfloHttp({
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
};

export const runCommand = async (file: string, options: RunOptions): Promise<number> => {
  const timeoutMs = parseTimeout(options.timeout);
  const inputs = await readInputs(options.inputs);
  const result = await compileArazzoFile({ documentPath: file, sources: options.source });
  if (result.compiled === undefined) {
    for (const issue of result.issues) console.error(formatIssue(issue));
    return EXIT_INVALID;
  }
  const apiKey = process.env[options.apiKeyEnv];
  const http = createHttp(options, apiKey, timeoutMs);
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
