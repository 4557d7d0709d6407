/**
 * Runtime expressions (docs/arazzo.md §8): parsed once into small ASTs, resolved by explicit lookups (no eval).
 * Step ids are `[A-Za-z0-9_-]+` so `$steps.<id>.outputs.<name>` splits unambiguously; input and output names may
 * also contain `.` (1.0.1's `^[a-zA-Z0-9.\-_]+$`) and take the rest of the expression up to an optional
 * `#/json-pointer` (conditions split them against the declared names, see declared-names.ts).
 */
import { parseJsonPointer } from './json-pointer.ts';

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

// Evaluation lives in expression-eval.ts; its names stay reachable from here, where they always were.
export {
  type ExpressionScope,
  evaluateExpression,
  type Lookup,
  type RequestView,
  type ResponseView,
  renderTemplate,
  stringifyEmbedded,
  type WorkflowValues,
} from './expression-eval.ts';

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

/** `$url`, `$method`, `$statusCode`, and the request's or response's headers, parameters and bodies. */
const parseMessagePart = (text: string): ParsedExpression | undefined => {
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
  if (!match) return undefined;
  const pointer = pointerOf(match[2]);
  if (!pointer.ok) return pointer;
  const kind = match[1] === 'request' ? 'requestBody' : 'responseBody';
  return { ok: true, expression: { kind, path: pointer.path, text } };
};

/** Named values of the run: `$inputs`, `$outputs`, `$steps.<id>.outputs`, `$workflows.<id>.inputs|outputs`. */
const parseRunValue = (text: string): ParsedExpression | undefined => {
  let match = INPUT_OUTPUT_RE.exec(text);
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
    const [stepId, name] = [match[1] ?? '', match[2] ?? ''];
    return { ok: true, expression: { kind: 'stepOutput', stepId, name, path: pointer.path, text } };
  }
  match = WORKFLOWS_RE.exec(text);
  if (!match) return undefined;
  const pointer = pointerOf(match[4]);
  if (!pointer.ok) return pointer;
  const kind = match[2] === 'inputs' ? 'workflowInput' : 'workflowOutput';
  const [workflowId, name] = [match[1] ?? '', match[3] ?? ''];
  return { ok: true, expression: { kind, workflowId, name, path: pointer.path, text } };
};

/** References into the document: `$components.<section>.<name>` and `$sourceDescriptions.<name>.<ref>`. */
const parseDocumentReference = (text: string): ParsedExpression | undefined => {
  const match = COMPONENT_RE.exec(text);
  if (match) {
    const section = match[1] as 'parameters' | 'successActions' | 'failureActions' | 'inputs';
    return { ok: true, expression: { kind: 'component', section, name: match[2] ?? '', text } };
  }
  const source = SOURCE_RE.exec(text);
  if (!source) return undefined;
  const [name, ref] = [source[1] ?? '', source[2] ?? ''];
  return { ok: true, expression: { kind: 'sourceDescription', name, ref, text } };
};

const notAnExpression = (text: string): ParsedExpression => ({
  ok: false,
  error: `"${text}" is not a valid runtime expression`,
});

/**
 * Parses a whole string as one runtime expression. Returns `{ ok: false, error }` for anything that does not match
 * our grammar.
 */
export const parseExpression = (text: string): ParsedExpression =>
  parseMessagePart(text) ??
  parseRunValue(text) ??
  parseDocumentReference(text) ??
  notAnExpression(text);

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
