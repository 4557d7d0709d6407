/** Reusable Objects (`reference: $components.<section>.<name>`) and the parameter lists built from them. */
import { parseExpression } from '../../../lib/arazzo/expression.ts';
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { asArray, asRecord, at, type Rec, str } from './document-values.ts';

type ReusableSection = 'parameters' | 'successActions' | 'failureActions';

/** A parameter as written (or resolved from a component), with where it was written. */
export type ResolvedParameter = { readonly value: Rec; readonly pointer: string };

type ComponentScope = { readonly components: Rec; readonly issues: DocumentIssue[] };

/** One section of `components` (`inputs`, `parameters`, …), or `{}`. */
export const componentSection = (components: Rec, name: string): Rec => asRecord(components[name]);

/** A parameter's identity: location and name, the name case-insensitive in headers. */
export const parameterIdentity = (parameter: Rec): string => {
  const name = str(parameter['name']) ?? '';
  const location = str(parameter['in']) ?? '';
  return `${location}:${location === 'header' ? name.toLowerCase() : name}`;
};

/** Resolves a Reusable Object to its component (a copy), or returns the object itself. */
export const resolveReusable = (
  item: unknown,
  pointer: string,
  section: ReusableSection,
  scope: ComponentScope,
): Rec | undefined => {
  if (!isRecord(item)) return undefined;
  const reference = str(item['reference']);
  if (reference === undefined) return item;
  const parsed = parseExpression(reference);
  if (
    !parsed.ok ||
    parsed.expression.kind !== 'component' ||
    parsed.expression.section !== section
  ) {
    scope.issues.push({
      pointer: at(pointer, 'reference'),
      message: `"${reference}" is not a $components.${section} reference`,
    });
    return undefined;
  }
  const target = componentSection(scope.components, section)[parsed.expression.name];
  if (!isRecord(target)) {
    scope.issues.push({
      pointer: at(pointer, 'reference'),
      message: `no component "${reference}"`,
    });
    return undefined;
  }
  return section === 'parameters' && Object.hasOwn(item, 'value')
    ? { ...target, value: item['value'] }
    : { ...target };
};

/**
 * Resolves a parameter list; a repeated parameter is an issue, and so is one without `in` unless the list is a
 * called workflow's inputs (`forWorkflow`: every parameter maps to an input by name, `in` ignored).
 */
export const resolveParameters = (
  list: unknown,
  pointer: string,
  scope: ComponentScope,
  forWorkflow = false,
): ResolvedParameter[] => {
  const resolved: ResolvedParameter[] = [];
  const identities = new Set<string>();
  asArray(list).forEach((item, index) => {
    const where = at(pointer, index);
    const value = resolveReusable(item, where, 'parameters', scope);
    if (value === undefined) return;
    const name = str(value['name']) ?? '';
    const location = str(value['in']);
    if (location === undefined && !forWorkflow) {
      scope.issues.push({
        pointer: where,
        message: `parameter "${name}" needs "in" for an operation step`,
      });
      return;
    }
    const identity = forWorkflow ? name : parameterIdentity(value);
    if (identities.has(identity)) {
      scope.issues.push({
        pointer: where,
        message: `duplicate parameter "${name}"${forWorkflow ? '' : ` in ${location}`}`,
      });
    }
    identities.add(identity);
    resolved.push({ value, pointer: where });
  });
  return resolved;
};
