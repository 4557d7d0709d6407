/**
 * Readers for a parsed document that has not passed any check yet: each accepts any shape, because the schema
 * validation reports a wrong shape and compilation must still collect every other problem.
 */
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import { escapePointerToken } from '../../../lib/arazzo/json-pointer.ts';

export type Rec = Record<string, unknown>;

/** The value when it is an array, else an empty one. */
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The value when it is a plain object, else an empty one. */
export const asRecord = (value: unknown): Rec => (isRecord(value) ? value : {});

/** The value when it is a string, else `undefined`. */
export const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The JSON Pointer `base` extended by `tokens`, each escaped. */
export const at = (base: string, ...tokens: (string | number)[]): string =>
  `${base}${tokens.map((token) => `/${escapePointerToken(String(token))}`).join('')}`;
