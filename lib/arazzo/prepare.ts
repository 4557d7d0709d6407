/**
 * Cold-start preparation of a compiled document (docs/arazzo.md §13): every expression, template and condition is
 * parsed once, every regex compiled once, and the inputs validator built once. Runs never parse anything.
 */
import {
  COMPILED_FORMAT,
  type CompiledAction,
  type CompiledCriterion,
  type CompiledDocument,
  type HttpMethod,
} from './compiled-document.ts';
import { type ConditionNode, parseCondition } from './condition.ts';
import { ArazzoDocumentError } from './errors.ts';
import {
  type Expression,
  type ExpressionScope,
  evaluateExpression,
  parseExpression,
  parseTemplate,
  renderTemplate,
  type TemplatePart,
} from './expression.ts';
import { compileSchema, findPasswordPaths, type SchemaCheck } from './input-schema.ts';
import { isRecord } from './is-record.ts';
import { FORBIDDEN_KEYS, parseJsonPointer } from './json-pointer.ts';
import { checkJsonPathQuery, type JsonPathParts } from './jsonpath.ts';

/** A payload, parameter or replacement value, pre-parsed. */
export type ValuePlan =
  | { readonly k: 'lit'; readonly v: unknown }
  | { readonly k: 'expr'; readonly e: Expression }
  | { readonly k: 'tpl'; readonly parts: readonly TemplatePart[]; readonly text: string }
  | { readonly k: 'obj'; readonly entries: readonly (readonly [string, ValuePlan])[] }
  | { readonly k: 'arr'; readonly items: readonly ValuePlan[] };

export type PreparedCriterion =
  | { readonly kind: 'simple'; readonly node: ConditionNode; readonly source: string }
  | {
      readonly kind: 'regex';
      readonly regex: RegExp;
      readonly context: Expression;
      readonly source: string;
    }
  | {
      readonly kind: 'jsonpath';
      readonly parts: JsonPathParts;
      readonly context: Expression;
      readonly source: string;
    };

export type PreparedAction = {
  readonly name: string;
  readonly type: 'end' | 'goto' | 'retry';
  /** Index of the goto target in the workflow's steps. */
  readonly target: number;
  readonly targetId: string;
  readonly retryAfterMs: number;
  readonly retryLimit: number;
  readonly criteria: readonly PreparedCriterion[];
  /** Counter key: step and action name, so a goto does not reset it. */
  readonly counterKey: string;
};

export type PreparedParameter = {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly plan: ValuePlan;
};

export type PreparedBody = {
  readonly contentType: string;
  readonly encoding: 'json' | 'form' | 'text';
  readonly plan: ValuePlan | undefined;
  readonly replacements: readonly {
    readonly tokens: readonly string[];
    readonly plan: ValuePlan;
  }[];
};

export type PreparedStep = {
  readonly stepId: string;
  readonly method: HttpMethod;
  /** The path template split into literal text and `{name}` parameter slots. */
  readonly pathParts: readonly (string | { readonly param: string })[];
  readonly pathTemplate: string;
  readonly parameters: readonly PreparedParameter[];
  readonly body: PreparedBody | undefined;
  readonly successCriteria: readonly PreparedCriterion[];
  readonly onSuccess: readonly PreparedAction[];
  readonly onFailure: readonly PreparedAction[];
  readonly outputs: readonly (readonly [string, Expression])[];
  /** Validators of the documented success bodies, by status key (`200`, `2XX`). */
  readonly responseChecks: ReadonlyMap<string, SchemaCheck>;
};

export type PreparedWorkflow = {
  readonly workflowId: string;
  readonly validateInputs: SchemaCheck;
  /** Input locations (token lists) holding secrets (`format: password`). */
  readonly passwordPaths: readonly (readonly string[])[];
  readonly steps: readonly PreparedStep[];
  readonly outputs: readonly (readonly [string, Expression])[];
};

/** A compiled document ready to run: what `createWorkflowRunner` works on. */
export type PreparedDocument = {
  readonly prepared: true;
  readonly workflows: ReadonlyMap<string, PreparedWorkflow>;
};

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json(\s*;.*)?$/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded(\s*;.*)?$/i;
const TEXT_TYPE = /^text\/plain(\s*;.*)?$/i;

