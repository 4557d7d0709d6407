/**
 * Recovery for YAML documents flattened onto one line (the seed, `000_9cb5708f458228b1.txt`): newlines and
 * indentation are gone, so no YAML parser can read them. The structure is rebuilt from what the Arazzo object model
 * allows: a `key:` belongs to the innermost open object that accepts it, `- ` opens a sequence item, and a `>-`
 * folded scalar runs until the next key some open object accepts. Build time only; used only when a single-line
 * text fails to parse as YAML or JSON.
 */
import { WorkflowDocumentError } from '../errors.ts';

/** What the recovery knows about a position in the document. */
export type Shape =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'any' }
  | { readonly kind: 'seq'; readonly item: () => Shape }
  | {
      readonly kind: 'object';
      readonly keys: Readonly<Record<string, () => Shape>>;
      /** Keys an item of a sequence starts with; used to tell which open sequence a `- key:` continues. */
      readonly leads?: readonly string[];
    }
  | {
      readonly kind: 'map';
      readonly value: () => Shape;
      /** What must follow a key for this map to own it: a nested mapping, or a scalar. */
      readonly accepts: 'mapping' | 'scalar';
    };

const scalar: Shape = { kind: 'scalar' };
const any: Shape = { kind: 'any' };
const S = (): Shape => scalar;
const A = (): Shape => any;
const seqOf = (item: () => Shape): (() => Shape) => {
  const shape: Shape = { kind: 'seq', item };
  return () => shape;
};
const object = (keys: Record<string, () => Shape>, leads?: readonly string[]): Shape =>
  leads === undefined ? { kind: 'object', keys } : { kind: 'object', keys, leads };

const stringMap: Shape = { kind: 'map', value: S, accepts: 'scalar' };
const schemaKeys: Record<string, () => Shape> = {};
const schema: Shape = object(schemaKeys);
const schemaMap: Shape = { kind: 'map', value: () => schema, accepts: 'mapping' };
Object.assign(schemaKeys, {
  $ref: S,
  $schema: S,
  $id: S,
  $comment: S,
  type: A,
  title: S,
  description: S,
  format: S,
  default: A,
  examples: A,
  enum: A,
  const: A,
  required: seqOf(S),
  properties: () => schemaMap,
  additionalProperties: () => schema,
  items: () => schema,
  minLength: S,
  maxLength: S,
  pattern: S,
  minimum: S,
  maximum: S,
  exclusiveMinimum: S,
  exclusiveMaximum: S,
  minItems: S,
  maxItems: S,
  oneOf: seqOf(() => schema),
  anyOf: seqOf(() => schema),
  allOf: seqOf(() => schema),
  not: () => schema,
});
const criterion = object({ context: S, condition: S, type: A }, ['condition', 'context', 'type']);
const action = object(
  {
    name: S,
    type: S,
    workflowId: S,
    stepId: S,
    retryAfter: S,
    retryLimit: S,
    criteria: seqOf(() => criterion),
    reference: S,
    value: A,
  },
  ['name', 'reference'],
);
const parameter = object({ name: S, in: S, value: A, reference: S }, ['name', 'reference']);
const replacement = object({ target: S, value: A }, ['target']);
const requestBody = object({
  contentType: S,
  payload: A,
  replacements: seqOf(() => replacement),
});
const step = object(
  {
    stepId: S,
    description: S,
    operationId: S,
    operationPath: S,
    workflowId: S,
    parameters: seqOf(() => parameter),
    requestBody: () => requestBody,
    successCriteria: seqOf(() => criterion),
    onSuccess: seqOf(() => action),
    onFailure: seqOf(() => action),
    outputs: () => stringMap,
  },
  ['stepId'],
);
const workflow = object(
  {
    workflowId: S,
    summary: S,
    description: S,
    inputs: () => schema,
    dependsOn: seqOf(S),
    steps: seqOf(() => step),
    successActions: seqOf(() => action),
    failureActions: seqOf(() => action),
    outputs: () => stringMap,
    parameters: seqOf(() => parameter),
  },
  ['workflowId'],
);
const components = object({
  inputs: () => schemaMap,
  parameters: () => ({ kind: 'map', value: () => parameter, accepts: 'mapping' }),
  successActions: () => ({ kind: 'map', value: () => action, accepts: 'mapping' }),
  failureActions: () => ({ kind: 'map', value: () => action, accepts: 'mapping' }),
});

