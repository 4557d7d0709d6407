/**
 * A run and the workflow executions in it (docs/arazzo.md §6, §17): the first workflow runs in frame 0; a step that
 * calls a workflow, a dependency and a retry's workflow each run in a new frame below it, sharing the run's budget,
 * deadline, signal, transport, trace and secrets. A goto to a workflow is a one-way transfer: the target takes the
 * frame's place at the same depth, so a polling loop of gotos is bounded by the step budget, not by the depth.
 */
import { ArazzoDocumentError } from './errors.ts';
import type { PreparedWorkflow } from './prepare.ts';
import { executeStep } from './run-loop.ts';
import { classifyStepFailure, failRun, finishRun } from './run-report.ts';
import type { RunResult } from './run-result.ts';
import {
  createFrame,
  createRunState,
  type Flow,
  type Frame,
  type FrameEnd,
  type RunnerSettings,
  redactRunResult,
  type Started,
  stopRun,
  type Transfer,
} from './run-state.ts';

/** Workflow calls one run may nest: a document that recurses without end fails clearly instead. */
export const MAX_CALL_DEPTH = 16;

/** Runs, in order, each dependency of the frame's workflow not yet completed in the run, with the run's inputs. */
const runDependencies = async (frame: Frame): Promise<RunResult | undefined> => {
  const { run } = frame;
  for (const key of frame.workflow.dependsOn) {
    if (run.completed.has(key)) continue;
    const started = await run.flow.startWorkflow(frame, key, run.inputs);
    if (!started.ok) {
      const failure = classifyStepFailure(frame, '', 'evaluation', null, {
        issues: started.issues,
      });
      const result = finishRun(frame, 'failed', failure);
      return started.why === 'depth' ? stopRun(frame, result) : result;
    }
    if (started.result.status === 'failed') {
      return finishRun(frame, 'failed', started.result.failure);
    }
  }
  return undefined;
};

/** Runs a frame's workflow: its dependencies, then its steps from the first, until it ends or transfers. */
const runSteps = async (frame: Frame): Promise<FrameEnd> => {
  const stopped = await runDependencies(frame);
  if (stopped !== undefined) return stopped;
  const { steps } = frame.workflow;
  let index = 0;
  // Bounded: every pass either returns or counts at least one step execution against maxSteps.
  while (index < steps.length) {
    const next = await executeStep(frame, index, false);
    if (typeof next !== 'number') return next;
    index = next;
  }
  return finishRun(frame, 'completed');
};

/** The workflow `key`; prepared documents name only workflows they hold, so a miss is a hand-made document's bug. */
const workflowOf = (frame: Frame, key: string): PreparedWorkflow => {
  const workflow = frame.run.workflows.get(key);
  if (workflow === undefined) {
    throw new ArazzoDocumentError(`No workflow "${key}"`, [
      `workflow "${frame.workflow.key}" refers to a workflow the document does not hold`,
    ]);
  }
  return workflow;
};

/** The inputs' problems against the workflow's schema, each naming the workflow. */
const inputIssues = (
  workflow: PreparedWorkflow,
  inputs: Readonly<Record<string, unknown>>,
): string[] => {
  const issues: string[] = [];
  workflow.validateInputs(inputs, '', issues);
  return issues.map((issue) => `workflow "${workflow.key}": ${issue}`);
};

/** The frame the transfer's target runs in (same depth, the transferring frame's inputs), or the failure. */
const enter = (frame: Frame, transfer: Transfer): Frame | RunResult => {
  const workflow = workflowOf(frame, transfer.transfer);
  const issues = inputIssues(workflow, frame.inputs);
  if (issues.length > 0) return failRun(frame, transfer.stepId, 'evaluation', null, { issues });
  return createFrame(frame.run, workflow, frame.inputs, frame.depth);
};

/**
 * Ends the workflows that transferred, newest first, with the final status (their outputs over what they had); a
 * workflow keeps, in `$workflows`, the values of its latest execution. The first one's result is the chain's.
 */
const concludeChain = (chain: readonly Frame[], last: RunResult, lastKey: string): RunResult => {
  const latest = new Set([lastKey]);
  let result = last;
  for (const frame of [...chain].reverse()) {
    const { completed } = frame.run;
    const key = frame.workflow.key;
    const kept = latest.has(key) ? completed.get(key) : undefined;
    result = finishRun(frame, last.status, last.failure, last.endAction);
    if (kept !== undefined) completed.set(key, kept);
    latest.add(key);
  }
  return result;
};

/** Runs a frame's workflow and, in its place, each workflow a goto transfers to. */
const runFrame = async (first: Frame): Promise<RunResult> => {
  const chain: Frame[] = [];
  let frame = first;
  // Bounded: each transfer follows a step execution, counted against maxSteps.
  for (;;) {
    const end = await runSteps(frame);
    if (!('transfer' in end)) return concludeChain(chain, end, frame.workflow.key);
    const next = enter(frame, end);
    if (!('workflow' in next)) return concludeChain(chain, next, frame.workflow.key);
    chain.push(frame);
    frame = next;
  }
};

/** Starts the workflow `key` below `caller` after checking its inputs against its schema and the call depth. */
const startWorkflow = async (
  caller: Frame,
  key: string,
  inputs: Readonly<Record<string, unknown>>,
): Promise<Started> => {
  const workflow = workflowOf(caller, key);
  if (caller.depth + 1 > MAX_CALL_DEPTH) {
    const issue = `calling workflow "${key}" would nest more than ${MAX_CALL_DEPTH} workflow calls`;
    return { ok: false, why: 'depth', issues: [issue] };
  }
  const issues = inputIssues(workflow, inputs);
  if (issues.length > 0) return { ok: false, why: 'inputs', issues };
  const frame = createFrame(caller.run, workflow, inputs, caller.depth + 1);
  return { ok: true, result: await runFrame(frame) };
};

const FLOW: Flow = { executeStep, startWorkflow };

/** Runs `workflow` (inputs already validated) as the run's first workflow. */
export const runWorkflow = async (
  settings: RunnerSettings,
  workflows: ReadonlyMap<string, PreparedWorkflow>,
  workflow: PreparedWorkflow,
  inputs: Readonly<Record<string, unknown>>,
  options: { readonly signal?: AbortSignal; readonly deadline?: number },
): Promise<RunResult> => {
  const run = createRunState(settings, FLOW, workflows, { key: workflow.key, inputs }, options);
  const result = await runFrame(createFrame(run, workflow, inputs, 0));
  return redactRunResult(run, result);
};
