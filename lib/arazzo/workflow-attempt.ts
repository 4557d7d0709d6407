/**
 * One attempt of a step that calls a workflow (docs/arazzo.md §17): evaluate its parameters into the workflow's
 * inputs, run the workflow in a new frame, and judge the step by its criteria over the workflow's outputs.
 */
import { type AttemptResult, noAnswer } from './attempt.ts';
import { criteriaPass } from './criteria.ts';
import type { ExpressionScope } from './expression.ts';
import type { PreparedWorkflowStep } from './prepare.ts';
import { failRun, finishRun } from './run-report.ts';
import type { StepRecord } from './run-result.ts';
import { type Frame, frameScope, stopRun } from './run-state.ts';
import { evaluatePlan } from './value-plan.ts';

/** The called workflow's inputs; absent values are left out, as in payloads (docs/arazzo.md §4). */
const inputsOf = (
  step: PreparedWorkflowStep,
  scope: ExpressionScope,
  errors: string[],
): Record<string, unknown> => {
  const inputs: Record<string, unknown> = {};
  for (const parameter of step.parameters) {
    const value = evaluatePlan(parameter.plan, scope, errors);
    if (value !== undefined) inputs[parameter.name] = value;
  }
  return inputs;
};

/**
 * Runs the called workflow once. A stop of the run inside it (step budget, deadline, signal, refused send, call
 * depth) ends this frame too, with no failure action consulted (docs/arazzo.md §17).
 */
export const performWorkflowAttempt = async (
  frame: Frame,
  step: PreparedWorkflowStep,
  record: StepRecord,
  executionStarted: number,
): Promise<AttemptResult> => {
  const { run } = frame;
  run.executions += 1;
  record.attempts += 1;
  const startedAt = run.settings.now();
  const base = frameScope(frame);
  const errors: string[] = [];
  const inputs = inputsOf(step, base, errors);
  const failed = (reason: 'evaluation', issues: readonly string[]): AttemptResult => ({
    attempt: {
      startedAt,
      built: undefined,
      response: noAnswer(null),
      reason,
      schemaIssues: issues,
      scope: base,
      succeeded: false,
    },
  });
  if (errors.length > 0) return failed('evaluation', errors);
  const started = await run.flow.startWorkflow(frame, step.workflow, inputs);
  if (!started.ok && started.why === 'inputs') return failed('evaluation', started.issues);
  if (!started.ok || run.stopped !== undefined) {
    record.ms = run.settings.now() - executionStarted;
    record.statusCode = started.ok ? (started.result.failure?.statusCode ?? null) : null;
    const stopped = started.ok
      ? finishRun(frame, 'failed', run.stopped)
      : failRun(frame, step.stepId, 'evaluation', null, { issues: started.issues });
    return { stopped: stopRun(frame, stopped) };
  }
  const { result } = started;
  // The step's criteria, outputs and actions see the called workflow's outputs as `$outputs`.
  const scope: ExpressionScope = { ...base, workflowOutputs: result.outputs };
  const statusCode = result.failure?.statusCode ?? null;
  record.statusCode = statusCode;
  const succeeded = result.status !== 'failed' && criteriaPass(step.successCriteria, scope);
  record.succeeded = succeeded;
  const attempt = { startedAt, built: undefined, response: noAnswer(statusCode), scope, succeeded };
  return {
    attempt: {
      ...attempt,
      reason: result.failure?.reason,
      ...(result.failure === undefined ? {} : { innerFailure: result.failure }),
    },
  };
};