/** Classifies a request content type; undefined for one the interpreter cannot encode. */
export const bodyEncodingOf = (contentType: string): 'json' | 'form' | 'text' | undefined => {
  if (JSON_TYPE.test(contentType)) return 'json';
  if (FORM_TYPE.test(contentType)) return 'form';
  if (TEXT_TYPE.test(contentType)) return 'text';
  return undefined;
};

/** Splits `/a/{id}/b` into literal and parameter parts; undefined when braces are unbalanced. */
export const splitPathTemplate = (
  template: string,
): (string | { readonly param: string })[] | undefined => {
  const parts: (string | { param: string })[] = [];
  const re = /\{([^{}]+)\}/g;
  let last = 0;
  for (const match of template.matchAll(re)) {
    if (match.index > last) parts.push(template.slice(last, match.index));
    parts.push({ param: match[1] ?? '' });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  if (parts.some((part) => typeof part === 'string' && /[{}]/.test(part))) return undefined;
  return parts;
};

/** Refuses absolute URLs, `//` and `..` so a request can only reach the configured server (docs/arazzo.md §12). */
export const checkPathTemplate = (template: string): string | undefined => {
  if (!template.startsWith('/')) return `path "${template}" must start with "/"`;
  if (template.includes('//')) return `path "${template}" must not contain "//"`;
  if (/(^|\/)\.\.?(\/|$)/.test(template))
    return `path "${template}" must not contain "." or ".." segments`;
  if (/[?#\\]/.test(template)) return `path "${template}" must not contain "?", "#" or "\\"`;
  return undefined;
};

/**
 * Pre-parses a value: a string that is one expression, a string with embedded `{$...}`, a literal, or a structure
 * of those. Literal subtrees are kept by reference (no copies).
 */
export const compileValuePlan = (value: unknown, where: string, issues: string[]): ValuePlan => {
  if (typeof value === 'string') {
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
  }
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

const prepareCriterion = (
  criterion: CompiledCriterion,
  where: string,
  issues: string[],
): PreparedCriterion | undefined => {
  if (criterion.type === 'jsonpath') {
    const context = parseExpression(criterion.context ?? '');
    if (!context.ok) {
      issues.push(`${where}/context: ${context.error}`);
      return undefined;
    }
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
    return { kind: 'jsonpath', parts, context: context.expression, source: criterion.condition };
  }
  if (criterion.type === 'regex') {
    const context = parseExpression(criterion.context ?? '');
    if (!context.ok) {
      issues.push(`${where}/context: ${context.error}`);
      return undefined;
    }
    try {
      const regex = new RegExp(criterion.condition, 'u');
      return { kind: 'regex', regex, context: context.expression, source: criterion.condition };
    } catch (error) {
      issues.push(`${where}/condition: regex does not compile: ${(error as Error).message}`);
      return undefined;
    }
  }
  const parsed = parseCondition(criterion.condition);
  if (!parsed.ok) {
    issues.push(`${where}/condition: ${parsed.error}`);
    return undefined;
  }
  return { kind: 'simple', node: parsed.node, source: criterion.condition };
};

const prepareCriteria = (
  criteria: readonly CompiledCriterion[] | undefined,
  where: string,
  issues: string[],
): PreparedCriterion[] =>
  (criteria ?? []).flatMap((criterion, index) => {
    const prepared = prepareCriterion(criterion, `${where}/${index}`, issues);
    return prepared === undefined ? [] : [prepared];
  });

const prepareOutputs = (
  outputs: Readonly<Record<string, string>> | undefined,
  where: string,
  issues: string[],
): (readonly [string, Expression])[] =>
  Object.entries(outputs ?? {}).flatMap(([name, text]) => {
    const parsed = parseExpression(String(text));
    if (!parsed.ok) {
      issues.push(`${where}/${name}: ${parsed.error}`);
      return [];
    }
    return [[name, parsed.expression] as const];
  });

const prepareResponseChecks = (
  responses: Readonly<Record<string, unknown>> | undefined,
  where: string,
  issues: string[],
): Map<string, SchemaCheck> => {
  const checks = new Map<string, SchemaCheck>();
  for (const [status, schema] of Object.entries(responses ?? {})) {
    try {
      checks.set(status, compileSchema(schema, 'body'));
    } catch (error) {
      issues.push(`${where}/responses/${status}: ${(error as Error).message}`);
    }
  }
  return checks;
};

/**
 * Prepares a compiled document once per container. Throws ArazzoDocumentError (with `issues`) when the
 * JSON is not a compiled document of this format or anything in it fails to parse.
 */
export const prepareDocument = (compiled: CompiledDocument): PreparedDocument => {
  const issues: string[] = [];
  const raw: unknown = compiled;
  const { format, workflows: rawWorkflows } = isRecord(raw) ? raw : {};
  if (format !== COMPILED_FORMAT || !Array.isArray(rawWorkflows)) {
    throw new ArazzoDocumentError(
      `Not a compiled Arazzo document (expected format ${COMPILED_FORMAT})`,
      ['/format: missing or unsupported; rebuild with `npm run workflows:build`'],
    );
  }
  const workflows = new Map<string, PreparedWorkflow>();
  compiled.workflows.forEach((workflow, w) => {
    const wWhere = `/workflows/${w}`;
    const stepIndex = new Map(workflow.steps.map((step, index) => [step.stepId, index]));
    const steps = workflow.steps.map((step, s): PreparedStep => {
      const where = `${wWhere}/steps/${s}`;
      const operation = compiled.operations[step.operation];
      if (operation === undefined)
        issues.push(`${where}/operation: unknown operation "${step.operation}"`);
      const pathTemplate = operation?.path ?? '/';
      const pathProblem = checkPathTemplate(pathTemplate);
      if (pathProblem !== undefined) issues.push(`${where}/operation: ${pathProblem}`);
      const pathParts = splitPathTemplate(pathTemplate) ?? [];
      const parameters = step.parameters.map((parameter, p) => ({
        name: parameter.name,
        in: parameter.in,
        plan: compileValuePlan(parameter.value, `${where}/parameters/${p}/value`, issues),
      }));
      let body: PreparedBody | undefined;
      if (step.requestBody !== undefined) {
        const encoding = bodyEncodingOf(step.requestBody.contentType);
        if (encoding === undefined) {
          issues.push(
            `${where}/requestBody/contentType: unsupported "${step.requestBody.contentType}"`,
          );
        }
        body = {
          contentType: step.requestBody.contentType,
          encoding: encoding ?? 'json',
          plan: Object.hasOwn(step.requestBody, 'payload')
            ? compileValuePlan(step.requestBody.payload, `${where}/requestBody/payload`, issues)
            : undefined,
          replacements: step.requestBody.replacements.map((replacement, r) => {
            const tokens = parseJsonPointer(replacement.target);
            const rWhere = `${where}/requestBody/replacements/${r}`;
            if (tokens === undefined) issues.push(`${rWhere}/target: not a JSON Pointer`);
            if (tokens?.some((token) => FORBIDDEN_KEYS.has(token))) {
              issues.push(`${rWhere}/target: forbidden key in "${replacement.target}"`);
            }
            return {
              tokens: tokens ?? [],
              plan: compileValuePlan(replacement.value, `${rWhere}/value`, issues),
            };
          }),
        };
      }
      const prepareActions = (actions: readonly CompiledAction[], list: string): PreparedAction[] =>
        actions.map((action, a) => {
          const aWhere = `${where}/${list}/${a}`;
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
            criteria: prepareCriteria(action.criteria, `${aWhere}/criteria`, issues),
            counterKey: `${step.stepId}\u0000${action.name}`,
          };
        });
      return {
        stepId: step.stepId,
        method: operation?.method ?? 'GET',
        pathParts,
        pathTemplate,
        parameters,
        body,
        successCriteria: prepareCriteria(step.successCriteria, `${where}/successCriteria`, issues),
        onSuccess: prepareActions(step.onSuccess, 'onSuccess'),
        onFailure: prepareActions(step.onFailure, 'onFailure'),
        outputs: prepareOutputs(step.outputs, `${where}/outputs`, issues),
        responseChecks: prepareResponseChecks(operation?.responses, `${where}/operation`, issues),
      };
    });
    let validateInputs: SchemaCheck = () => undefined;
    try {
      validateInputs = compileSchema(workflow.inputs ?? true);
    } catch (error) {
      issues.push(`${wWhere}/inputs: ${(error as Error).message}`);
    }
    workflows.set(workflow.workflowId, {
      workflowId: workflow.workflowId,
      validateInputs,
      passwordPaths: findPasswordPaths(workflow.inputs),
      steps,
      outputs: prepareOutputs(workflow.outputs, `${wWhere}/outputs`, issues),
    });
  });
  if (issues.length > 0) {
    throw new ArazzoDocumentError(
      `Compiled workflow document is invalid (${issues.length} problems)`,
      issues,
    );
  }
  return { prepared: true, workflows };
};
