/**
 * `arazzo run <file>`: compiles the document and runs one workflow, each source against its server (`--server
 * <source>=<url>`, else a bare `--server <url>`, else the servers its OpenAPI description declares), printing the
 * RunResult; exit 0 completed or ended, 1 failed, 2 invalid.
 */
import { createWorkflowFailureClassifier } from '../../../lib/amberflo/classify.ts';
import { checkHttpBaseUrl } from '../../../lib/arazzo/base-url.ts';
import { type CompiledDocument, createWorkflowRunner } from '../../../lib/arazzo/index.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { compileArazzoFile, formatIssue } from '../compile.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK } from './exit-codes.ts';
import { parsePositiveInteger, readInputs, type ServerFlags, UsageError } from './options.ts';
import { createRunSend, keySourcesOf } from './run-send.ts';

export type RunOptions = {
  readonly workflow: string;
  readonly inputs: string;
  readonly server: ServerFlags;
  readonly source: Record<string, string>;
  readonly apiKeyEnv: string;
  readonly apiKeySource: readonly string[];
  readonly timeout: string;
  readonly maxSteps: string;
};

/** The `--server` flags, checked against the document: http(s) URLs, for sources it has. */
const checkServers = (compiled: CompiledDocument, flags: ServerFlags): void => {
  const names = compiled.sources.map((source) => source.name);
  const unknown = Object.keys(flags.bySource).filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `--server names no source description: ${unknown.join(', ')} (the document has: ${names.join(', ')})`,
    );
  }
  const urls = [
    ...Object.values(flags.bySource),
    ...(flags.fallback === undefined ? [] : [flags.fallback]),
  ];
  for (const url of urls) {
    if (!checkHttpBaseUrl(url).ok) throw new UsageError(`--server "${url}" is not an http(s) URL`);
  }
};

/** Reads the key when a request of a key source needs it: a document that needs none runs without it. */
const apiKeyReader = (options: RunOptions, apiKey: string | undefined) => (): string => {
  if (apiKey === undefined || apiKey === '') {
    throw new ConfigError(
      `No API key: set ${options.apiKeyEnv}, or pass X-API-KEY in the document`,
    );
  }
  return apiKey;
};

export const runCommand = async (file: string, options: RunOptions): Promise<number> => {
  const timeoutMs = parsePositiveInteger(options.timeout, '--timeout', 'ms');
  const maxSteps = parsePositiveInteger(options.maxSteps, '--max-steps');
  const inputs = await readInputs(options.inputs);
  const result = await compileArazzoFile({ documentPath: file, sources: options.source });
  if (result.compiled === undefined) {
    for (const issue of result.issues) console.error(formatIssue(issue));
    return EXIT_INVALID;
  }
  const compiled = result.compiled;
  checkServers(compiled, options.server);
  const apiKey = process.env[options.apiKeyEnv];
  const http = createRunSend({
    keySources: keySourcesOf(compiled, options.apiKeySource),
    getApiKey: apiKeyReader(options, apiKey),
    timeoutMs: Math.min(10_000, timeoutMs),
  });
  const secrets = (): readonly string[] => [...(apiKey ? [apiKey] : []), ...http.knownSecrets()];
  const { fallback, bySource } = options.server;
  const runner = createWorkflowRunner(compiled, {
    ...(fallback === undefined ? {} : { baseUrl: fallback }),
    servers: bySource,
    send: http.send,
    classify: createWorkflowFailureClassifier(secrets),
    secrets,
    maxSteps,
    requestTimeoutMs: Math.min(10_000, timeoutMs),
  });
  const run = await runner.run(options.workflow, inputs, { deadline: Date.now() + timeoutMs });
  console.log(JSON.stringify(run, null, 2));
  return run.status === 'failed' ? EXIT_FAILED : EXIT_OK;
};
