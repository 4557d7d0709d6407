/** Success criteria and action criteria (docs/arazzo.md §6): all of a list must hold. */
import { evaluateCondition } from './condition.ts';
import { type ExpressionScope, evaluateExpression, stringifyEmbedded } from './expression.ts';
import { jsonPathMatches } from './jsonpath.ts';
import type { PreparedCriterion } from './prepare.ts';

/** Whether every criterion holds in `scope`; an empty list holds. */
export const criteriaPass = (
  criteria: readonly PreparedCriterion[],
  scope: ExpressionScope,
): boolean => {
  for (const criterion of criteria) {
    if (criterion.kind === 'simple') {
      if (!evaluateCondition(criterion.node, scope)) return false;
      continue;
    }
    const subject = evaluateExpression(criterion.context, scope);
    if (criterion.kind === 'jsonpath') {
      if (!jsonPathMatches(criterion.parts, subject, scope)) return false;
      continue;
    }
    if (subject === undefined || subject === null) return false;
    if (!criterion.regex.test(stringifyEmbedded(subject))) return false;
  }
  return true;
};
