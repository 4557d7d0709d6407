/** A step's onSuccess / onFailure actions, with goto targets resolved to step indexes once. */
import type { CompiledAction } from './compiled-document.ts';
import type { DeclaredNames } from './declared-names.ts';
import { prepareCriteria } from './prepare-criteria.ts';
import type { PreparedAction } from './prepared-document.ts';

/** The workflow's step ids by position, and the keys of every workflow of the document. */
type ActionPlace = {
  readonly stepIndex: ReadonlyMap<string, number>;
  readonly workflowKeys: ReadonlySet<string>;
};

/** Reports a goto or retry target that does not exist; `target` is the index of its step, or -1. */
const checkTarget = (
  action: CompiledAction,
  target: number,
  place: ActionPlace,
  where: string,
  issues: string[],
): void => {
  if (action.type === 'end') return;
  if (action.workflowId !== undefined) {
    if (!place.workflowKeys.has(action.workflowId)) {
      issues.push(`${where}/workflowId: unknown workflow "${action.workflowId}"`);
    }
    return;
  }
  if (target === -1 && (action.type === 'goto' || action.stepId !== undefined)) {
    issues.push(`${where}/stepId: unknown step "${String(action.stepId)}"`);
  }
};

/**
 * Prepares one action list of the step `stepId` (at `where`); goto and retry targets are resolved to step indexes
 * (or checked as workflow keys), and one that does not exist is reported in `issues`.
 */
export const prepareActions = (
  actions: readonly CompiledAction[],
  stepId: string,
  place: ActionPlace,
  where: string,
  issues: string[],
  names?: DeclaredNames,
): PreparedAction[] =>
  actions.map((action, a) => {
    const aWhere = `${where}/${a}`;
    const target =
      action.stepId === undefined || action.type === 'end'
        ? -1
        : (place.stepIndex.get(action.stepId) ?? -1);
    checkTarget(action, target, place, aWhere, issues);
    const workflow = action.type === 'end' ? undefined : action.workflowId;
    return {
      name: action.name,
      type: action.type,
      target,
      targetId: workflow ?? action.stepId ?? '',
      workflow,
      retryAfterMs: Math.round((action.retryAfter ?? 0) * 1000),
      retryLimit: action.retryLimit ?? 1,
      criteria: prepareCriteria(action.criteria, `${aWhere}/criteria`, issues, names),
      counterKey: `${stepId}\u0000${action.name}`,
    };
  });
