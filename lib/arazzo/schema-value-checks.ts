/** The keywords that judge one value as it is: `type`, `enum`, `const`, string length and pattern, number range. */
import type { KeywordCheckBuilder } from './schema-check.ts';

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

const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
};

export const typeCheck: KeywordCheckBuilder = ({ type: rawType }, label) => {
  if (rawType === undefined) return undefined;
  const types = (Array.isArray(rawType) ? rawType : [rawType]).map(String);
  return (value, path, issues) => {
    if (!types.some((type) => matchesType(value, type))) {
      issues.push(`${label(path)}: must be ${types.join(' or ')}, got ${typeOf(value)}`);
    }
  };
};

export const enumCheck: KeywordCheckBuilder = ({ enum: enumValues }, label) => {
  if (!Array.isArray(enumValues)) return undefined;
  const options: readonly unknown[] = enumValues;
  return (value, path, issues) => {
    if (!options.some((option) => sameJson(option, value))) {
      issues.push(`${label(path)}: must be one of ${JSON.stringify(options)}`);
    }
  };
};

export const constCheck: KeywordCheckBuilder = (schema, label) => {
  if (!Object.hasOwn(schema, 'const')) return undefined;
  const { const: expected } = schema;
  return (value, path, issues) => {
    if (!sameJson(expected, value))
      issues.push(`${label(path)}: must be ${JSON.stringify(expected)}`);
  };
};

/** Throws a plain `Error` for a pattern that does not compile. */
export const stringCheck: KeywordCheckBuilder = (schema, label) => {
  const { minLength, maxLength, pattern: patternText } = schema;
  const pattern = typeof patternText === 'string' ? new RegExp(patternText, 'u') : undefined;
  if (typeof minLength !== 'number' && typeof maxLength !== 'number' && pattern === undefined)
    return undefined;
  return (value, path, issues) => {
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
  };
};

export const numberCheck: KeywordCheckBuilder = ({ minimum, maximum }, label) => {
  if (typeof minimum !== 'number' && typeof maximum !== 'number') return undefined;
  return (value, path, issues) => {
    if (typeof value !== 'number') return;
    if (typeof minimum === 'number' && value < minimum) {
      issues.push(`${label(path)}: must be >= ${minimum}`);
    }
    if (typeof maximum === 'number' && value > maximum) {
      issues.push(`${label(path)}: must be <= ${maximum}`);
    }
  };
};
