/**
 * The operands of simple conditions (docs/arazzo.md §5.1, §8): a runtime expression base, then a `#/pointer` or
 * `.name` / `[n]` navigation. Also how a criterion `context` is read.
 */
import { type DeclaredNames, splitDottedName } from './declared-names.ts';
import { type Expression, type ParsedExpression, parseExpression } from './expression.ts';

/** A value in a condition: a literal or a runtime expression (with `.name` / `[n]` navigation folded into it). */
export type Operand =
  | { readonly t: 'lit'; readonly value: string | number | boolean | null }
  | { readonly t: 'expr'; readonly expr: Expression };

/** A syntax error in a condition; caught by the parsers and returned as `{ ok: false }`. */
export class ConditionSyntaxError extends Error {
  override readonly name = 'ConditionSyntaxError';
}

export const fail = (message: string): never => {
  throw new ConditionSyntaxError(message);
};

const NAV_NAME = /^[A-Za-z0-9_-]+/;
const NAV_INDEX = /^\[(0|[1-9][0-9]*)\]/;
// The base of an operand: everything up to the first navigation `.name` or `[n]` that follows a complete
// base expression. Header and parameter names stop at `.` in conditions for the same reason. Input and output
// names may contain `.`: `dottedBase` takes the longest declared one (declared-names.ts).
const BASES: readonly RegExp[] = [
  /^\$(url|method|statusCode)/,
  /^\$(request|response)\.header\.[A-Za-z0-9_-]+/,
  /^\$request\.(query|path)\.[A-Za-z0-9_-]+/,
  /^\$(request|response)\.body/,
];
const DOTTED_BASE =
  /^(\$(?:inputs|outputs)\.|\$steps\.([A-Za-z0-9_-]+)\.outputs\.|\$workflows\.([A-Za-z0-9_-]+)\.(inputs|outputs)\.)([A-Za-z0-9._-]+)/;

/** The names declared where a dotted base points: a step's outputs, another workflow's, or this workflow's. */
const declaredAt = (
  match: RegExpExecArray,
  names: DeclaredNames | undefined,
): ReadonlySet<string> | undefined => {
  const [, prefix, stepId, workflowId, part] = match;
  if (stepId !== undefined) return names?.stepOutputs.get(stepId);
  if (workflowId !== undefined) {
    const other = names?.workflows?.get(workflowId);
    return part === 'inputs' ? other?.inputNames : other?.outputNames;
  }
  return prefix === '$inputs.' ? names?.inputNames : names?.workflowOutputNames;
};

const dottedBase = (text: string, names: DeclaredNames | undefined): string | undefined => {
  const match = DOTTED_BASE.exec(text);
  if (match === null) return undefined;
  const [, prefix = '', , , , dotted = ''] = match;
  return prefix + splitDottedName(dotted, declaredAt(match, names)).name;
};

/** Parses `$…` operand text: a base expression, then either a `#/pointer` or `.name`/`[n]` navigation. */
export const parseOperandExpression = (
  text: string,
  at: number,
  names: DeclaredNames | undefined,
): Operand => {
  const base =
    dottedBase(text, names) ?? BASES.map((re) => re.exec(text)?.[0]).find((m) => m !== undefined);
  if (base === undefined) return fail(`"${text}" at ${at} is not a runtime expression`);
  let rest = text.slice(base.length);
  if (rest === '' || rest.startsWith('#')) {
    const parsed = parseExpression(text);
    if (!parsed.ok) return fail(parsed.error);
    return { t: 'expr', expr: parsed.expression };
  }
  const tokens: string[] = [];
  // Bounded: each iteration consumes at least two characters of `rest`.
  while (rest !== '') {
    const index = NAV_INDEX.exec(rest);
    if (index) {
      tokens.push(index[1] ?? '');
      rest = rest.slice(index[0].length);
      continue;
    }
    const name = rest.startsWith('.') ? NAV_NAME.exec(rest.slice(1)) : null;
    if (!name) return fail(`"${text}" at ${at}: unexpected "${rest}" after ${base}`);
    tokens.push(name[0]);
    rest = rest.slice(1 + name[0].length);
  }
  const parsed = parseExpression(base);
  if (!parsed.ok) return fail(parsed.error);
  const expr = parsed.expression;
  if (!('path' in expr)) return fail(`"${text}" at ${at}: ${base} cannot be navigated`);
  return { t: 'expr', expr: { ...expr, path: [...expr.path, ...tokens], text } };
};

/**
 * Parses one runtime expression with condition navigation (`$response.body.items[0]`), as a criterion `context`
 * may be written (1.1's regex example uses `$response.body.status`).
 */
export const parseOperand = (text: string, names?: DeclaredNames): ParsedExpression => {
  try {
    const operand = parseOperandExpression(text, 0, names);
    return operand.t === 'expr'
      ? { ok: true, expression: operand.expr }
      : { ok: false, error: `"${text}" is not a runtime expression` };
  } catch (error) {
    if (!(error instanceof ConditionSyntaxError)) throw error;
    // A plain runtime expression navigation cannot read, such as a header name with a dot.
    const plain = parseExpression(text);
    return plain.ok ? plain : { ok: false, error: error.message };
  }
};
