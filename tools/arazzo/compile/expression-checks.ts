/**
 * Runtime expressions (`$inputs.x`, `$steps.a.outputs.b`, `{$response.body#/id}` in templates) are parsed at build
 * time and every reference is checked against what exists where the expression is evaluated.
 */

import { type Expression, parseExpression, parseTemplate } from '../../../lib/arazzo/expression.ts';
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { at } from './document-values.ts';
import type { WorkflowInfo } from './scope.ts';

/**
 * Which runtime values an expression may use where it appears. `workflowCall`: the parameters of a step that calls
 * a workflow (no request exists); `workflowStep`: its criteria, outputs and actions, where `$outputs` are the called
 * workflow's outputs and neither a request nor a response exists (docs/arazzo.md §17).
 */
export type ExpressionPlace =
  | 'request'
  | 'response'
  | 'workflowOutput'
  | 'workflowCall'
  | 'workflowStep';

/** What a workflow declares, for checking references into it. */
export type WorkflowContext = {
  readonly stepIds: readonly string[];
  readonly stepOutputs: ReadonlyMap<string, ReadonlySet<string>>;
  readonly inputNames: ReadonlySet<string> | undefined;
  readonly workflowOutputNames: ReadonlySet<string>;
  /** The document's own workflows, for `$workflows.<id>.inputs|outputs.<name>`. */
  readonly workflows: ReadonlyMap<string, WorkflowInfo>;
};

/** Where an expression is evaluated: the workflow, the kind of place, and the index of the step running it. */
export type ExpressionSite = {
  readonly issues: DocumentIssue[];
  readonly context: WorkflowContext;
  readonly place: ExpressionPlace;
  readonly currentStep: number;
  /** At a `workflowStep` place: the called workflow's output names (undefined when that workflow is unknown). */
  readonly calleeOutputs?: ReadonlySet<string> | undefined;
  /** The document's source descriptions by name, for `$sourceDescriptions.<name>.url`. */
  readonly sourceNames?: ReadonlyMap<string, unknown>;
};

/** `$sourceDescriptions.<name>.url` is a value at run time (docs/arazzo.md §8); any other source reference is not. */
const sourceProblem = (
  expression: Extract<Expression, { kind: 'sourceDescription' }>,
  site: ExpressionSite,
): string | undefined => {
  if (expression.ref !== 'url') {
    return `${expression.text}: only allowed in an operation reference; the one source field a value may read is "url"`;
  }
  if (site.sourceNames?.has(expression.name) === true) return undefined;
  const known = [...(site.sourceNames?.keys() ?? [])].join(', ');
  return `${expression.text}: no source description "${expression.name}" (the document has: ${known})`;
};

const workflowValueProblem = (
  expression: Extract<Expression, { kind: 'workflowInput' | 'workflowOutput' }>,
  context: WorkflowContext,
): string | undefined => {
  const { text, workflowId, name } = expression;
  const info = context.workflows.get(workflowId);
  if (info === undefined) return `${text}: no workflow "${workflowId}"`;
  if (expression.kind === 'workflowOutput') {
    return info.outputNames.has(name)
      ? undefined
      : `${text}: workflow "${workflowId}" declares no output "${name}"`;
  }
  return info.inputNames === undefined || info.inputNames.has(name)
    ? undefined
    : `${text}: workflow "${workflowId}" declares no input "${name}"`;
};

const outputProblem = (
  expression: Extract<Expression, { kind: 'input' | 'output' }>,
  site: ExpressionSite,
): string | undefined => {
  if (site.place === 'workflowStep') {
    const names = site.calleeOutputs;
    return names === undefined || names.has(expression.name)
      ? undefined
      : `${expression.text}: the called workflow declares no output "${expression.name}"`;
  }
  return site.context.workflowOutputNames.has(expression.name)
    ? undefined
    : `${expression.text}: the workflow declares no output "${expression.name}"`;
};

const NO_REQUEST_PLACES: ReadonlySet<ExpressionPlace> = new Set([
  'workflowOutput',
  'workflowCall',
  'workflowStep',
]);

const stepOutputProblem = (
  expression: Extract<Expression, { kind: 'stepOutput' }>,
  site: ExpressionSite,
): string | undefined => {
  const { text, stepId, name } = expression;
  const index = site.context.stepIds.indexOf(stepId);
  if (index === -1) return `${text}: no step "${stepId}"`;
  if (site.place !== 'workflowOutput' && index >= site.currentStep) {
    return `${text}: step "${stepId}" does not run earlier`;
  }
  if (!site.context.stepOutputs.get(stepId)?.has(name)) {
    return `${text}: step "${stepId}" declares no output "${name}"`;
  }
  return undefined;
};

const referenceProblem = (expression: Expression, site: ExpressionSite): string | undefined => {
  const { context, place } = site;
  switch (expression.kind) {
    case 'stepOutput':
      return stepOutputProblem(expression, site);
    case 'input':
      return context.inputNames !== undefined && !context.inputNames.has(expression.name)
        ? `${expression.text}: the inputs schema declares no "${expression.name}"`
        : undefined;
    case 'output':
      return outputProblem(expression, site);
    case 'workflowInput':
    case 'workflowOutput':
      return workflowValueProblem(expression, context);
    case 'component':
      return `${expression.text}: only allowed in a "reference" or an operation reference`;
    case 'sourceDescription':
      return sourceProblem(expression, site);
    case 'statusCode':
    case 'responseHeader':
    case 'responseBody':
      return place === 'response' ? undefined : `${expression.text}: no response exists here`;
    default:
      return NO_REQUEST_PLACES.has(place)
        ? `${expression.text}: no request exists here`
        : undefined;
  }
};

/** Reports a reference to something that does not exist at `site`. */
export const checkReferences = (
  expression: Expression,
  pointer: string,
  site: ExpressionSite,
): void => {
  const message = referenceProblem(expression, site);
  if (message !== undefined) site.issues.push({ pointer, message });
};

/** Parses a whole-value expression and checks its references; `undefined` (and an issue) when it does not parse. */
export const checkExpressionText = (
  text: string,
  pointer: string,
  site: ExpressionSite,
): Expression | undefined => {
  const parsed = parseExpression(text);
  if (!parsed.ok) {
    site.issues.push({ pointer, message: parsed.error });
    return undefined;
  }
  checkReferences(parsed.expression, pointer, site);
  return parsed.expression;
};

/** Checks the expressions of every embedded `{$…}` in a template string; reports a template that does not parse. */
export const checkTemplate = (text: string, pointer: string, site: ExpressionSite): void => {
  const template = parseTemplate(text);
  if (template === undefined) return;
  if (!template.ok) {
    site.issues.push({ pointer, message: template.error });
    return;
  }
  for (const part of template.parts) {
    if (typeof part !== 'string') checkReferences(part, pointer, site);
  }
};

/** Checks a literal/expression/template value, deeply. */
export const checkValue = (value: unknown, pointer: string, site: ExpressionSite): void => {
  if (typeof value === 'string') {
    if (value.startsWith('$')) checkExpressionText(value, pointer, site);
    else checkTemplate(value, pointer, site);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      checkValue(item, at(pointer, index), site);
    });
    return;
  }
  if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      checkValue(item, at(pointer, key), site);
    }
  }
};
