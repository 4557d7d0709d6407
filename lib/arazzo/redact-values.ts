/**
 * Redaction of values, not only texts (docs/arazzo.md §7, §12): an output may hold a whole response body or an
 * input object, and a secret inside it is as much a leak as a secret in a string output.
 */
import { isRecord } from './is-record.ts';
import { redactSecrets } from './redact.ts';

/** Deeper than this, a part of a value is not inspected and is withheld whole (§12 limits nesting to 64). */
const MAX_DEPTH = 64;
const WITHHELD = '[REDACTED]';

/**
 * `value` with `redact` applied to every string in it, in objects and arrays at any depth. Nothing is mutated: a
 * part that changes is copied, a part that does not is returned as it is (it may be the caller's inputs or a body
 * other steps still read). A part nested deeper than 64 levels, or a cycle back into the value, is withheld whole.
 */
export const redactValue = (value: unknown, redact: (text: string) => string): unknown => {
  // Each object is visited once (shared parts cost nothing twice); an entry under way marks a cycle.
  const visited = new Map<object, unknown>();
  const visit = (current: unknown, depth: number): unknown => {
    if (typeof current === 'string') return redact(current);
    if (current === null || typeof current !== 'object') return current;
    if (visited.has(current)) return visited.get(current);
    if (depth >= MAX_DEPTH) return WITHHELD;
    visited.set(current, WITHHELD);
    const result = Array.isArray(current)
      ? redactArray(current, (item) => visit(item, depth + 1))
      : redactRecord(current, (item) => visit(item, depth + 1));
    visited.set(current, result);
    return result;
  };
  return visit(value, 0);
};

const redactArray = (array: readonly unknown[], visit: (item: unknown) => unknown): unknown => {
  const items = array.map(visit);
  return items.every((item, index) => item === array[index]) ? array : items;
};

/** Own enumerable keys only; `Object.fromEntries` keeps a `__proto__` key an own property (§12). */
const redactRecord = (record: object, visit: (item: unknown) => unknown): unknown => {
  if (!isRecord(record)) return record;
  const entries = Object.entries(record);
  const redacted = entries.map(([key, item]): [string, unknown] => [key, visit(item)]);
  const changed = redacted.some(([, item], index) => item !== entries[index]?.[1]);
  return changed ? Object.fromEntries(redacted) : record;
};

/** `value` with every one of `secrets` replaced in every string in it (see `redactValue`). */
export const redactSecretsIn = (value: unknown, secrets: Iterable<string>): unknown => {
  const list = [...secrets];
  return list.length === 0 ? value : redactValue(value, (text) => redactSecrets(text, list));
};
