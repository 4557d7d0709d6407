/** Success criteria and action criteria, parsed and compiled once (conditions, regexes, JSONPath queries). */
import type { CompiledCriterion } from './compiled-document.ts';
import { parseCondition, parseOperand } from './condition.ts';
import type { DeclaredNames } from './declared-names.ts';
import { type Expression, parseTemplate } from './expression.ts';
import { jsonPathQueryOf } from './jsonpath.ts';
import type { PreparedCriterion } from './prepared-document.ts';

/** The expression a regex or JSONPath criterion applies to; undefined (with an issue) when it does not parse. */
const prepareContext = (
  criterion: CompiledCriterion,
  where: string,
  issues: string[],
  names: DeclaredNames | undefined,
): Expression | undefined => {
  const context = parseOperand(criterion.context ?? '', names);
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
  const query = jsonPathQueryOf(template?.parts ?? [criterion.condition]);
  if (!query.ok) {
    issues.push(`${where}/condition: ${query.error}`);
    return undefined;
  }
  return { kind: 'jsonpath', parts: query.parts, context, source: criterion.condition };
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
  names: DeclaredNames | undefined,
): PreparedCriterion | undefined => {
  if (criterion.type === 'jsonpath' || criterion.type === 'regex') {
    const context = prepareContext(criterion, where, issues, names);
    if (context === undefined) return undefined;
    return criterion.type === 'jsonpath'
      ? prepareJsonPath(criterion, context, where, issues)
      : prepareRegex(criterion, context, where, issues);
  }
  const parsed = parseCondition(criterion.condition, names);
  if (!parsed.ok) {
    issues.push(`${where}/condition: ${parsed.error}`);
    return undefined;
  }
  return { kind: 'simple', node: parsed.node, source: criterion.condition };
};

/**
 * Prepares a criteria list; a criterion that fails to parse is left out and reported in `issues`. `names` are the
 * workflow's declarations, which decide where a dotted input or output name ends in a condition.
 */
export const prepareCriteria = (
  criteria: readonly CompiledCriterion[] | undefined,
  where: string,
  issues: string[],
  names?: DeclaredNames,
): PreparedCriterion[] =>
  (criteria ?? []).flatMap((criterion, index) => {
    const prepared = prepareCriterion(criterion, `${where}/${index}`, issues, names);
    return prepared === undefined ? [] : [prepared];
  });