/** The Arazzo 1.0 object model, as the recovery needs it. */
export const ARAZZO_SHAPE: Shape = object({
  arazzo: S,
  info: () => object({ title: S, summary: S, description: S, version: S }),
  sourceDescriptions: seqOf(() => object({ name: S, url: S, type: S }, ['name'])),
  workflows: seqOf(() => workflow),
  components: () => components,
});

type Token =
  | { readonly t: 'key'; readonly key: string }
  | { readonly t: 'dash' }
  | { readonly t: 'block'; readonly indicator: string }
  | { readonly t: 'word'; readonly text: string };

type YamlNode =
  | { readonly t: 'map'; readonly entries: (readonly [string, YamlNode])[] }
  | { readonly t: 'seq'; readonly items: YamlNode[] }
  | { readonly t: 'scalar'; readonly text: string | null; readonly folded: boolean };

type Frame =
  | { readonly kind: 'mapping'; readonly shape: Shape; readonly present: Set<string> }
  | { readonly kind: 'seq'; readonly item: Shape };

const KEY = /^([A-Za-z_$][A-Za-z0-9_$.\-/]*|'[^']*'|"[^"]*"):$/;
const BLOCK = /^[>|][-+]?[1-9]?$/;

const tokenize = (line: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  // Bounded: every iteration consumes at least one character.
  while (i < line.length) {
    if (line[i] === ' ' || line[i] === '\t') {
      i += 1;
      continue;
    }
    let j = i;
    let depth = 0;
    let quote: string | undefined;
    while (j < line.length) {
      const c = line[j];
      if (quote !== undefined) {
        if (c === quote) quote = undefined;
      } else if ((c === "'" || c === '"') && (j === i || depth > 0)) {
        quote = c;
      } else if (c === '[' || c === '{') {
        if (j === i || depth > 0) depth += 1;
      } else if ((c === ']' || c === '}') && depth > 0) {
        depth -= 1;
      } else if ((c === ' ' || c === '\t') && depth === 0) {
        break;
      }
      j += 1;
    }
    const raw = line.slice(i, j);
    i = j;
    if (raw === '-') tokens.push({ t: 'dash' });
    else if (BLOCK.test(raw)) tokens.push({ t: 'block', indicator: raw });
    else if (KEY.test(raw)) tokens.push({ t: 'key', key: raw.slice(0, -1) });
    else tokens.push({ t: 'word', text: raw });
  }
  return tokens;
};

const childShape = (shape: Shape, key: string): Shape => {
  if (shape.kind === 'object') return key.startsWith('x-') ? any : (shape.keys[key]?.() ?? any);
  if (shape.kind === 'map') return shape.value();
  return any;
};

