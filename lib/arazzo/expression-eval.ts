/**
 * Evaluating parsed runtime expressions (docs/arazzo.md §8) against a scope: explicit lookups, no eval. Parsing is
 * in expression.ts.
 */
import type { Expression, TemplatePart } from './expression.ts';
import { resolveTokens } from './json-pointer.ts';

/** What an expression is resolved against. Absent values are `undefined`; JSON null stays null. */
export type ExpressionScope = {
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly stepOutputs: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  readonly workflowOutputs: Readonly<Record<string, unknown>>;
  /** Inputs and outputs of the workflows completed so far in the run, for `$workflows.<id>.*`. */
  readonly workflows?: Lookup<WorkflowValues> | undefined;
  /** Each source description's `url` by name, for `$sourceDescriptions.<name>.url`. */
  readonly sourceUrls?: Lookup<string>;
  readonly request?: RequestView | undefined;
  readonly response?: ResponseView | undefined;
};

/** A read-only lookup by name: a `Map`, or a view of one under a prefix (docs/arazzo.md §17). */
export type Lookup<T> = { readonly get: (key: string) => T | undefined };

/** What a completed workflow leaves behind for `$workflows.<id>.inputs|outputs.<name>`. */
export type WorkflowValues = {
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
};

/** The request as sent, for `$url`, `$method` and `$request.*`. Header names lower-cased. */
export type RequestView = {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly path: Readonly<Record<string, string>>;
  readonly body: unknown;
};

/** The latest answer of the current step. `statusCode` is null after a transport failure or a build failure. */
export type ResponseView = {
  readonly statusCode: number | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, else the text; undefined (absent) when the body is empty or there was no answer. */
  readonly body: unknown;
};

const lookupHeader = (
  headers: Readonly<Record<string, string>>,
  name: string,
): string | undefined => (Object.hasOwn(headers, name) ? headers[name] : undefined);

/** Resolves an expression against a scope; undefined means absent. Never throws. */
export const evaluateExpression = (expression: Expression, scope: ExpressionScope): unknown => {
  switch (expression.kind) {
    case 'statusCode':
      return scope.response === undefined ? undefined : scope.response.statusCode;
    case 'url':
      return scope.request?.url;
    case 'method':
      return scope.request?.method;
    case 'requestHeader':
      return scope.request === undefined
        ? undefined
        : lookupHeader(scope.request.headers, expression.name);
    case 'requestQuery':
      return scope.request === undefined
        ? undefined
        : lookupHeader(scope.request.query, expression.name);
    case 'requestPath':
      return scope.request === undefined
        ? undefined
        : lookupHeader(scope.request.path, expression.name);
    case 'responseHeader':
      return scope.response === undefined
        ? undefined
        : lookupHeader(scope.response.headers, expression.name);
    case 'requestBody':
      return resolveTokens(scope.request?.body, expression.path);
    case 'responseBody':
      return resolveTokens(scope.response?.body, expression.path);
    case 'input':
      return Object.hasOwn(scope.inputs, expression.name)
        ? resolveTokens(scope.inputs[expression.name], expression.path)
        : undefined;
    case 'output':
      return Object.hasOwn(scope.workflowOutputs, expression.name)
        ? resolveTokens(scope.workflowOutputs[expression.name], expression.path)
        : undefined;
    case 'stepOutput': {
      const outputs = scope.stepOutputs.get(expression.stepId);
      if (outputs === undefined || !Object.hasOwn(outputs, expression.name)) return undefined;
      return resolveTokens(outputs[expression.name], expression.path);
    }
    case 'workflowInput':
    case 'workflowOutput': {
      const values = scope.workflows?.get(expression.workflowId);
      const map = expression.kind === 'workflowInput' ? values?.inputs : values?.outputs;
      if (map === undefined || !Object.hasOwn(map, expression.name)) return undefined;
      return resolveTokens(map[expression.name], expression.path);
    }
    case 'sourceDescription':
      // `$sourceDescriptions.<name>.url` is the one source field a run reads (docs/arazzo.md §8); operation
      // references are resolved at build time.
      return expression.ref === 'url' ? scope.sourceUrls?.get(expression.name) : undefined;
    default:
      // Component references are resolved at build time; at run time they are absent.
      return undefined;
  }
};

/** Turns a value into text for embedding: strings unchanged, scalars as text, objects and arrays as JSON. */
export const stringifyEmbedded = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/**
 * Renders a template. Returns undefined when an embedded value is absent: the caller fails the step rather than
 * sending the text "undefined" (docs/arazzo.md §4).
 */
export const renderTemplate = (
  parts: readonly TemplatePart[],
  scope: ExpressionScope,
): string | undefined => {
  let result = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      result += part;
      continue;
    }
    const value = evaluateExpression(part, scope);
    if (value === undefined) return undefined;
    result += stringifyEmbedded(value);
  }
  return result;
};
