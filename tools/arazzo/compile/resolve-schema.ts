/** Inlines `$ref`s into `components.inputs` and reports the JSON Schema keywords the runtime cannot check. */
import {
  ANNOTATION_SCHEMA_KEYWORDS,
  SUPPORTED_SCHEMA_KEYWORDS,
} from '../../../lib/arazzo/input-schema.ts';
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import { escapePointerToken } from '../../../lib/arazzo/json-pointer.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { at, type Rec, str } from './document-values.ts';

type SchemaScope = {
  readonly componentInputs: Rec;
  readonly issues: DocumentIssue[];
  /** Component names already being inlined on this path: one more is a cycle. */
  readonly seen: readonly string[];
};

const COMPONENT_INPUT_REF = /^#\/components\/inputs\/([^/]+)$/;

const resolveRef = (schema: Rec, ref: string, pointer: string, scope: SchemaScope): unknown => {
  const { componentInputs, issues, seen } = scope;
  const name = COMPONENT_INPUT_REF.exec(ref)?.[1]?.replaceAll('~1', '/').replaceAll('~0', '~');
  if (name === undefined || !Object.hasOwn(componentInputs, name)) {
    issues.push({ pointer: at(pointer, '$ref'), message: `unresolvable $ref "${ref}"` });
    return true;
  }
  if (seen.includes(name)) {
    issues.push({ pointer: at(pointer, '$ref'), message: `circular $ref "${ref}"` });
    return true;
  }
  const others = Object.keys(schema).filter((key) => key !== '$ref');
  if (others.length > 0) {
    issues.push({
      pointer,
      message: `keywords beside $ref are not supported: ${others.join(', ')}`,
    });
  }
  return resolve(componentInputs[name], `/components/inputs/${escapePointerToken(name)}`, {
    ...scope,
    seen: [...seen, name],
  });
};

const checkPattern = (value: unknown, pointer: string, issues: DocumentIssue[]): void => {
  if (typeof value !== 'string') return;
  try {
    new RegExp(value, 'u');
  } catch (error) {
    issues.push({ pointer, message: `pattern does not compile: ${(error as Error).message}` });
  }
};

/** The keyword's value with its subschemas resolved. */
const resolveKeyword = (key: string, value: unknown, pointer: string, scope: SchemaScope) => {
  if (key === 'properties' && isRecord(value)) {
    const properties: Rec = {};
    for (const [name, sub] of Object.entries(value)) {
      properties[name] = resolve(sub, at(pointer, key, name), scope);
    }
    return properties;
  }
  if (key === 'additionalProperties' || key === 'items') {
    return resolve(value, at(pointer, key), scope);
  }
  if (key === 'pattern') checkPattern(value, at(pointer, key), scope.issues);
  return value;
};

const resolve = (schema: unknown, pointer: string, scope: SchemaScope): unknown => {
  if (!isRecord(schema)) return schema;
  const ref = str(schema['$ref']);
  if (ref !== undefined) return resolveRef(schema, ref, pointer, scope);
  const result: Rec = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') || ANNOTATION_SCHEMA_KEYWORDS.has(key)) {
      result[key] = value;
    } else if (SUPPORTED_SCHEMA_KEYWORDS.has(key)) {
      result[key] = resolveKeyword(key, value, pointer, scope);
    } else {
      const what = pointer.includes('/responses/') ? 'response' : 'inputs';
      scope.issues.push({
        pointer: at(pointer, key),
        message: `${what} schema keyword "${key}" is not supported`,
      });
    }
  }
  return result;
};

/**
 * Resolves a workflow inputs (or response) schema: `$ref`s into `componentInputs` are inlined, unsupported
 * keywords, bad refs and uncompilable patterns become issues. Returns the resolved schema.
 */
export const resolveInputSchema = (
  schema: unknown,
  pointer: string,
  componentInputs: Rec,
  issues: DocumentIssue[],
): unknown => resolve(schema, pointer, { componentInputs, issues, seen: [] });
