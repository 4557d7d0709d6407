/**
 * Runtime expressions (docs/arazzo.md §8): parsed once into small ASTs, resolved by explicit lookups (no eval).
 * Step ids are `[A-Za-z0-9_-]+` so `$steps.<id>.outputs.<name>` splits unambiguously; input and output names may
 * also contain `.` (1.0.1's `^[a-zA-Z0-9.\-_]+$`) and take the rest of the expression up to an optional
 * `#/json-pointer` (conditions split them against the declared names, see declared-names.ts).
 */
import { parseJsonPointer, resolveTokens } from './json-pointer.ts';

/** A parsed runtime expression. `path` holds JSON Pointer (or condition navigation) tokens. */
export type Expression =
  | { readonly kind: 'url' | 'method' | 'statusCode'; readonly text: string }
  | {
      readonly kind: 'requestHeader' | 'requestQuery' | 'requestPath' | 'responseHeader';
      readonly name: string;
      readonly text: string;
    }
  | {
      readonly kind: 'requestBody' | 'responseBody';
      readonly path: readonly string[];
      readonly text: string;
    }
  | {
      readonly kind: 'input' | 'output';
      readonly name: string;
      readonly path: readonly string[];
      readonly text: string;
    }
  | {
      readonly kind: 'stepOutput';
      readonly stepId: string;
      readonly name: string;
      readonly path: readonly string[];
      readonly text: string;
    }
  | {
      readonly kind: 'workflowInput' | 'workflowOutput';
      readonly workflowId: string;
      readonly name: string;
      readonly path: readonly string[];
      readonly text: string;
    }
  | {
      readonly kind: 'component';
      readonly section: 'parameters' | 'successActions' | 'failureActions' | 'inputs';
      readonly name: string;
      readonly text: string;
    }
  | {
      readonly kind: 'sourceDescription';
      readonly name: string;
      readonly ref: string;
      readonly text: string;
    };

/** Parse outcome: the expression, or a reason it is not one. */
export type ParsedExpression = { ok: true; expression: Expression } | { ok: false; error: string };

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

const NAME = '[A-Za-z0-9_-]+';
const DOTTED_NAME = '[A-Za-z0-9._-]+';
// RFC 9110 token characters, for header names outside conditions.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const COMPONENT_KEY = '[a-zA-Z0-9.\\-_]+';

