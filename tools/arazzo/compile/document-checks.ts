/** Checks that look at the document's own text: hostile keys, names and ids. */
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import { FORBIDDEN_KEYS } from '../../../lib/arazzo/json-pointer.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { at } from './document-values.ts';

const MAX_DEPTH = 64;
// Arazzo 1.0.1's rule for output names, input names and component keys.
const NAME = /^[a-zA-Z0-9.\-_]+$/;

/** Reports every forbidden key (`__proto__` and kin) and any nesting deeper than 64 levels. */
export const walkForbiddenKeys = (
  value: unknown,
  pointer: string,
  issues: DocumentIssue[],
  depth = 0,
): void => {
  if (depth > MAX_DEPTH) {
    issues.push({ pointer, message: `nesting deeper than ${MAX_DEPTH} levels` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      walkForbiddenKeys(item, at(pointer, index), issues, depth + 1);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key))
      issues.push({ pointer: at(pointer, key), message: `forbidden key "${key}"` });
    walkForbiddenKeys(item, at(pointer, key), issues, depth + 1);
  }
};

/**
 * Input and output names become runtime expression tokens (`$inputs.<name>`), so they keep to 1.0.1's alphabet;
 * `.` is allowed and resolved against the declared names (docs/arazzo.md §8).
 */
export const checkName = (
  name: string,
  kind: 'input' | 'output',
  pointer: string,
  issues: DocumentIssue[],
): void => {
  if (!NAME.test(name)) {
    issues.push({ pointer, message: `${kind} name "${name}" must match ^[a-zA-Z0-9.\\-_]+$` });
  }
};

// Arazzo 1.0.1's recommended alphabet for workflowId and stepId ("SHOULD conform to [A-Za-z0-9_\-]+").
const ID = /^[A-Za-z0-9_-]+$/;

/**
 * A workflowId or stepId outside 1.0.1's alphabet: one that starts with `$` or holds `.` is an error, since it
 * could name another workflow's key (`$sourceDescriptions.<name>.<id>`) or split an expression
 * (`$steps.<id>.outputs`); any other character is a warning, as the specification only says SHOULD
 * (docs/arazzo.md §17).
 */
export const checkId = (
  id: string,
  kind: 'workflowId' | 'stepId',
  pointer: string,
  found: { readonly issues: DocumentIssue[]; readonly warnings: DocumentIssue[] },
): void => {
  if (ID.test(id)) return;
  const message = `${kind} "${id}" should match [A-Za-z0-9_-]+ (Arazzo 1.0.1)`;
  if (id.startsWith('$') || id.includes('.')) {
    found.issues.push({ pointer, message: `${message}; "$" and "." are refused` });
  } else {
    found.warnings.push({ pointer, message });
  }
};
