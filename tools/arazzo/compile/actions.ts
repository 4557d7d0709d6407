/** Success and failure actions (`end`, `goto`, `retry`) of steps and workflows, and how a step inherits them. */
import type { CompiledAction } from '../../../lib/arazzo/compiled-document.ts';
import { resolveReusable } from './components.ts';
import { compileCriteria } from './criterion.ts';
import { asArray, at, type Rec, str } from './document-values.ts';
import type { WorkflowScope } from './scope.ts';
import { checkWorkflowRef } from './workflow-refs.ts';

type ActionSection = 'successActions' | 'failureActions';

const isRunnable = (type: string | undefined): type is CompiledAction['type'] =>
  type === 'end' || type === 'goto' || type === 'retry';

/**
 * Checks the target of a goto or retry: a step of this workflow or a workflow of the document (docs/arazzo.md §17),
 * never both. A retry may name neither (it re-runs the step); a goto must name one.
 */
const checkTarget = (action: Rec, where: string, scope: WorkflowScope): void => {
  const type = str(action['type']);
  if (type !== 'goto' && type !== 'retry') return;
  const stepId = str(action['stepId']);
  const workflowId = str(action['workflowId']);
  if (stepId !== undefined && workflowId !== undefined) {
    scope.issues.push({ pointer: where, message: 'stepId and workflowId are mutually exclusive' });
  }
  if (stepId !== undefined && !scope.context.stepIds.includes(stepId)) {
    scope.issues.push({
      pointer: at(where, 'stepId'),
      message: `${type} target "${stepId}" does not exist`,
    });
  }
  if (workflowId !== undefined) checkWorkflowRef(workflowId, at(where, 'workflowId'), scope);
  if (type === 'goto' && stepId === undefined && workflowId === undefined) {
    scope.issues.push({ pointer: where, message: 'goto needs a stepId or a workflowId' });
  }
};

/** The action's goto or retry target, as written. */
const targetOf = (action: Rec): Pick<CompiledAction, 'stepId' | 'workflowId'> => {
  const stepId = str(action['stepId']);
  const workflowId = str(action['workflowId']);
  return {
    ...(stepId === undefined ? {} : { stepId }),
    ...(workflowId === undefined ? {} : { workflowId }),
  };
};

const compileAction = (
  action: Rec,
  type: CompiledAction['type'],
  where: string,
  from: CompiledAction['from'],
  scope: WorkflowScope,
  currentStep: number,
): CompiledAction => {
  const targets = type === 'end' ? {} : targetOf(action);
  const criteria = compileCriteria(action['criteria'], at(where, 'criteria'), scope, currentStep);
  const retryAfter = action['retryAfter'];
  const retryLimit = action['retryLimit'];
  return {
    name: str(action['name']) ?? '',
    type,
    ...targets,
    ...(type === 'retry' && typeof retryAfter === 'number' ? { retryAfter } : {}),
    ...(type === 'retry' && typeof retryLimit === 'number' ? { retryLimit } : {}),
    criteria,
    from,
  };
};

/** The four places actions are written, with the component section they may reference and who owns them. */
const ACTION_FIELDS = {
  onSuccess: { section: 'successActions', from: 'step' },
  onFailure: { section: 'failureActions', from: 'step' },
  successActions: { section: 'successActions', from: 'workflow' },
  failureActions: { section: 'failureActions', from: 'workflow' },
} as const satisfies Record<string, { section: ActionSection; from: CompiledAction['from'] }>;

/**
 * Compiles the action list in `owner[field]` (a step or a workflow at `ownerPointer`), resolving component
 * references. Actions of other types are checked and dropped; `currentStep` is the step the actions run after (the
 * step count for workflow-level actions).
 */
export const compileActions = (
  owner: Rec,
  field: keyof typeof ACTION_FIELDS,
  ownerPointer: string,
  scope: WorkflowScope,
  currentStep: number,
): CompiledAction[] => {
  const { section, from } = ACTION_FIELDS[field];
  const pointer = at(ownerPointer, field);
  const names = new Set<string>();
  const result: CompiledAction[] = [];
  asArray(owner[field]).forEach((item, index) => {
    const where = at(pointer, index);
    const action = resolveReusable(item, where, section, scope);
    if (action === undefined) return;
    const name = str(action['name']) ?? '';
    if (names.has(name))
      scope.issues.push({ pointer: where, message: `duplicate action name "${name}"` });
    names.add(name);
    checkTarget(action, where, scope);
    const type = str(action['type']);
    if (!isRunnable(type)) return;
    if (section === 'successActions' && type === 'retry') {
      scope.issues.push({ pointer: at(where, 'type'), message: 'retry is not a success action' });
    }
    result.push(compileAction(action, type, where, from, scope, currentStep));
  });
  return result;
};

/** Step actions first; inherited ones only when the step does not redefine the name (docs/arazzo.md §6). */
export const mergeActions = (
  own: readonly CompiledAction[],
  inherited: readonly CompiledAction[],
): CompiledAction[] => {
  const names = new Set(own.map((action) => action.name));
  return [...own, ...inherited.filter((action) => !names.has(action.name))];
};
