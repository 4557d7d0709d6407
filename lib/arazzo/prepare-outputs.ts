/** Step and workflow outputs: each a runtime expression, parsed once. */
import { type Expression, parseExpression } from './expression.ts';

/** Parses every output; one that does not parse is left out and reported in `issues`. */
export const prepareOutputs = (
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
