/**
 * The workflow-inputs validator (docs/arazzo.md §7): a small, hand-written JSON Schema subset compiled once into
 * closures, so the runtime needs no JSON Schema compiler. `$ref`s are resolved at build time.
 */
import { isRecord } from './is-record.ts';
import { type KeywordCheckBuilder, labelUnder, type SchemaCheck } from './schema-check.ts';
import { itemCountCheck, itemsCheck, objectCheck } from './schema-container-checks.ts';
import {
  constCheck,
  enumCheck,
  numberCheck,
  stringCheck,
  typeCheck,
} from './schema-value-checks.ts';

/** Keywords the runtime validator enforces. The build rejects any other assertion keyword by name. */
export const SUPPORTED_SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'required',
  'properties',
  'additionalProperties',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'items',
  'minItems',
  'maxItems',
]);

/** Annotation keywords that assert nothing; `format` is not asserted (`password` only drives redaction). */
export const ANNOTATION_SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  'format',
  'description',
  'title',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
  '$schema',
  '$id',
]);

/** A JSON Schema object as stored in a compiled document. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export type { SchemaCheck } from './schema-check.ts';

/** The keyword groups, in the order their issues are reported. */
const KEYWORD_CHECKS: readonly KeywordCheckBuilder[] = [
  typeCheck,
  enumCheck,
  constCheck,
  stringCheck,
  numberCheck,
  objectCheck,
  itemCountCheck,
  itemsCheck,
];

/**
 * Compiles a schema (subset) into a check. Throws a plain `Error` only for a schema the build should have refused
 * (a pattern that does not compile); callers wrap it.
 */
export const compileSchema = (schema: unknown, root = 'inputs'): SchemaCheck => {
  const label = labelUnder(root);
  if (schema === true || schema === undefined) return () => undefined;
  if (schema === false)
    return (_value, path, issues) => void issues.push(`${label(path)}: is not allowed`);
  if (!isRecord(schema)) return () => undefined;
  const compile = (subschema: unknown): SchemaCheck => compileSchema(subschema, root);
  const checks: SchemaCheck[] = [];
  for (const build of KEYWORD_CHECKS) {
    const check = build(schema, label, compile);
    if (check !== undefined) checks.push(check);
  }
  return (value, path, issues) => {
    for (const check of checks) check(value, path, issues);
  };
};

/**
 * Lists the JSON Pointers (into the inputs) of properties whose schema says `format: password`, so the runner can
 * redact their values. Arrays are not descended: a password inside an array is not supported.
 */
export const findPasswordPaths = (schema: unknown, prefix: readonly string[] = []): string[][] => {
  if (!isRecord(schema)) return [];
  const { format, properties } = schema;
  const found: string[][] = format === 'password' ? [[...prefix]] : [];
  if (isRecord(properties)) {
    for (const [name, sub] of Object.entries(properties)) {
      found.push(...findPasswordPaths(sub, [...prefix, name]));
    }
  }
  return found;
};
