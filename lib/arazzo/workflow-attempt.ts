/**
 * One attempt of a step that calls a workflow (docs/arazzo.md §17): evaluate its parameters into the workflow's
 * inputs, run the workflow in a new frame, and judge the step by its criteria over the workflow's outputs.
 */
import type { AttemptResult } from './attempt.ts';
import { criteriaPass } from './criteria.ts';
import type { ExpressionScope, ResponseView } from './expression.ts';
import type { PreparedWorkflowStep } from './prepare.ts';
import { failRun } from './run-report.ts';
import type { StepRecord } from './run-result.ts';
import { type Frame, frameScope } from './run-state.ts';
import { evaluatePlan } from './value-plan.ts';

/** A workflow step has no HTTP answer: its "response" is empty, with the status of a failure it reports. */
const noAnswer = (statusCode: number | null): ResponseView => ({
  statusCode,
  headers: {},
  body: undefined,
});

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

export const performWorkflowAttempt = async (
  frame: Frame,
  step: PreparedWorkflowStep,
  record: StepRecord,
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
  if (!started.ok) {
    if (started.why === 'inputs') return failed('evaluation', started.issues);
    return { stopped: failRun(frame, step.stepId, 'evaluation', null, { issues: started.issues }) };
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
