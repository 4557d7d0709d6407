/** Request values pre-parsed at cold start (docs/arazzo.md §13), and their evaluation against a run's scope. */
import {
  type Expression,
  type ExpressionScope,
  evaluateExpression,
  parseExpression,
  parseTemplate,
  renderTemplate,
  type TemplatePart,
} from './expression.ts';
import { isRecord } from './is-record.ts';
import { FORBIDDEN_KEYS } from './json-pointer.ts';

/** A payload, parameter or replacement value, pre-parsed. */
export type ValuePlan =
  | { readonly k: 'lit'; readonly v: unknown }
  | { readonly k: 'expr'; readonly e: Expression }
  | { readonly k: 'tpl'; readonly parts: readonly TemplatePart[]; readonly text: string }
  | { readonly k: 'obj'; readonly entries: readonly (readonly [string, ValuePlan])[] }
  | { readonly k: 'arr'; readonly items: readonly ValuePlan[] };

/** A string is one expression (`$...`), a template with embedded `{$...}`, or a literal. */
const compileStringPlan = (value: string, where: string, issues: string[]): ValuePlan => {
  if (value.startsWith('$')) {
    const parsed = parseExpression(value);
    if (parsed.ok) return { k: 'expr', e: parsed.expression };
    issues.push(`${where}: ${parsed.error}`);
    return { k: 'lit', v: value };
  }
  const template = parseTemplate(value);
  if (template === undefined) return { k: 'lit', v: value };
  if (!template.ok) {
    issues.push(`${where}: ${template.error}`);
    return { k: 'lit', v: value };
  }
  return { k: 'tpl', parts: template.parts, text: value };
};

/**
 * Pre-parses a value: a string that is one expression, a string with embedded `{$...}`, a literal, or a structure
 * of those. Literal subtrees are kept by reference (no copies).
 */
export const compileValuePlan = (value: unknown, where: string, issues: string[]): ValuePlan => {
  if (typeof value === 'string') return compileStringPlan(value, where, issues);
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileValuePlan(item, `${where}/${index}`, issues));
    return items.every((item) => item.k === 'lit') ? { k: 'lit', v: value } : { k: 'arr', items };
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).map(([key, item]) => {
      if (FORBIDDEN_KEYS.has(key)) issues.push(`${where}/${key}: forbidden key "${key}"`);
      return [key, compileValuePlan(item, `${where}/${key}`, issues)] as const;
    });
    return entries.every(([, item]) => item.k === 'lit')
      ? { k: 'lit', v: value }
      : { k: 'obj', entries };
  }
  return { k: 'lit', v: value };
};

/**
 * Evaluates a plan: expressions keep their type, absent object members and array elements are dropped, and an
 * absent value embedded in a string records an error in `errors` (the step then fails before any request).
 */
export const evaluatePlan = (
  plan: ValuePlan,
  scope: ExpressionScope,
  errors: string[],
): unknown => {
  switch (plan.k) {
    case 'lit':
      return plan.v;
    case 'expr':
      return evaluateExpression(plan.e, scope);
    case 'tpl': {
      const text = renderTemplate(plan.parts, scope);
      if (text === undefined) errors.push(`absent value embedded in "${plan.text}"`);
      return text;
    }
    case 'arr': {
      const result: unknown[] = [];
      for (const item of plan.items) {
        const value = evaluatePlan(item, scope, errors);
        if (value !== undefined) result.push(value);
      }
      return result;
    }
    default: {
      const result: Record<string, unknown> = {};
      for (const [key, item] of plan.entries) {
        const value = evaluatePlan(item, scope, errors);
        if (value !== undefined) result[key] = value;
      }
      return result;
    }
  }
};
