/**
 * RFC 6901 JSON Pointers, read-only and own-properties only (docs/arazzo.md §8, §12). Used by runtime expressions,
 * conditions and payload replacements.
 */

/** Keys that could reach an object's prototype; refused in document keys and replacement targets. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Splits a pointer (`''` or `/a/b~1c`) into unescaped tokens. Returns undefined when the text is not a pointer
 * (no leading `/`, or a `~` not followed by `0` or `1`).
 */
export const parseJsonPointer = (pointer: string): string[] | undefined => {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  const tokens: string[] = [];
  for (const raw of pointer.slice(1).split('/')) {
    if (/~(?![01])/.test(raw)) return undefined;
    tokens.push(raw.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  return tokens;
};

/** Escapes one token for use in a pointer. */
export const escapePointerToken = (token: string): string =>
  token.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Walks `tokens` into `value` through own properties and array indexes only. Returns undefined ("absent") when any
 * token misses; never reaches a prototype.
 */
export const resolveTokens = (value: unknown, tokens: readonly string[]): unknown => {
  let current = value;
  for (const token of tokens) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(token)) return undefined;
      const index = Number(token);
      if (index >= current.length) return undefined;
      current = current[index];
    } else {
      if (!Object.hasOwn(current, token)) return undefined;
      current = (current as Record<string, unknown>)[token];
    }
  }
  return current;
};
