/**
 * The workflow-inputs validator (docs/arazzo.md §7): a small, hand-written JSON Schema subset compiled once into
 * closures, so the runtime needs no JSON Schema compiler. `$ref`s are resolved at build time.
 */
import { isRecord } from './is-record.ts';

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

/** Checks one value; pushes one line per problem into `issues`. */
export type SchemaCheck = (value: unknown, path: string, issues: string[]) => void;

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

const matchesType = (value: unknown, type: string): boolean => {
  const actual = typeOf(value);
  if (type === 'number')
    return (actual === 'number' || actual === 'integer') && Number.isFinite(value);
  return actual === type;
};

/** Names a location for an issue: the root name (`inputs`, `body`) plus the JSON Pointer below it. */
type Label = (path: string) => string;
const labelUnder =
  (root: string): Label =>
  (path) =>
    path === '' ? root : `${root}${path}`;

const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
};

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
  const checks: SchemaCheck[] = [];
  // Destructured: index-signature access stays explicit for tsc and literal for Biome.
  const {
    type: rawType,
    enum: enumValues,
    const: expected,
    minLength,
    maxLength,
    pattern: patternText,
    minimum,
    maximum,
    required: requiredValue,
    properties: propertiesValue,
    additionalProperties: additional,
    items,
    minItems,
    maxItems,
  } = schema;
  if (rawType !== undefined) {
    const types = (Array.isArray(rawType) ? rawType : [rawType]).map(String);
    checks.push((value, path, issues) => {
      if (!types.some((type) => matchesType(value, type))) {
        issues.push(`${label(path)}: must be ${types.join(' or ')}, got ${typeOf(value)}`);
      }
    });
  }
  if (Array.isArray(enumValues)) {
    const options: readonly unknown[] = enumValues;
    checks.push((value, path, issues) => {
      if (!options.some((option) => sameJson(option, value))) {
        issues.push(`${label(path)}: must be one of ${JSON.stringify(options)}`);
      }
    });
  }
  if (Object.hasOwn(schema, 'const')) {
    checks.push((value, path, issues) => {
      if (!sameJson(expected, value))
        issues.push(`${label(path)}: must be ${JSON.stringify(expected)}`);
    });
  }
  const pattern = typeof patternText === 'string' ? new RegExp(patternText, 'u') : undefined;
  if (typeof minLength === 'number' || typeof maxLength === 'number' || pattern !== undefined) {
    checks.push((value, path, issues) => {
      if (typeof value !== 'string') return;
      // JSON Schema counts code points, not UTF-16 units.
      const length = [...value].length;
      if (typeof minLength === 'number' && length < minLength) {
        issues.push(`${label(path)}: must have at least ${minLength} characters`);
      }
      if (typeof maxLength === 'number' && length > maxLength) {
        issues.push(`${label(path)}: must have at most ${maxLength} characters`);
      }
      if (pattern !== undefined && !pattern.test(value)) {
        issues.push(`${label(path)}: must match ${pattern.source}`);
      }
    });
  }
  if (typeof minimum === 'number' || typeof maximum === 'number') {
    checks.push((value, path, issues) => {
      if (typeof value !== 'number') return;
      if (typeof minimum === 'number' && value < minimum) {
        issues.push(`${label(path)}: must be >= ${minimum}`);
      }
      if (typeof maximum === 'number' && value > maximum) {
        issues.push(`${label(path)}: must be <= ${maximum}`);
      }
    });
  }
  const required = Array.isArray(requiredValue) ? requiredValue.map(String) : [];
  const properties = isRecord(propertiesValue) ? propertiesValue : {};
  const propertyChecks = Object.entries(properties).map(
    ([name, sub]) => [name, compileSchema(sub, root)] as const,
  );
  const known = new Set(Object.keys(properties));
  const additionalCheck = additional === undefined ? undefined : compileSchema(additional, root);
  if (required.length > 0 || propertyChecks.length > 0 || additionalCheck !== undefined) {
    checks.push((value, path, issues) => {
      if (!isRecord(value)) return;
      for (const name of required) {
        if (!Object.hasOwn(value, name)) issues.push(`${label(`${path}/${name}`)}: is required`);
      }
      for (const [name, check] of propertyChecks) {
        if (Object.hasOwn(value, name)) check(value[name], `${path}/${name}`, issues);
      }
      if (additionalCheck === undefined) return;
      for (const name of Object.keys(value)) {
        if (known.has(name)) continue;
        if (additional === false) issues.push(`${label(`${path}/${name}`)}: is not allowed`);
        else additionalCheck(value[name], `${path}/${name}`, issues);
      }
    });
  }
  if (typeof minItems === 'number' || typeof maxItems === 'number') {
    checks.push((value, path, issues) => {
      if (!Array.isArray(value)) return;
      if (typeof minItems === 'number' && value.length < minItems) {
        issues.push(`${label(path)}: must have at least ${minItems} items`);
      }
      if (typeof maxItems === 'number' && value.length > maxItems) {
        issues.push(`${label(path)}: must have at most ${maxItems} items, got ${value.length}`);
      }
    });
  }
  if (items !== undefined) {
    const itemCheck = compileSchema(items, root);
    checks.push((value, path, issues) => {
      if (!Array.isArray(value)) return;
      value.forEach((item, index) => {
        itemCheck(item, `${path}/${index}`, issues);
      });
    });
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
