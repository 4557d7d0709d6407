/** One workflow step, prepared: its operation's path and method, request values, criteria, actions and checks. */
import type { CompiledDocument, CompiledStep } from './compiled-document.ts';
import type { DeclaredNames } from './declared-names.ts';
import { compileSchema, type SchemaCheck } from './input-schema.ts';
import { checkPathTemplate, splitPathTemplate } from './path-template.ts';
import { prepareActions } from './prepare-actions.ts';
import { prepareBody } from './prepare-body.ts';
import { prepareCriteria } from './prepare-criteria.ts';
import { prepareOutputs } from './prepare-outputs.ts';
import type { PreparedStep } from './prepared-document.ts';
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
  /** The workflow's declared names (declared-names.ts), for conditions with dotted names. */
  readonly names?: DeclaredNames;
};

/** Prepares one step against the document's operations; every problem goes to `issues`. */
export const prepareStep = (
  compiled: CompiledDocument,
  step: CompiledStep,
  { where, stepIndex, names }: StepPlace,
  issues: string[],
): PreparedStep => {
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
    prepareActions(step[list], step.stepId, stepIndex, `${where}/${list}`, issues, names);
  return {
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
      names,
    ),
    onSuccess: actions('onSuccess'),
    onFailure: actions('onFailure'),
    outputs: prepareOutputs(step.outputs, `${where}/outputs`, issues),
    responseChecks: prepareResponseChecks(operation?.responses, `${where}/operation`, issues),
  };
};
