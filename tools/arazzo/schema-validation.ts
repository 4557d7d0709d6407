/**
 * Structural validation of an Arazzo document against the Arazzo 1.0 JSON Schema (schema/arazzo-1.0.schema.json)
 * with Ajv's 2020-12 dialect. Build time only: the runtime never imports Ajv. The validator itself comes from
 * `schema-validator.ts` (compiled at first use, or precompiled in the CLI bundle).
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { compileArazzoSchemaValidator } from './schema-validator.ts';

/** One problem, located by a JSON Pointer into the document. */
export type DocumentIssue = { readonly pointer: string; readonly message: string };

let validator: ValidateFunction | undefined;

const getValidator = (): ValidateFunction => {
  validator ??= compileArazzoSchemaValidator();
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