const createRecovery = (tokens: readonly Token[]) => {
  let position = 0;
  const stack: Frame[] = [];
  const peek = (offset = 0): Token | undefined => tokens[position + offset];

  const knownByFixedAncestor = (key: string, below: number): boolean => {
    for (let f = below - 1; f >= 0; f -= 1) {
      const frame = stack[f];
      if (frame?.kind !== 'mapping' || frame.shape.kind !== 'object') continue;
      if (Object.hasOwn(frame.shape.keys, key) && !frame.present.has(key)) return true;
    }
    return false;
  };

  const accepts = (frameIndex: number, key: string, next: Token | undefined): boolean => {
    const frame = stack[frameIndex];
    if (frame?.kind !== 'mapping' || frame.present.has(key)) return false;
    const shape = frame.shape;
    if (shape.kind === 'object') return Object.hasOwn(shape.keys, key) || key.startsWith('x-');
    if (shape.kind === 'map') {
      return shape.accepts === 'mapping'
        ? next?.t === 'key'
        : next?.t === 'word' || next?.t === 'block';
    }
    // A free-form mapping (payload, value): any key an enclosing object is still waiting for ends it.
    return !knownByFixedAncestor(key, frameIndex);
  };

  const anyFrameAccepts = (key: string, next: Token | undefined): boolean =>
    stack.some((_, index) => accepts(index, key, next));

  const endsScalar = (token: Token | undefined, next: Token | undefined): boolean =>
    token === undefined ||
    token.t === 'dash' ||
    (token.t === 'key' && anyFrameAccepts(token.key, next));

  const collectWords = (): string => {
    const words: string[] = [];
    // Bounded: every iteration consumes a token.
    while (!endsScalar(peek(), peek(1))) {
      const token = peek() as Token;
      words.push(token.t === 'word' ? token.text : token.t === 'key' ? `${token.key}:` : '');
      position += 1;
    }
    return words.join(' ');
  };

  const parseMapping = (shape: Shape): YamlNode => {
    const frame: Frame = { kind: 'mapping', shape, present: new Set() };
    stack.push(frame);
    const index = stack.length - 1;
    const entries: (readonly [string, YamlNode])[] = [];
    for (;;) {
      const token = peek();
      if (token?.t !== 'key' || !accepts(index, token.key, peek(1))) break;
      position += 1;
      frame.present.add(token.key);
      entries.push([token.key, parseValue(childShape(shape, token.key))]);
    }
    stack.pop();
    return { t: 'map', entries };
  };

  /** Whether `- key:` continues an enclosing sequence rather than the innermost one. */
  const belongsOutside = (item: Shape, key: string): boolean => {
    if (item.kind !== 'object' || item.leads === undefined || item.leads.includes(key))
      return false;
    return stack.some(
      (frame) =>
        frame.kind === 'seq' &&
        frame.item.kind === 'object' &&
        frame.item.leads?.includes(key) === true,
    );
  };

  const parseSequence = (item: Shape): YamlNode => {
    const items: YamlNode[] = [];
    const frame: Frame = { kind: 'seq', item };
    while (peek()?.t === 'dash') {
      const next = peek(1);
      if (items.length > 0 && next?.t === 'key' && belongsOutside(item, next.key)) break;
      position += 1;
      stack.push(frame);
      items.push(parseValue(item));
      stack.pop();
    }
    return { t: 'seq', items };
  };

  const parseValue = (shape: Shape): YamlNode => {
    const token = peek();
    if (token === undefined) return { t: 'scalar', text: null, folded: false };
    if (token.t === 'dash') {
      if (shape.kind === 'seq') return parseSequence(shape.item());
      if (shape.kind === 'any') return parseSequence(any);
      throw new WorkflowDocumentError('Cannot recover the single-line YAML: unexpected "-"');
    }
    if (token.t === 'block') {
      position += 1;
      return { t: 'scalar', text: collectWords(), folded: true };
    }
    if (token.t === 'key') {
      if (shape.kind === 'scalar' || shape.kind === 'seq') {
        return { t: 'scalar', text: null, folded: false };
      }
      return parseMapping(shape);
    }
    return { t: 'scalar', text: collectWords(), folded: false };
  };

  return {
    recover: (root: Shape): YamlNode => {
      const node = parseMapping(root);
      if (position < tokens.length) {
        const token = peek();
        const what = token?.t === 'key' ? `key "${token.key}"` : 'token';
        throw new WorkflowDocumentError(
          `Cannot recover the single-line YAML: unexpected ${what} at token ${position}`,
        );
      }
      return node;
    },
  };
};

const render = (node: YamlNode, indent: number): string[] => {
  const pad = ' '.repeat(indent);
  if (node.t === 'scalar') {
    if (node.folded) return [`${pad}>-`, `${pad}  ${node.text ?? ''}`];
    return [`${pad}${node.text ?? 'null'}`];
  }
  if (node.t === 'map') {
    if (node.entries.length === 0) return [`${pad}{}`];
    return node.entries.flatMap(([key, value]) => {
      if (value.t === 'scalar') {
        if (value.folded) return [`${pad}${key}: >-`, `${pad}  ${value.text ?? ''}`];
        return [value.text === null ? `${pad}${key}:` : `${pad}${key}: ${value.text}`];
      }
      if (value.t === 'map' && value.entries.length === 0) return [`${pad}${key}: {}`];
      if (value.t === 'seq' && value.items.length === 0) return [`${pad}${key}: []`];
      return [`${pad}${key}:`, ...render(value, indent + 2)];
    });
  }
  if (node.items.length === 0) return [`${pad}[]`];
  return node.items.flatMap((item) => {
    if (item.t === 'scalar') {
      if (item.folded) return [`${pad}- >-`, `${pad}    ${item.text ?? ''}`];
      return [`${pad}- ${item.text ?? 'null'}`];
    }
    const lines = render(item, indent + 2);
    const first = lines[0] ?? '';
    return [`${pad}- ${first.slice(indent + 2)}`, ...lines.slice(1)];
  });
};

/**
 * Rebuilds indented YAML from a document flattened onto one line, guided by `shape` (default: Arazzo 1.0).
 * Throws WorkflowDocumentError when the tokens do not fit the object model.
 */
export const unflattenYaml = (line: string, shape: Shape = ARAZZO_SHAPE): string => {
  const tokens = tokenize(line.trim());
  const node = createRecovery(tokens).recover(shape);
  return `${render(node, 0).join('\n')}\n`;
};
