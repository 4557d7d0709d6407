/**
 * A run and the workflow executions in it (docs/arazzo.md §6, §17): the first workflow runs in frame 0; a step that
 * calls a workflow, a dependency, a goto to a workflow and a retry's workflow each run in a new frame below it,
 * sharing the run's budget, deadline, signal, transport, trace and secrets.
 */
import type { PreparedWorkflow } from './prepare.ts';
import { executeStep } from './run-loop.ts';
import { classifyStepFailure, finishRun } from './run-report.ts';
import type { RunResult } from './run-result.ts';
import {
  createFrame,
  createRunState,
  type Flow,
  type Frame,
  type RunnerSettings,
  type Started,
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
      return finishRun(frame, 'failed', failure);
    }
    if (started.result.status === 'failed') {
      return finishRun(frame, 'failed', started.result.failure);
    }
  }
  return undefined;
};

/** Runs a frame's workflow: its dependencies, then its steps from the first. */
const runFrame = async (frame: Frame): Promise<RunResult> => {
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

/** Starts the workflow `key` below `caller` after checking its inputs against its schema and the call depth. */
const startWorkflow = async (
  caller: Frame,
  key: string,
  inputs: Readonly<Record<string, unknown>>,
): Promise<Started> => {
  const workflow = caller.run.workflows.get(key);
  // Prepared documents name only workflows they hold; this guards a hand-made one.
  if (workflow === undefined) return { ok: false, why: 'depth', issues: [`no workflow "${key}"`] };
  if (caller.depth + 1 > MAX_CALL_DEPTH) {
    const issue = `calling workflow "${key}" would nest more than ${MAX_CALL_DEPTH} workflow calls`;
    return { ok: false, why: 'depth', issues: [issue] };
  }
  const issues: string[] = [];
  workflow.validateInputs(inputs, '', issues);
  if (issues.length > 0) {
    const named = issues.map((issue) => `workflow "${key}": ${issue}`);
    return { ok: false, why: 'inputs', issues: named };
  }
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
  const run = createRunState(settings, FLOW, workflows, inputs, options);
  return runFrame(createFrame(run, workflow, inputs, 0));
};
