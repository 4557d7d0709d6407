/**
 * Runs a prepared workflow (docs/arazzo.md §2, §6, §7, §12): builds each request from the document, sends it through the
 * injected `Send`, judges it with the step's criteria and follows the actions. API failures come back as a
 * `RunResult` with status `failed`; only invalid inputs, an unknown workflow or a bug throw.
 */
import type { CompiledDocument } from './compiled-document.ts';
import { ArazzoDocumentError, ArazzoInputError } from './errors.ts';
import type { ClassifyFailure, Send } from './http-port.ts';
import { isRecord } from './is-record.ts';
import { type PreparedDocument, type PreparedWorkflow, prepareDocument } from './prepare.ts';
import { runWorkflow } from './run-frame.ts';
import type { RunResult } from './run-result.ts';
import type { RunnerSettings } from './run-state.ts';
import { resolveServers } from './servers.ts';
import { defaultSleep } from './sleep.ts';

export type {
  EndAction,
  RunFailure,
  RunResult,
  StepOutcome,
  StepRecord,
  TraceEntry,
} from './run-result.ts';
export { failureGotoBackoffMs } from './select-action.ts';

export type WorkflowRunnerOptions = {
  /**
   * The server of every source without its own entry in `servers`: a request goes to `baseUrl + path template`,
   * and only there. Without it (and without `servers[name]`), a source's requests go to the first server its
   * description declares (docs/arazzo.md §12).
   */
  readonly baseUrl?: string;
  /** The server of each source by name; wins over `baseUrl` for that source. */
  readonly servers?: Readonly<Record<string, string>>;
  readonly send: Send;
  readonly classify: ClassifyFailure;
  /**
   * Step executions per run, retries included, in every workflow the run executes (called workflows, dependencies,
   * goto targets). Default 100.
   */
  readonly maxSteps?: number;
  /**
   * Cap on a wait the server asks for (`Retry-After`, before a retry or a failure goto) and on the failure-goto
   * backoff. Default 10 000 ms. A document's own `retryAfter` is waited in full (docs/arazzo.md §6), within the
   * deadline.
   */
  readonly maxRetryWaitMs?: number;
  /** Per-request timeout, further capped by the deadline. Default 10 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Values redacted from the trace, failure messages and outputs (for example the API key). */
  readonly secrets?: readonly string[] | (() => readonly string[]);
  /** Test seam for retry waits; must resolve early when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Test seam for the clock (epoch ms). */
  readonly now?: () => number;
  /** Test seam for the backoff jitter: uniform in [0, 1). */
  readonly random?: () => number;
  /**
   * Failure actions of type `goto` one run may take after a transient failure (no answer, 408, 429, 5xx: a failed
   * write going back to its read). Past it, the run fails with the failed answer's classification. Default 3.
   */
  readonly maxFailureGotos?: number;
  /**
   * Wait before such a goto when the answer names no Retry-After: base × 2^(n−1) for the n-th of the run, capped at
   * `maxRetryWaitMs`, jittered down by up to half. Default 500 ms. A goto after a definite answer (another 4xx, a
   * 2xx failing its criteria) neither waits nor counts.
   */
  readonly failureGotoBackoffMs?: number;
};

export type RunOptions = {
  /** Aborts the run (for example middy's early-timeout signal). */
  readonly signal?: AbortSignal;
  /** Absolute deadline, epoch ms. A retry wait that would pass it fails the run with reason `deadline`. */
  readonly deadline?: number;
};

export type WorkflowRunner = {
  /**
   * Runs one workflow. Throws ArazzoInputError (with `issues`) for invalid inputs before any request, and
   * ArazzoDocumentError for an unknown workflow; every API failure is a `failed` result instead.
   */
  readonly run: (
    workflowId: string,
    inputs: Readonly<Record<string, unknown>>,
    options?: RunOptions,
  ) => Promise<RunResult>;
  readonly workflowIds: readonly string[];
};

const settingsOf = (
  prepared: PreparedDocument,
  options: WorkflowRunnerOptions,
): RunnerSettings => ({
  servers: resolveServers(prepared.sources, prepared.operations, options),
  sourceUrls: new Map(prepared.sources.map((source) => [source.name, source.url])),
  send: options.send,
  classify: options.classify,
  maxSteps: options.maxSteps ?? 100,
  maxRetryWaitMs: options.maxRetryWaitMs ?? 10_000,
  requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
  sleep: options.sleep ?? defaultSleep,
  now: options.now ?? Date.now,
  random: options.random ?? Math.random,
  maxFailureGotos: options.maxFailureGotos ?? 3,
  failureGotoBackoffMs: options.failureGotoBackoffMs ?? 500,
  secrets: () =>
    typeof options.secrets === 'function' ? options.secrets() : (options.secrets ?? []),
});

/** The local workflows: the ones a run may start with. */
const localIds = (prepared: PreparedDocument): string[] =>
  [...prepared.workflows.values()].filter((each) => each.local).map((each) => each.workflowId);

/**
 * Checks the run's inputs against the workflows they go to before anything is sent: the workflow's schema, and the
 * schema of every workflow it depends on, directly or not (dependencies run with the run's inputs, §17).
 */
const checkRunInputs = (
  prepared: PreparedDocument,
  workflow: PreparedWorkflow,
  inputs: Readonly<Record<string, unknown>>,
  issues: string[],
): void => {
  workflow.validateInputs(inputs, '', issues);
  const seen = new Set([workflow.key]);
  const pending = [...workflow.dependsOn];
  // Bounded: each workflow key is expanded once.
  for (let key = pending.shift(); key !== undefined; key = pending.shift()) {
    const dependency = prepared.workflows.get(key);
    if (seen.has(key) || dependency === undefined) continue;
    seen.add(key);
    const found: string[] = [];
    dependency.validateInputs(inputs, '', found);
    issues.push(...found.map((issue) => `dependsOn ${key}: ${issue}`));
    pending.push(...dependency.dependsOn);
  }
};

/** The workflow to run, after its inputs passed its schema; throws before any request otherwise. */
const checkedWorkflow = (
  prepared: PreparedDocument,
  workflowId: string,
  inputs: unknown,
): PreparedWorkflow => {
  const workflow = prepared.workflows.get(workflowId);
  if (workflow === undefined || !workflow.local) {
    throw new ArazzoDocumentError(`Unknown workflow "${workflowId}"`, [
      `known workflows: ${localIds(prepared).join(', ')}`,
    ]);
  }
  if (!isRecord(inputs)) {
    throw new ArazzoInputError('Workflow inputs must be an object', ['inputs: must be object']);
  }
  const issues: string[] = [];
  checkRunInputs(prepared, workflow, inputs, issues);
  if (issues.length > 0) {
    throw new ArazzoInputError(`Workflow inputs are invalid (${issues.length} problems)`, issues);
  }
  return workflow;
};

/**
 * Creates a runner for a compiled (or already prepared) document. Preparation happens here, once: keep the runner
 * at module scope. Throws ArazzoDocumentError when the document cannot be prepared, a configured server is not
 * http(s), or a source a step uses has no usable server.
 */
export const createWorkflowRunner = (
  document: CompiledDocument | PreparedDocument,
  options: WorkflowRunnerOptions,
): WorkflowRunner => {
  const prepared = 'prepared' in document ? document : prepareDocument(document);
  const settings = settingsOf(prepared, options);
  return {
    workflowIds: localIds(prepared),
    run: async (workflowId, inputs, runOptions = {}) => {
      const workflow = checkedWorkflow(prepared, workflowId, inputs);
      return runWorkflow(settings, prepared.workflows, workflow, inputs, runOptions);
    },
  };
};
