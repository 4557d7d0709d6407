/**
 * Cold-start preparation of a compiled document (docs/arazzo.md §13): every expression, template and condition is
 * parsed once, every regex compiled once, and the inputs validator built once. Runs never parse anything.
 */
import {
  COMPILED_FORMAT,
  type CompiledDocument,
  type CompiledWorkflow,
} from './compiled-document.ts';
import { declaredNamesOf } from './declared-names.ts';
import { ArazzoDocumentError } from './errors.ts';
import { compileSchema, findPasswordPaths, type SchemaCheck } from './input-schema.ts';
import { isRecord } from './is-record.ts';
import { prepareOutputs } from './prepare-outputs.ts';
import { prepareStep } from './prepare-step.ts';
import type { PreparedDocument, PreparedWorkflow } from './prepared-document.ts';

// The pieces of preparation other modules use, still reachable from here where they always were.
export { checkPathTemplate, splitPathTemplate } from './path-template.ts';
export { bodyEncodingOf } from './prepare-body.ts';
export type {
  PreparedAction,
  PreparedCriterion,
  PreparedDocument,
  PreparedOperationStep,
  PreparedStep,
  PreparedWorkflow,
  PreparedWorkflowStep,
} from './prepared-document.ts';
export { evaluatePlan } from './value-plan.ts';

const prepareInputsCheck = (
  workflow: CompiledWorkflow,
  wWhere: string,
  issues: string[],
): SchemaCheck => {
  try {
    return compileSchema(workflow.inputs ?? true);
  } catch (error) {
    issues.push(`${wWhere}/inputs: ${(error as Error).message}`);
    return () => undefined;
  }
};

const prepareWorkflow = (
  compiled: CompiledDocument,
  workflow: CompiledWorkflow,
  wWhere: string,
  issues: string[],
): PreparedWorkflow => {
  const stepIndex = new Map(workflow.steps.map((step, index) => [step.stepId, index]));
  const workflowKeys = new Set(compiled.workflows.map((each) => each.key));
  const names = declaredNamesOf(workflow, compiled.workflows);
  const steps = workflow.steps.map((step, s) =>
    prepareStep(
      compiled,
      step,
      { where: `${wWhere}/steps/${s}`, stepIndex, workflowKeys, names },
      issues,
    ),
  );
  workflow.dependsOn.forEach((key, d) => {
    if (!workflowKeys.has(key)) issues.push(`${wWhere}/dependsOn/${d}: unknown workflow "${key}"`);
  });
  return {
    key: workflow.key,
    workflowId: workflow.workflowId,
    local: workflow.local,
    namespace: workflow.namespace,
    dependsOn: workflow.dependsOn,
    validateInputs: prepareInputsCheck(workflow, wWhere, issues),
    passwordPaths: findPasswordPaths(workflow.inputs),
    steps,
    outputs: prepareOutputs(workflow.outputs, `${wWhere}/outputs`, issues),
  };
};

/**
 * Prepares a compiled document once per container. Throws ArazzoDocumentError (with `issues`) when the
 * JSON is not a compiled document of this format or anything in it fails to parse.
 */
export const prepareDocument = (compiled: CompiledDocument): PreparedDocument => {
  const issues: string[] = [];
  const raw: unknown = compiled;
  const { format, workflows: rawWorkflows, sources } = isRecord(raw) ? raw : {};
  if (format !== COMPILED_FORMAT || !Array.isArray(rawWorkflows) || !Array.isArray(sources)) {
    throw new ArazzoDocumentError(
      `Not a compiled Arazzo document (expected format ${COMPILED_FORMAT})`,
      ['/format: missing or unsupported; rebuild with `npm run workflows:build`'],
    );
  }
  const workflows = new Map<string, PreparedWorkflow>();
  compiled.workflows.forEach((workflow, w) => {
    // Two workflows under one key would let one replace the other: the build checked one, a run would run the other.
    if (workflows.has(workflow.key)) {
      issues.push(`/workflows/${w}/key: duplicate workflow key "${workflow.key}"`);
      return;
    }
    workflows.set(workflow.key, prepareWorkflow(compiled, workflow, `/workflows/${w}`, issues));
  });
  if (issues.length > 0) {
    throw new ArazzoDocumentError(
      `Compiled workflow document is invalid (${issues.length} problems)`,
      issues,
    );
  }
  return {
    prepared: true,
    sources: compiled.sources,
    operations: compiled.operations,
    workflows,
  };
};
