/**
 * Structural validation of an Arazzo document against the Arazzo 1.0 JSON Schema (schema/arazzo-1.0.schema.json)
 * with Ajv's 2020-12 dialect. Build time only: the runtime never imports Ajv.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/** One problem, located by a JSON Pointer into the document. */
export type DocumentIssue = { readonly pointer: string; readonly message: string };

let validator: ValidateFunction | undefined;

const getValidator = (): ValidateFunction => {
  if (validator !== undefined) return validator;
  const schema: unknown = JSON.parse(
    readFileSync(new URL('./schema/arazzo-1.0.schema.json', import.meta.url), 'utf8'),
  );
  // validateFormats off: `uri-reference` is an annotation here; relative source URLs are checked when resolved.
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  validator = ajv.compile(schema as object);
  return validator;
};

const describe = (error: ErrorObject): string => {
  const params = error.params as Record<string, unknown>;
  const { additionalProperty, unevaluatedProperty, allowedValues } = params;
  if (typeof unevaluatedProperty === 'string') return `unknown property "${unevaluatedProperty}"`;
  if (typeof additionalProperty === 'string') return `unknown property "${additionalProperty}"`;
  if (Array.isArray(allowedValues))
    return `${error.message ?? 'invalid'}: ${allowedValues.join(', ')}`;
  return error.message ?? 'invalid';
};

/** Validates a parsed document against the Arazzo 1.0 schema; returns every problem (deduplicated). */
export const validateArazzoSchema = (document: unknown): DocumentIssue[] => {
  const validate = getValidator();
  if (validate(document)) return [];
  const seen = new Set<string>();
  const issues: DocumentIssue[] = [];
  for (const error of validate.errors ?? []) {
    const issue = { pointer: error.instancePath || '/', message: `schema: ${describe(error)}` };
    const key = `${issue.pointer} ${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
};
