/** The mutable state of one run, and the settings a runner resolved once from its options. */

import type { ServerBase } from './build-request.ts';
import { ArazzoDocumentError } from './errors.ts';
import type { ClassifyFailure, FailureReason, Send } from './http-port.ts';
import { resolveTokens } from './json-pointer.ts';
import type { PreparedStep, PreparedWorkflow } from './prepare.ts';
import { redactSecrets } from './redact.ts';
import type { RunFailure, StepRecord, TraceEntry } from './run-result.ts';
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
  readonly reason: FailureReason;
  readonly statusCode: number | null;
  readonly bodyText?: string;
  readonly error?: unknown;
  readonly retryAfterMs?: number;
};

export type RunState = {
  readonly settings: RunnerSettings;
  readonly workflow: PreparedWorkflow;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
  /** Absolute, epoch ms; infinite when the caller set none. */
  readonly deadline: number;
  /** Configured secrets, `format: password` inputs and sensitive header values sent so far. */
  readonly runSecrets: Set<string>;
  readonly stepOutputs: Map<string, Record<string, unknown>>;
  readonly workflowOutputs: Record<string, unknown>;
  /** Retries used per retry action. */
  readonly counters: Map<string, number>;
  readonly steps: StepRecord[];
  readonly trace: TraceEntry[];
  readonly handledFailures: RunFailure[];
  executions: number;
  failureGotos: number;
  /** The failure of the latest attempt, cleared when a step succeeds: a recovered failure is no cause. */
  lastFailure: AttemptFailure | undefined;
  /** The failure that last sent the flow back by a failure goto: the cause of a loop the step budget ends. */
  lastGotoFailure: AttemptFailure | undefined;
};

const NEVER_ABORTED = new AbortController().signal;

export const createRunState = (
  settings: RunnerSettings,
  workflow: PreparedWorkflow,
  inputs: Readonly<Record<string, unknown>>,
  options: { readonly signal?: AbortSignal; readonly deadline?: number },
): RunState => {
  const runSecrets = new Set<string>(settings.secrets());
  for (const path of workflow.passwordPaths) {
    const value = resolveTokens(inputs, path);
    if (typeof value === 'string') runSecrets.add(value);
  }
  return {
    settings,
    workflow,
    inputs,
    signal: options.signal ?? NEVER_ABORTED,
    deadline: options.deadline ?? Number.POSITIVE_INFINITY,
    runSecrets,
    stepOutputs: new Map(),
    workflowOutputs: {},
    counters: new Map(),
    steps: [],
    trace: [],
    handledFailures: [],
    executions: 0,
    failureGotos: 0,
    lastFailure: undefined,
    lastGotoFailure: undefined,
  };
};

/** Removes every secret the run knows of from a text. */
export const redactRun = (run: RunState, text: string): string =>
  run.runSecrets.size === 0 ? text : redactSecrets(text, [...run.runSecrets]);

/** The server of the step's operation; the runner resolved one for every operation when it was created. */
export const serverOf = (settings: RunnerSettings, step: PreparedStep): ServerBase => {
  const server = settings.servers.get(step.operation);
  if (server === undefined) {
    throw new ArazzoDocumentError(`No server for operation "${step.operation}"`, [
      `step "${step.stepId}" calls an operation the document does not list`,
    ]);
  }
  return server;
};