const SIMPLE = new Map<string, 'url' | 'method' | 'statusCode'>([
  ['$url', 'url'],
  ['$method', 'method'],
  ['$statusCode', 'statusCode'],
]);
const HEADER_RE = new RegExp(`^\\$(request|response)\\.header\\.(${TOKEN})$`);
const REQUEST_PARAM_RE = new RegExp(`^\\$request\\.(query|path)\\.(${NAME})$`);
const BODY_RE = /^\$(request|response)\.body(#.*)?$/s;
const INPUT_OUTPUT_RE = new RegExp(`^\\$(inputs|outputs)\\.(${DOTTED_NAME})(#.*)?$`, 's');
const STEP_OUTPUT_RE = new RegExp(`^\\$steps\\.(${NAME})\\.outputs\\.(${DOTTED_NAME})(#.*)?$`, 's');
const WORKFLOWS_RE = new RegExp(
  `^\\$workflows\\.(${NAME})\\.(inputs|outputs)\\.(${DOTTED_NAME})(#.*)?$`,
  's',
);
const COMPONENT_RE = new RegExp(
  `^\\$components\\.(parameters|successActions|failureActions|inputs)\\.(${COMPONENT_KEY})$`,
);
const SOURCE_RE = new RegExp(`^\\$sourceDescriptions\\.(${NAME})\\.(.+)$`, 's');

const pointerOf = (
  fragment: string | undefined,
): { ok: true; path: string[] } | { ok: false; error: string } => {
  if (fragment === undefined) return { ok: true, path: [] };
  const tokens = parseJsonPointer(fragment.slice(1));
  return tokens === undefined
    ? { ok: false, error: `"${fragment}" is not a JSON Pointer fragment` }
    : { ok: true, path: tokens };
};

/**
 * Parses a whole string as one runtime expression. Returns `{ ok: false, error }` for anything that does not match
 * our grammar.
 */
export const parseExpression = (text: string): ParsedExpression => {
  const simple = SIMPLE.get(text);
  if (simple !== undefined) return { ok: true, expression: { kind: simple, text } };
  let match = HEADER_RE.exec(text);
  if (match) {
    const kind = match[1] === 'request' ? 'requestHeader' : 'responseHeader';
    return { ok: true, expression: { kind, name: (match[2] ?? '').toLowerCase(), text } };
  }
  match = REQUEST_PARAM_RE.exec(text);
  if (match) {
    const kind = match[1] === 'query' ? 'requestQuery' : 'requestPath';
    return { ok: true, expression: { kind, name: match[2] ?? '', text } };
  }
  match = BODY_RE.exec(text);
  if (match) {
    const pointer = pointerOf(match[2]);
    if (!pointer.ok) return pointer;
    const kind = match[1] === 'request' ? 'requestBody' : 'responseBody';
    return { ok: true, expression: { kind, path: pointer.path, text } };
  }
  match = INPUT_OUTPUT_RE.exec(text);
  if (match) {
    const pointer = pointerOf(match[3]);
    if (!pointer.ok) return pointer;
    const kind = match[1] === 'inputs' ? 'input' : 'output';
    return { ok: true, expression: { kind, name: match[2] ?? '', path: pointer.path, text } };
  }
  match = STEP_OUTPUT_RE.exec(text);
  if (match) {
    const pointer = pointerOf(match[3]);
    if (!pointer.ok) return pointer;
    return {
      ok: true,
      expression: {
        kind: 'stepOutput',
        stepId: match[1] ?? '',
        name: match[2] ?? '',
        path: pointer.path,
        text,
      },
    };
  }
  match = WORKFLOWS_RE.exec(text);
  if (match) {
    const pointer = pointerOf(match[4]);
    if (!pointer.ok) return pointer;
    const kind = match[2] === 'inputs' ? 'workflowInput' : 'workflowOutput';
    const [workflowId, name] = [match[1] ?? '', match[3] ?? ''];
    return { ok: true, expression: { kind, workflowId, name, path: pointer.path, text } };
  }
  match = COMPONENT_RE.exec(text);
  if (match) {
    const section = match[1] as 'parameters' | 'successActions' | 'failureActions' | 'inputs';
    return { ok: true, expression: { kind: 'component', section, name: match[2] ?? '', text } };
  }
  match = SOURCE_RE.exec(text);
  if (match) {
    return {
      ok: true,
      expression: { kind: 'sourceDescription', name: match[1] ?? '', ref: match[2] ?? '', text },
    };
  }
  return { ok: false, error: `"${text}" is not a valid runtime expression` };
};

/** A string with embedded `{$...}` expressions, split into literal text and expressions. */
export type TemplatePart = string | Expression;

/**
 * Splits a string with embedded `{$expr}` parts. Returns undefined when the string embeds nothing, and an error
 * when an embedded part does not parse or a brace is left open.
 */
export const parseTemplate = (
  text: string,
): { ok: true; parts: TemplatePart[] } | { ok: false; error: string } | undefined => {
  if (!text.includes('{$')) return undefined;
  const parts: TemplatePart[] = [];
  let cursor = 0;
  // Bounded: every iteration advances `cursor` past at least one `{$`.
  while (cursor < text.length) {
    const open = text.indexOf('{$', cursor);
    if (open === -1) {
      parts.push(text.slice(cursor));
      break;
    }
    if (open > cursor) parts.push(text.slice(cursor, open));
    const close = text.indexOf('}', open);
    if (close === -1)
      return { ok: false, error: `"${text}": unclosed "{$" in embedded expression` };
    const parsed = parseExpression(text.slice(open + 1, close));
    if (!parsed.ok) return parsed;
    parts.push(parsed.expression);
    cursor = close + 1;
  }
  return { ok: true, parts };
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
