/** One workflow step, prepared: its operation's path and method, request values, criteria, actions and checks. */
import type {
  CompiledDocument,
  CompiledOperationStep,
  CompiledStep,
  CompiledWorkflowStep,
} from './compiled-document.ts';
import type { DeclaredNames } from './declared-names.ts';
import { compileSchema, type SchemaCheck } from './input-schema.ts';
import { checkPathTemplate, splitPathTemplate } from './path-template.ts';
import { prepareActions } from './prepare-actions.ts';
import { prepareBody } from './prepare-body.ts';
import { prepareCriteria } from './prepare-criteria.ts';
import { prepareOutputs } from './prepare-outputs.ts';
import type {
  PreparedOperationStep,
  PreparedStep,
  PreparedWorkflowStep,
} from './prepared-document.ts';
import { compileValuePlan } from './value-plan.ts';

const prepareResponseChecks = (
  responses: Readonly<Record<string, unknown>> | undefined,
  where: string,
  issues: string[],
): Map<string, SchemaCheck> => {
  const checks = new Map<string, SchemaCheck>();
  for (const [status, schema] of Object.entries(responses ?? {})) {
    try {
      checks.set(status, compileSchema(schema, 'body'));
    } catch (error) {
      issues.push(`${where}/responses/${status}: ${(error as Error).message}`);
    }
  }
  return checks;
};

/** Where a step and its workflow sit: the step's location and the workflow's step ids by position. */
export type StepPlace = {
  readonly where: string;
  readonly stepIndex: ReadonlyMap<string, number>;
  /** Keys of every workflow of the document, for steps and actions that name one. */
  readonly workflowKeys: ReadonlySet<string>;
  /** The workflow's declared names (declared-names.ts), for conditions with dotted names. */
  readonly names?: DeclaredNames;
};

/** A step that calls a workflow reads that workflow's outputs as `$outputs` (docs/arazzo.md §17). */
const calleeNames = (
  compiled: CompiledDocument,
  step: CompiledWorkflowStep,
  names: DeclaredNames | undefined,
): DeclaredNames | undefined => {
  const callee = compiled.workflows.find((workflow) => workflow.key === step.workflow);
  if (names === undefined || callee === undefined) return names;
  return { ...names, workflowOutputNames: new Set(Object.keys(callee.outputs)) };
};

const prepareWorkflowStep = (
  compiled: CompiledDocument,
  step: CompiledWorkflowStep,
  place: StepPlace,
  issues: string[],
): PreparedWorkflowStep => {
  const { where } = place;
  if (!place.workflowKeys.has(step.workflow)) {
    issues.push(`${where}/workflow: unknown workflow "${step.workflow}"`);
  }
  const names = calleeNames(compiled, step, place.names);
  const actions = (list: 'onSuccess' | 'onFailure') =>
    prepareActions(step[list], step.stepId, place, `${where}/${list}`, issues, names);
  return {
    kind: 'workflow',
    stepId: step.stepId,
    workflow: step.workflow,
    parameters: step.parameters.map((parameter, p) => ({
      name: parameter.name,
      plan: compileValuePlan(parameter.value, `${where}/parameters/${p}/value`, issues),
    })),
    successCriteria: prepareCriteria(
      step.successCriteria,
      `${where}/successCriteria`,
      issues,
      names,
    ),
    onSuccess: actions('onSuccess'),
    onFailure: actions('onFailure'),
    outputs: prepareOutputs(step.outputs, `${where}/outputs`, issues),
  };
};

/** Prepares one step against the document's operations and workflows; every problem goes to `issues`. */
export const prepareStep = (
  compiled: CompiledDocument,
  step: CompiledStep,
  place: StepPlace,
  issues: string[],
): PreparedStep =>
  step.kind === 'workflow'
    ? prepareWorkflowStep(compiled, step, place, issues)
    : prepareOperationStep(compiled, step, place, issues);

const prepareOperationStep = (
  compiled: CompiledDocument,
  step: CompiledOperationStep,
  place: StepPlace,
  issues: string[],
): PreparedOperationStep => {
  const { where } = place;
  const operation = compiled.operations[step.operation];
  if (operation === undefined)
    issues.push(`${where}/operation: unknown operation "${step.operation}"`);
  const pathTemplate = operation?.path ?? '/';
  const pathProblem = checkPathTemplate(pathTemplate);
  if (pathProblem !== undefined) issues.push(`${where}/operation: ${pathProblem}`);
  const parameters = step.parameters.map((parameter, p) => ({
    name: parameter.name,
    in: parameter.in,
    plan: compileValuePlan(parameter.value, `${where}/parameters/${p}/value`, issues),
  }));
  const body = prepareBody(step.requestBody, where, issues);
  const actions = (list: 'onSuccess' | 'onFailure') =>
    prepareActions(step[list], step.stepId, place, `${where}/${list}`, issues, place.names);
  return {
    kind: 'operation',
    stepId: step.stepId,
    operation: step.operation,
    source: operation?.source ?? '',
    method: operation?.method ?? 'GET',
    pathParts: splitPathTemplate(pathTemplate) ?? [],
    pathTemplate,
    parameters,
    body,
    successCriteria: prepareCriteria(
      step.successCriteria,
      `${where}/successCriteria`,
      issues,
      place.names,
    ),
    onSuccess: actions('onSuccess'),
    onFailure: actions('onFailure'),
    outputs: prepareOutputs(step.outputs, `${where}/outputs`, issues),
    responseChecks: prepareResponseChecks(operation?.responses, `${where}/operation`, issues),
  };
};
