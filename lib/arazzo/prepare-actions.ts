/** A step's onSuccess / onFailure actions, with goto targets resolved to step indexes once. */
import type { CompiledAction } from './compiled-document.ts';
import type { DeclaredNames } from './declared-names.ts';
import { prepareCriteria } from './prepare-criteria.ts';
import type { PreparedAction } from './prepared-document.ts';

/**
 * Prepares one action list of the step `stepId` (at `where`); `stepIndex` maps the workflow's step ids to their
 * positions, and a goto to a step not in it is reported in `issues`.
 */
export const prepareActions = (
  actions: readonly CompiledAction[],
  stepId: string,
  stepIndex: ReadonlyMap<string, number>,
  where: string,
  issues: string[],
  names?: DeclaredNames,
): PreparedAction[] =>
  actions.map((action, a) => {
    const aWhere = `${where}/${a}`;
    const target = action.stepId === undefined ? -1 : (stepIndex.get(action.stepId) ?? -1);
    if (action.type === 'goto' && target === -1) {
      issues.push(`${aWhere}/stepId: unknown step "${String(action.stepId)}"`);
    }
    return {
      name: action.name,
      type: action.type,
      target,
      targetId: action.stepId ?? '',
      retryAfterMs: Math.round((action.retryAfter ?? 0) * 1000),
      retryLimit: action.retryLimit ?? 1,
      criteria: prepareCriteria(action.criteria, `${aWhere}/criteria`, issues, names),
      counterKey: `${stepId}\u0000${action.name}`,
    };
  });
