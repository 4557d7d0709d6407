/** The `outputs` of a step or a workflow: named runtime expressions. */
import { checkName } from './document-checks.ts';
import { asRecord, at } from './document-values.ts';
import { checkExpressionText, type ExpressionSite } from './expression-checks.ts';

/** Checks each output's name and expression; non-string values are dropped (the schema check reports them). */
export const compileOutputs = (
  raw: unknown,
  pointer: string,
  site: ExpressionSite,
): Record<string, string> => {
  const outputs: Record<string, string> = {};
  for (const [name, expression] of Object.entries(asRecord(raw))) {
    const where = at(pointer, name);
    checkName(name, 'output', where, site.issues);
    if (typeof expression === 'string') {
      checkExpressionText(expression, where, site);
      outputs[name] = expression;
    }
  }
  return outputs;
};
