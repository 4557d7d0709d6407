/**
 * `arazzo run <file>`: compiles the document and runs one workflow, each source against its server (`--server
 * <source>=<url>`, else a bare `--server <url>`, else the servers its OpenAPI description declares), printing the
 * RunResult; exit 0 completed or ended, 1 failed, 2 invalid. The API key goes only where key-routes.ts allows.
 */
import { createWorkflowFailureClassifier } from '../../../lib/amberflo/classify.ts';
import { type CompiledDocument, createWorkflowRunner } from '../../../lib/arazzo/index.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { compileArazzoFile, formatIssue } from '../compile.ts';
import { classifyBySource, createGenericClassifier } from './classify-by-source.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK } from './exit-codes.ts';
import { amberfloSourcesOf, keyRoutesOf } from './key-routes.ts';
import { parsePositiveInteger, readInputs, type ServerFlags } from './options.ts';
import { createRunSend } from './run-send.ts';

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

/** Reads the key when a request of a key source needs it: a document that needs none runs without it. */
const apiKeyReader = (options: RunOptions, apiKey: string | undefined) => (): string => {
  if (apiKey === undefined || apiKey === '') {
    throw new ConfigError(
      `No API key: set ${options.apiKeyEnv}, or pass X-API-KEY in the document`,
    );
  }
  return apiKey;
};

/** Amberflo's wording for Amberflo's sources, a generic one for every other API (classify-by-source.ts). */
const classifierOf = (
  compiled: CompiledDocument,
  named: readonly string[],
  secrets: () => readonly string[],
) => {
  const amberfloSources = amberfloSourcesOf(compiled, named);
  return classifyBySource({
    amberfloSources,
    allAmberflo: compiled.sources
      .filter((source) => source.type === 'openapi')
      .every((source) => amberfloSources.has(source.name)),
    amberflo: createWorkflowFailureClassifier(secrets),
    generic: createGenericClassifier(secrets),
  });
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
  const apiKey = process.env[options.apiKeyEnv];
  // Checks every --server and --api-key-source against the document (exit 2) before anything is sent.
  const keyRoutes = keyRoutesOf(compiled, options.server, options.apiKeySource);
  const http = createRunSend({
    keyRoutes,
    getApiKey: apiKeyReader(options, apiKey),
    timeoutMs: Math.min(10_000, timeoutMs),
  });
  const secrets = (): readonly string[] => [...(apiKey ? [apiKey] : []), ...http.knownSecrets()];
  const { fallback, bySource } = options.server;
  const runner = createWorkflowRunner(compiled, {
    ...(fallback === undefined ? {} : { baseUrl: fallback }),
    servers: bySource,
    send: http.send,
    classify: classifierOf(compiled, options.apiKeySource, secrets),
    secrets,
    maxSteps,
    requestTimeoutMs: Math.min(10_000, timeoutMs),
  });
  const run = await runner.run(options.workflow, inputs, { deadline: Date.now() + timeoutMs });
  console.log(JSON.stringify(run, null, 2));
  return run.status === 'failed' ? EXIT_FAILED : EXIT_OK;
};
