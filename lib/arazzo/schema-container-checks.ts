/** The keywords that look inside objects and arrays: properties, `required`, `additionalProperties`, items. */
import { isRecord } from './is-record.ts';
import type { KeywordCheckBuilder } from './schema-check.ts';

export const objectCheck: KeywordCheckBuilder = (schema, label, compile) => {
  const {
    required: requiredValue,
    properties: propertiesValue,
    additionalProperties: additional,
  } = schema;
  const required = Array.isArray(requiredValue) ? requiredValue.map(String) : [];
  const properties = isRecord(propertiesValue) ? propertiesValue : {};
  const propertyChecks = Object.entries(properties).map(
    ([name, sub]) => [name, compile(sub)] as const,
  );
  const known = new Set(Object.keys(properties));
  const additionalCheck = additional === undefined ? undefined : compile(additional);
  if (required.length === 0 && propertyChecks.length === 0 && additionalCheck === undefined)
    return undefined;
  return (value, path, issues) => {
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
  };
};

export const itemCountCheck: KeywordCheckBuilder = ({ minItems, maxItems }, label) => {
  if (typeof minItems !== 'number' && typeof maxItems !== 'number') return undefined;
  return (value, path, issues) => {
    if (!Array.isArray(value)) return;
    if (typeof minItems === 'number' && value.length < minItems) {
      issues.push(`${label(path)}: must have at least ${minItems} items`);
    }
    if (typeof maxItems === 'number' && value.length > maxItems) {
      issues.push(`${label(path)}: must have at most ${maxItems} items, got ${value.length}`);
    }
  };
};

export const itemsCheck: KeywordCheckBuilder = ({ items }, _label, compile) => {
  if (items === undefined) return undefined;
  const itemCheck = compile(items);
  return (value, path, issues) => {
    if (!Array.isArray(value)) return;
    value.forEach((item, index) => {
      itemCheck(item, `${path}/${index}`, issues);
    });
  };
};
