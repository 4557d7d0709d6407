/** One workflow: its inputs schema, the context its expressions are checked against, its steps and outputs. */
import type { CompiledStep, CompiledWorkflow } from '../../../lib/arazzo/compiled-document.ts';
import { inputNamesOf } from '../../../lib/arazzo/declared-names.ts';
import type { JsonSchema } from '../../../lib/arazzo/input-schema.ts';
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import { compileActions } from './actions.ts';
import { componentSection, resolveParameters } from './components.ts';
import { checkId, checkName } from './document-checks.ts';
import { asArray, asRecord, at, type Rec, str } from './document-values.ts';
import { checkValue, type WorkflowContext } from './expression-checks.ts';
import { compileOutputs } from './outputs.ts';
import { resolveInputSchema } from './resolve-schema.ts';
import { type DocumentScope, siteIn, type WorkflowScope } from './scope.ts';
import { compileStep, type WorkflowDefaults } from './step.ts';
import { compileDependsOn } from './workflow-refs.ts';

const compileInputs = (
  workflow: Rec,
  pointer: string,
  scope: DocumentScope,
): { schema: JsonSchema | null; names: ReadonlySet<string> | undefined } => {
  const schema =
    workflow['inputs'] === undefined
      ? null
      : (resolveInputSchema(
          workflow['inputs'],
          at(pointer, 'inputs'),
          componentSection(scope.components, 'inputs'),
          scope.issues,
        ) as JsonSchema);
  const names = inputNamesOf(schema);
  for (const name of names ?? []) {
    checkName(name, 'input', at(pointer, 'inputs', 'properties', name), scope.issues);
  }
  return { schema, names };
};

const checkStepIds = (stepIds: readonly string[], pointer: string, scope: DocumentScope): void => {
  const { issues } = scope;
  stepIds.forEach((stepId, index) => {
    checkId(stepId, 'stepId', at(pointer, 'steps', index, 'stepId'), scope);
    if (stepIds.indexOf(stepId) !== index) {
      issues.push({
        pointer: at(pointer, 'steps', index, 'stepId'),
        message: `duplicate stepId "${stepId}"`,
      });
    }
  });
};

const contextOf = (
  steps: readonly Rec[],
  stepIds: readonly string[],
  inputNames: ReadonlySet<string> | undefined,
  workflowOutputs: Rec,
  workflows: DocumentScope['localWorkflows'],
): WorkflowContext => ({
  workflows,
  stepIds,
  stepOutputs: new Map(
    steps.map((step) => [
      str(step['stepId']) ?? '',
      new Set(isRecord(step['outputs']) ? Object.keys(step['outputs']) : []),
    ]),
  ),
  inputNames,
  workflowOutputNames: new Set(Object.keys(workflowOutputs)),
});

/** The parameters and actions every step inherits; workflow-level actions are checked as if after the last step. */
const compileDefaults = (
  workflow: Rec,
  stepCount: number,
  scope: WorkflowScope,
): WorkflowDefaults => {
  const { pointer } = scope;
  const parameters = resolveParameters(workflow['parameters'], at(pointer, 'parameters'), scope);
  const site = siteIn(scope, 'request', 0);
  for (const parameter of parameters) {
    checkValue(parameter.value['value'], at(parameter.pointer, 'value'), site);
  }
  return {
    parameters,
    successActions: compileActions(workflow, 'successActions', pointer, scope, stepCount),
    failureActions: compileActions(workflow, 'failureActions', pointer, scope, stepCount),
  };
};

/** A local workflow reads the document's own names as they are (docs/arazzo.md §17). */
const LOCAL_NAMESPACE = { workflows: '', sources: '' } as const;

/**
 * Compiles the local workflow at `index` (its key is its workflowId). Duplicate workflowIds and dependsOn cycles
 * are the document's concern.
 */
export const compileWorkflow = (
  workflow: Rec,
  index: number,
  scope: DocumentScope,
): CompiledWorkflow => {
  const pointer = at('', 'workflows', index);
  const dependsOn = compileDependsOn(workflow, pointer, scope);
  const inputs = compileInputs(workflow, pointer, scope);
  const steps = asArray(workflow['steps']).filter(isRecord);
  const stepIds = steps.map((step) => str(step['stepId']) ?? '');
  checkStepIds(stepIds, pointer, scope);
  const workflowOutputs = asRecord(workflow['outputs']);
  const context = contextOf(steps, stepIds, inputs.names, workflowOutputs, scope.localWorkflows);
  const workflowScope: WorkflowScope = { ...scope, pointer, context };
  const defaults = compileDefaults(workflow, steps.length, workflowScope);
  const compiledSteps = steps.flatMap((step, s): CompiledStep[] => {
    const compiled = compileStep(step, s, workflowScope, defaults);
    return compiled === undefined ? [] : [compiled];
  });
  const outputs = compileOutputs(
    workflowOutputs,
    at(pointer, 'outputs'),
    siteIn(workflowScope, 'workflowOutput', steps.length),
  );
  const summary = str(workflow['summary']);
  const workflowId = str(workflow['workflowId']) ?? '';
  return {
    key: workflowId,
    workflowId,
    local: true,
    namespace: LOCAL_NAMESPACE,
    dependsOn,
    ...(summary === undefined ? {} : { summary }),
    inputs: inputs.schema,
    steps: compiledSteps,
    outputs,
  };
};
