/** One workflow step: its operation, request, success criteria, actions and outputs. */
import type {
  CompiledAction,
  CompiledOperationStep,
  CompiledStep,
} from '../../../lib/arazzo/compiled-document.ts';
import { compileActions, mergeActions } from './actions.ts';
import { type ResolvedParameter, resolveParameters } from './components.ts';
import { compileCriteria } from './criterion.ts';
import { asArray, at, type Rec, str } from './document-values.ts';
import { checkValue } from './expression-checks.ts';
import type { IndexedOperation } from './operation-index.ts';
import { compileOutputs } from './outputs.ts';
import { siteIn, type WorkflowScope } from './scope.ts';
import { resolveStepOperation } from './step-operation.ts';
import { checkPathParameters, compileRequestBody, mergeParameters } from './step-request.ts';
import { compileWorkflowStep } from './workflow-step.ts';

/** What a step inherits from its workflow. */
export type WorkflowDefaults = {
  readonly parameters: readonly ResolvedParameter[];
  readonly successActions: readonly CompiledAction[];
  readonly failureActions: readonly CompiledAction[];
};

/** Compiles a step's onSuccess and onFailure, each followed by the workflow-level actions it does not redefine. */
export type StepActionsCompiler = (
  step: Rec,
  pointer: string,
  index: number,
  scope: WorkflowScope,
  defaults: WorkflowDefaults,
) => Pick<CompiledStep, 'onSuccess' | 'onFailure'>;

const compileStepActions: StepActionsCompiler = (step, pointer, index, scope, defaults) => ({
  onSuccess: mergeActions(
    compileActions(step, 'onSuccess', pointer, scope, index),
    defaults.successActions,
  ),
  onFailure: mergeActions(
    compileActions(step, 'onFailure', pointer, scope, index),
    defaults.failureActions,
  ),
});

/** The step's parameters (its own over the workflow's) and request body, checked against its operation. */
const compileRequest = (
  step: Rec,
  pointer: string,
  index: number,
  scope: WorkflowScope,
  given: { readonly defaults: WorkflowDefaults; readonly operation: IndexedOperation | undefined },
): Pick<CompiledOperationStep, 'parameters' | 'requestBody'> => {
  const { defaults, operation } = given;
  const request = siteIn(scope, 'request', index);
  const stepParameters = resolveParameters(step['parameters'], at(pointer, 'parameters'), scope);
  for (const parameter of stepParameters) {
    checkValue(parameter.value['value'], at(parameter.pointer, 'value'), request);
  }
  const parameters = mergeParameters(defaults.parameters, stepParameters);
  if (operation !== undefined) checkPathParameters(operation, parameters, pointer, scope.issues);
  const requestBody = compileRequestBody(
    step['requestBody'],
    operation,
    at(pointer, 'requestBody'),
    request,
  );
  return { parameters, ...(requestBody === undefined ? {} : { requestBody }) };
};

/**
 * Compiles the step at `index` of the workflow: an operation step, or a step that calls a workflow
 * (`workflow-step.ts`). An operation step without success criteria gets a warning: any 2xx then succeeds.
 */
export const compileStep = (
  step: Rec,
  index: number,
  scope: WorkflowScope,
  defaults: WorkflowDefaults,
): CompiledStep | undefined => {
  const pointer = at(scope.pointer, 'steps', index);
  if (step['workflowId'] !== undefined) {
    return compileWorkflowStep(step, index, scope, defaults, compileStepActions);
  }
  const resolved = resolveStepOperation(step, pointer, scope);
  const { parameters, requestBody } = compileRequest(step, pointer, index, scope, {
    defaults,
    operation: resolved?.operation,
  });
  const rawCriteria = asArray(step['successCriteria']);
  if (rawCriteria.length === 0) {
    scope.warnings.push({ pointer, message: 'no successCriteria: any 2xx succeeds' });
  }
  const successCriteria = compileCriteria(
    rawCriteria,
    at(pointer, 'successCriteria'),
    scope,
    index,
  );
  const { onSuccess, onFailure } = compileStepActions(step, pointer, index, scope, defaults);
  const outputs = compileOutputs(
    step['outputs'],
    at(pointer, 'outputs'),
    siteIn(scope, 'response', index),
  );
  return {
    kind: 'operation',
    stepId: str(step['stepId']) ?? '',
    operation: resolved?.key ?? '',
    parameters,
    ...(requestBody === undefined ? {} : { requestBody }),
    successCriteria,
    onSuccess,
    onFailure,
    outputs,
  };
};
