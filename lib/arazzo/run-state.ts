/** The mutable state of one run, and the settings a runner resolved once from its options. */

import type { ServerBase } from './build-request.ts';
import { ArazzoDocumentError } from './errors.ts';
import type { Lookup, WorkflowValues } from './expression.ts';
import type { ClassifyFailure, FailureReason, Send } from './http-port.ts';
import { resolveTokens } from './json-pointer.ts';
import type { PreparedOperationStep, PreparedWorkflow } from './prepare.ts';
import { redactSecrets } from './redact.ts';
import { redactSecretsIn } from './redact-values.ts';
import type { RunFailure, RunResult, StepRecord, TraceEntry } from './run-result.ts';
import type { ServerTable } from './servers.ts';

/** `WorkflowRunnerOptions` with every default applied. */
export type RunnerSettings = {
  /** The server of every operation, by operation key (docs/arazzo.md §12). */
  readonly servers: ServerTable;
  /** Each source description's `url`, for `$sourceDescriptions.<name>.url`. */
  readonly sourceUrls: ReadonlyMap<string, string>;
  readonly send: Send;
  readonly classify: ClassifyFailure;
  readonly maxSteps: number;
  readonly maxRetryWaitMs: number;
  readonly requestTimeoutMs: number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
  readonly maxFailureGotos: number;
  readonly failureGotoBackoffMs: number;
  /** The configured secrets, read once at the start of each run. */
  readonly secrets: () => readonly string[];
};

/** A failed attempt, kept so that a run that gives up later still reports what the server last said. */
export type AttemptFailure = {
  readonly stepId: string;
  /** The step's workflow, when it is not the one the run started. */
  readonly workflowId?: string;
  readonly reason: FailureReason;
  readonly statusCode: number | null;
  readonly bodyText?: string;
  readonly error?: unknown;
  readonly retryAfterMs?: number;
  /** The step's source description (`StepFailure.source`). */
  readonly source?: string;
};

/** A workflow started in a new frame, or why it could not start (nothing of it ran). */
export type Started =
  | { readonly ok: true; readonly result: RunResult }
  | {
      readonly ok: false;
      /** Its inputs break its schema (a step's failure), or the call depth is used up (a stop of the run). */
      readonly why: 'inputs' | 'depth';
      readonly issues: readonly string[];
    };

/** A frame's workflow handing control to another by a goto (docs/arazzo.md §17): it runs in the frame's place. */
export type Transfer = {
  readonly transfer: string;
  /** The step whose goto transfers, for a failure when the target cannot start. */
  readonly stepId: string;
};

/** How a frame's workflow ends: its result, or a transfer to another workflow at the same depth. */
export type FrameEnd = RunResult | Transfer;

/**
 * How one part of the run starts another: a step run by a retry action (`detour`: its goto and end actions are
 * not followed), or a workflow in a new frame below `caller`. Passed in, so the modules do not import each other.
 */
export type Flow = {
  readonly executeStep: (
    frame: Frame,
    index: number,
    detour: boolean,
  ) => Promise<number | FrameEnd>;
  readonly startWorkflow: (
    caller: Frame,
    key: string,
    inputs: Readonly<Record<string, unknown>>,
  ) => Promise<Started>;
};

/** What the whole run shares, whichever workflow is executing (docs/arazzo.md §17). */
export type RunState = {
  readonly settings: RunnerSettings;
  readonly flow: Flow;
  /** Every workflow of the document, by key. */
  readonly workflows: ReadonlyMap<string, PreparedWorkflow>;
  /** The key of the workflow the run started: records name any other workflow. */
  readonly firstKey: string;
  /** The inputs the run was started with: what dependencies run with. */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
  /** Absolute, epoch ms; infinite when the caller set none. */
  readonly deadline: number;
  /** Configured secrets, `format: password` inputs and sensitive header values sent so far. */
  readonly runSecrets: Set<string>;
  /** Inputs and outputs of the workflows that completed (or ended) in this run, by key. */
  readonly completed: Map<string, WorkflowValues>;
  readonly steps: StepRecord[];
  readonly trace: TraceEntry[];
  readonly handledFailures: RunFailure[];
  executions: number;
  failureGotos: number;
  /** The failure of the latest attempt, cleared when a step succeeds: a recovered failure is no cause. */
  lastFailure: AttemptFailure | undefined;
  /** The failure that last sent the flow back by a failure goto: the cause of a loop the step budget ends. */
  lastGotoFailure: AttemptFailure | undefined;
  /**
   * Set when the step budget, the deadline, the abort signal, a refused send or the call depth stopped the run:
   * every frame then ends with this failure, no failure action consulted (docs/arazzo.md §17).
   */
  stopped: RunFailure | undefined;
};

/** One execution of one workflow within a run: the run's first, a called one, a dependency or a goto target. */
export type Frame = {
  readonly run: RunState;
  readonly workflow: PreparedWorkflow;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly stepOutputs: Map<string, Record<string, unknown>>;
  readonly workflowOutputs: Record<string, unknown>;
  /** Retries used per retry action, in this execution. */
  readonly counters: Map<string, number>;
  /** Workflow calls between the run's first workflow and this one: 0 for the first. */
  readonly depth: number;
};

