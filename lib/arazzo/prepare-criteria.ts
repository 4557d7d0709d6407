/** Success criteria and action criteria, parsed and compiled once (conditions, regexes, JSONPath queries). */
import type { CompiledCriterion } from './compiled-document.ts';
import { parseCondition } from './condition.ts';
import { type Expression, parseExpression, parseTemplate } from './expression.ts';
import { checkJsonPathQuery } from './jsonpath.ts';
import type { PreparedCriterion } from './prepared-document.ts';

/** The expression a regex or JSONPath criterion applies to; undefined (with an issue) when it does not parse. */
const prepareContext = (
  criterion: CompiledCriterion,
  where: string,
  issues: string[],
): Expression | undefined => {
  const context = parseExpression(criterion.context ?? '');
  if (context.ok) return context.expression;
  issues.push(`${where}/context: ${context.error}`);
  return undefined;
};

const prepareJsonPath = (
  criterion: CompiledCriterion,
  context: Expression,
  where: string,
  issues: string[],
): PreparedCriterion | undefined => {
  const template = parseTemplate(criterion.condition);
  if (template !== undefined && !template.ok) {
    issues.push(`${where}/condition: ${template.error}`);
    return undefined;
  }
  const parts = template?.parts ?? [criterion.condition];
  const problem = checkJsonPathQuery(parts);
  if (problem !== undefined) {
    issues.push(`${where}/condition: ${problem}`);
    return undefined;
  }
  return { kind: 'jsonpath', parts, context, source: criterion.condition };
};

const prepareRegex = (
  criterion: CompiledCriterion,
  context: Expression,
  where: string,
  issues: string[],
): PreparedCriterion | undefined => {
  try {
    const regex = new RegExp(criterion.condition, 'u');
    return { kind: 'regex', regex, context, source: criterion.condition };
  } catch (error) {
    issues.push(`${where}/condition: regex does not compile: ${(error as Error).message}`);
    return undefined;
  }
};

const prepareCriterion = (
  criterion: CompiledCriterion,
  where: string,
  issues: string[],
): PreparedCriterion | undefined => {
  if (criterion.type === 'jsonpath' || criterion.type === 'regex') {
    const context = prepareContext(criterion, where, issues);
    if (context === undefined) return undefined;
    return criterion.type === 'jsonpath'
      ? prepareJsonPath(criterion, context, where, issues)
      : prepareRegex(criterion, context, where, issues);
  }
  const parsed = parseCondition(criterion.condition);
  if (!parsed.ok) {
    issues.push(`${where}/condition: ${parsed.error}`);
    return undefined;
  }
  return { kind: 'simple', node: parsed.node, source: criterion.condition };
};

/** Prepares a criteria list; a criterion that fails to parse is left out and reported in `issues`. */
export const prepareCriteria = (
  criteria: readonly CompiledCriterion[] | undefined,
  where: string,
  issues: string[],
): PreparedCriterion[] =>
  (criteria ?? []).flatMap((criterion, index) => {
    const prepared = prepareCriterion(criterion, `${where}/${index}`, issues);
    return prepared === undefined ? [] : [prepared];
  });
