/**
 * Success and action criteria: `simple` conditions are parsed, `regex` ones compiled, `jsonpath` queries checked
 * (the typed form `type: {type: jsonpath, version}` too); XPath, plain or typed, is refused. Criteria are evaluated
 * after a response, so their expressions may use it.
 */
import type { CompiledCriterion } from '../../../lib/arazzo/compiled-document.ts';
import {
  type ConditionNode,
  type Operand,
  parseCondition,
  parseOperand,
} from '../../../lib/arazzo/condition.ts';
import { parseTemplate } from '../../../lib/arazzo/expression.ts';
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import { JSONPATH_VERSIONS, jsonPathQueryOf } from '../../../lib/arazzo/jsonpath.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { asArray, at, str } from './document-values.ts';
import { checkReferences, type ExpressionSite } from './expression-checks.ts';
import { siteIn, type WorkflowScope } from './scope.ts';

type CriterionParts = {
  readonly condition: string;
  readonly contextText: string | undefined;
  readonly pointer: string;
  readonly site: ExpressionSite;
  readonly warnings: DocumentIssue[];
};

const conditionOperands = (node: ConditionNode): Operand[] => {
  switch (node.t) {
    case 'or':
    case 'and':
      return node.items.flatMap(conditionOperands);
    case 'not':
      return conditionOperands(node.item);
    case 'cmp':
      return [node.left, node.right];
    default:
      return [node.value];
  }
};

/**
 * A jsonpath or regex criterion tests the value its `context` expression names, so it needs one: any runtime
 * expression, optionally navigated like a condition operand (`$response.body.items`).
 */
const checkedContext = (type: 'jsonpath' | 'regex', parts: CriterionParts): string | undefined => {
  const { contextText, pointer, site } = parts;
  if (contextText === undefined) {
    site.issues.push({ pointer, message: `a ${type} criterion needs a "context"` });
    return undefined;
  }
  const parsed = parseOperand(contextText, site.context);
  if (parsed.ok) checkReferences(parsed.expression, at(pointer, 'context'), site);
  else site.issues.push({ pointer: at(pointer, 'context'), message: parsed.error });
  return contextText;
};

const compileJsonPath = (parts: CriterionParts): CompiledCriterion | undefined => {
  const { condition, pointer, site } = parts;
  const contextText = checkedContext('jsonpath', parts);
  if (contextText === undefined) return undefined;
  const template = parseTemplate(condition);
  if (template !== undefined && !template.ok) {
    site.issues.push({ pointer: at(pointer, 'condition'), message: template.error });
    return undefined;
  }
  for (const part of template?.parts ?? []) {
    if (typeof part !== 'string') checkReferences(part, at(pointer, 'condition'), site);
  }
  const query = jsonPathQueryOf(template?.parts ?? [condition]);
  if (!query.ok) {
    site.issues.push({ pointer: at(pointer, 'condition'), message: query.error });
    return undefined;
  }
  return { condition, type: 'jsonpath', context: contextText };
};

/** XPath (any version) cannot be evaluated: refused by name before anything is sent (docs/arazzo.md §5.4). */
const refuseXPath = (version: string | undefined, parts: CriterionParts): undefined => {
  const { contextText, pointer, site } = parts;
  const which = version === undefined ? 'XPath' : `XPath (${version})`;
  site.issues.push({
    pointer: at(pointer, 'type'),
    message: `${which} criteria are not supported: write the check as a simple, regex or jsonpath criterion`,
  });
  if (contextText === undefined) {
    site.issues.push({ pointer, message: 'an xpath criterion needs a "context"' });
  }
  return undefined;
};

/** The Criterion Expression Type Object: jsonpath in a version we evaluate with RFC 9535, else an issue. */
const compileTyped = (type: Record<string, unknown>, parts: CriterionParts) => {
  const version = str(type['version']);
  if (type['type'] === 'xpath') return refuseXPath(version, parts);
  if (type['type'] !== 'jsonpath') {
    parts.site.issues.push({
      pointer: at(parts.pointer, 'type', 'type'),
      message: `criterion expression type "${String(type['type'])}" is not supported (jsonpath only)`,
    });
    return undefined;
  }
  if (version === undefined || !JSONPATH_VERSIONS.includes(version)) {
    parts.site.issues.push({
      pointer: at(parts.pointer, 'type', 'version'),
      message: `jsonpath version "${String(type['version'])}" is not supported (supported: ${JSONPATH_VERSIONS.join(', ')})`,
    });
    return undefined;
  }
  return compileJsonPath(parts);
};

const compileRegex = (parts: CriterionParts): CompiledCriterion | undefined => {
  const { condition, pointer, site } = parts;
  const contextText = checkedContext('regex', parts);
  if (contextText === undefined) return undefined;
  if (condition.includes('{$')) {
    site.issues.push({
      pointer: at(pointer, 'condition'),
      message: 'embedded expressions in regex conditions are not supported',
    });
  }
  try {
    new RegExp(condition, 'u');
  } catch (error) {
    site.issues.push({
      pointer: at(pointer, 'condition'),
      message: `regex does not compile: ${(error as Error).message}`,
    });
  }
  return { condition, type: 'regex', context: contextText };
};

const compileSimple = (parts: CriterionParts): CompiledCriterion | undefined => {
  const { condition, contextText, pointer, site, warnings } = parts;
  if (contextText !== undefined) {
    warnings.push({
      pointer: at(pointer, 'context'),
      message: 'context is ignored on a simple condition',
    });
  }
  const parsed = parseCondition(condition, site.context);
  if (!parsed.ok) {
    site.issues.push({ pointer: at(pointer, 'condition'), message: `condition: ${parsed.error}` });
    return undefined;
  }
  for (const operand of conditionOperands(parsed.node)) {
    if (operand.t === 'expr') checkReferences(operand.expr, at(pointer, 'condition'), site);
  }
  return { condition, type: 'simple' };
};

const compileByType = (type: unknown, parts: CriterionParts): CompiledCriterion | undefined => {
  if (type === 'jsonpath') return compileJsonPath(parts);
  if (isRecord(type)) return compileTyped(type, parts);
  if (type === 'xpath') return refuseXPath(undefined, parts);
  if (type === 'regex') return compileRegex(parts);
  return compileSimple(parts);
};

/** Compiles one Criterion Object; `undefined` when it is not an object or cannot be evaluated. */
export const compileCriterion = (
  criterion: unknown,
  pointer: string,
  scope: WorkflowScope,
  currentStep: number,
): CompiledCriterion | undefined => {
  if (!isRecord(criterion)) return undefined;
  return compileByType(criterion['type'], {
    condition: str(criterion['condition']) ?? '',
    contextText: str(criterion['context']),
    pointer,
    site: siteIn(scope, 'response', currentStep),
    warnings: scope.warnings,
  });
};

/** Compiles a list of criteria, dropping those that cannot be evaluated (each has been reported). */
export const compileCriteria = (
  list: unknown,
  pointer: string,
  scope: WorkflowScope,
  currentStep: number,
): CompiledCriterion[] =>
  asArray(list).flatMap((criterion, index) => {
    const compiled = compileCriterion(criterion, at(pointer, index), scope, currentStep);
    return compiled === undefined ? [] : [compiled];
  });