const NEVER_ABORTED = new AbortController().signal;

export const createRunState = (
  settings: RunnerSettings,
  flow: Flow,
  workflows: ReadonlyMap<string, PreparedWorkflow>,
  first: { readonly key: string; readonly inputs: Readonly<Record<string, unknown>> },
  options: { readonly signal?: AbortSignal; readonly deadline?: number },
): RunState => ({
  settings,
  flow,
  workflows,
  firstKey: first.key,
  inputs: first.inputs,
  signal: options.signal ?? NEVER_ABORTED,
  deadline: options.deadline ?? Number.POSITIVE_INFINITY,
  runSecrets: new Set<string>(settings.secrets()),
  completed: new Map(),
  steps: [],
  trace: [],
  handledFailures: [],
  executions: 0,
  failureGotos: 0,
  lastFailure: undefined,
  lastGotoFailure: undefined,
  stopped: undefined,
});

/** A new frame for `workflow` with `inputs` (already validated); its `format: password` inputs become secrets. */
export const createFrame = (
  run: RunState,
  workflow: PreparedWorkflow,
  inputs: Readonly<Record<string, unknown>>,
  depth: number,
): Frame => {
  for (const path of workflow.passwordPaths) {
    const value = resolveTokens(inputs, path);
    if (typeof value === 'string') run.runSecrets.add(value);
  }
  return {
    run,
    workflow,
    inputs,
    stepOutputs: new Map(),
    workflowOutputs: {},
    counters: new Map(),
    depth,
  };
};

/** The expression scope of a frame, before any request: its inputs, step outputs and the completed workflows. */
export const frameScope = (frame: Frame) => {
  const { run, workflow } = frame;
  const { namespace } = workflow;
  // A workflow of an arazzo-type source names its own document's workflows and sources (docs/arazzo.md §17).
  const workflows: Lookup<WorkflowValues> =
    namespace.workflows === ''
      ? run.completed
      : { get: (id) => run.completed.get(`${namespace.workflows}${id}`) };
  const { sourceUrls } = run.settings;
  const sources: Lookup<string> =
    namespace.sources === ''
      ? sourceUrls
      : { get: (name) => sourceUrls.get(`${namespace.sources}${name}`) };
  return {
    inputs: frame.inputs,
    stepOutputs: frame.stepOutputs,
    workflowOutputs: frame.workflowOutputs,
    workflows,
    sourceUrls: sources,
  };
};

/** The workflow key to record on steps, traces and failures: only for a workflow other than the run's first. */
export const nestedKey = (frame: Frame): { workflowId?: string } =>
  frame.workflow.key === frame.run.firstKey ? {} : { workflowId: frame.workflow.key };

/** Removes every secret the run knows of from a text. */
export const redactRun = (run: RunState, text: string): string =>
  run.runSecrets.size === 0 ? text : redactSecrets(text, [...run.runSecrets]);

/** Removes every secret the run knows of from every string of a value: outputs may be objects or arrays. */
export const redactRunValue = (run: RunState, value: unknown): unknown =>
  redactSecretsIn(value, run.runSecrets);

/** The server of the step's operation; the runner resolved one for every operation when it was created. */
export const serverOf = (settings: RunnerSettings, step: PreparedOperationStep): ServerBase => {
  const server = settings.servers.get(step.operation);
  if (server === undefined) {
    throw new ArazzoDocumentError(`No server for operation "${step.operation}"`, [
      `step "${step.stepId}" calls an operation the document does not list`,
    ]);
  }
  return server;
};

/**
 * Marks the run stopped with the failure of `result` (the step budget, the deadline or the signal, a refused send,
 * the call depth): every frame above passes it up without consulting its failure actions (docs/arazzo.md §17).
 */
export const stopRun = (frame: Frame, result: RunResult): RunResult => {
  frame.run.stopped ??= result.failure;
  return result;
};

/**
 * The result, redacted once more when the run ends (docs/arazzo.md §7, §12): a value that became secret in a later
 * frame (a called workflow's password input, a sensitive header) may sit in earlier entries or in the outputs.
 */
export const redactRunResult = (run: RunState, result: RunResult): RunResult => {
  if (run.runSecrets.size === 0) return result;
  // The result's trace and handled failures are the run's own arrays.
  run.trace.forEach((entry, index) => {
    run.trace[index] = { ...entry, path: redactRun(run, entry.path) };
  });
  run.handledFailures.forEach((failure, index) => {
    run.handledFailures[index] = { ...failure, message: redactRun(run, failure.message) };
  });
  const { failure } = result;
  return {
    ...result,
    outputs: redactRunValue(run, result.outputs) as Record<string, unknown>,
    ...(failure === undefined
      ? {}
      : { failure: { ...failure, message: redactRun(run, failure.message) } }),
  };
};
