/**
 * A step that calls a workflow (docs/arazzo.md §17): its parameters become the called workflow's inputs (by name,
 * `in` ignored), and its criteria, outputs and actions read that workflow's outputs as `$outputs`.
 */
import type { CompiledWorkflowStep } from '../../../lib/arazzo/compiled-document.ts';
import { type ResolvedParameter, resolveParameters } from './components.ts';
import { compileCriteria } from './criterion.ts';
import { at, type Rec, str } from './document-values.ts';
import { checkValue } from './expression-checks.ts';
import { compileOutputs } from './outputs.ts';
import { siteIn, type WorkflowInfo, type WorkflowScope } from './scope.ts';
import type { StepActionsCompiler, WorkflowDefaults } from './step.ts';
import { checkWorkflowRef } from './workflow-refs.ts';

/**
 * The step's own parameters, then the workflow-level ones the called workflow declares as inputs and the step does
 * not set (a workflow-level header parameter is for operations, not an input of every called workflow).
 */
const calleeInputs = (
  own: readonly ResolvedParameter[],
  defaults: WorkflowDefaults,
  info: WorkflowInfo | undefined,
): CompiledWorkflowStep['parameters'] => {
  const names = new Set(own.map((parameter) => str(parameter.value['name']) ?? ''));
  const inherited = defaults.parameters.filter((parameter) => {
    const name = str(parameter.value['name']) ?? '';
    return !names.has(name) && info?.inputNames?.has(name) === true;
  });
  return [...own, ...inherited].map((parameter) => ({
    name: str(parameter.value['name']) ?? '',
    value: parameter.value['value'],
  }));
};

const checkParameters = (
  own: readonly ResolvedParameter[],
  key: string,
  info: WorkflowInfo | undefined,
  site: ReturnType<typeof siteIn>,
): void => {
  for (const parameter of own) {
    const name = str(parameter.value['name']) ?? '';
    if (info?.inputNames !== undefined && !info.inputNames.has(name)) {
      site.issues.push({
        pointer: at(parameter.pointer, 'name'),
        message: `workflow "${key}" declares no input "${name}"`,
      });
    }
    checkValue(parameter.value['value'], at(parameter.pointer, 'value'), site);
  }
};

export const compileWorkflowStep = (
  step: Rec,
  index: number,
  workflowScope: WorkflowScope,
  defaults: WorkflowDefaults,
  compileStepActions: StepActionsCompiler,
): CompiledWorkflowStep => {
  const pointer = at(workflowScope.pointer, 'steps', index);
  const key = str(step['workflowId']) ?? '';
  const info = checkWorkflowRef(key, at(pointer, 'workflowId'), workflowScope);
  if (step['requestBody'] !== undefined) {
    workflowScope.issues.push({
      pointer: at(pointer, 'requestBody'),
      message: 'requestBody is not allowed on a step that calls a workflow',
    });
  }
  const own = resolveParameters(step['parameters'], at(pointer, 'parameters'), workflowScope, true);
  checkParameters(own, key, info, siteIn(workflowScope, 'workflowCall', index));
  const scope: WorkflowScope = { ...workflowScope, callee: { outputNames: info?.outputNames } };
  const successCriteria = compileCriteria(
    step['successCriteria'],
    at(pointer, 'successCriteria'),
    scope,
    index,
  );
  const { onSuccess, onFailure } = compileStepActions(step, pointer, index, scope, defaults);
  return {
    kind: 'workflow',
    stepId: str(step['stepId']) ?? '',
    workflow: key,
    parameters: calleeInputs(own, defaults, info),
    successCriteria,
    onSuccess,
    onFailure,
    outputs: compileOutputs(
      step['outputs'],
      at(pointer, 'outputs'),
      siteIn(scope, 'response', index),
    ),
  };
};
