/** Parsing of the `arazzo` command-line options that commander cannot check by itself. */
import { readFile } from 'node:fs/promises';
import { isRecord } from '../../../lib/arazzo/is-record.ts';

/** A bad flag value: printed as `usage: <message>`, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Accumulates repeated `--source <name>=<path>` flags into a map by name. */
export const collectSource = (
  value: string,
  previous: Record<string, string>,
): Record<string, string> => {
  const index = value.indexOf('=');
  if (index <= 0 || index === value.length - 1) {
    throw new UsageError(`--source expects <name>=<path>, got "${value}"`);
  }
  return { ...previous, [value.slice(0, index)]: value.slice(index + 1) };
};

/** The workflow inputs of `--inputs`: a JSON object, inline or `@file`. Throws UsageError otherwise. */
export const readInputs = async (text: string): Promise<Record<string, unknown>> => {
  let raw = text;
  if (text.startsWith('@')) {
    try {
      raw = await readFile(text.slice(1), 'utf8');
    } catch {
      throw new UsageError(`cannot read inputs file ${text.slice(1)}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError('--inputs is not valid JSON');
  }
  if (!isRecord(parsed)) throw new UsageError('--inputs must be a JSON object');
  return parsed;
};

/** The `--server` flags: one URL per source name, and a bare URL for every source without its own. */
export type ServerFlags = {
  readonly bySource: Readonly<Record<string, string>>;
  readonly fallback?: string;
};

/**
 * Accumulates repeated `--server` flags: `<source>=<url>` sets that source's server, a bare `<url>` every other
 * source's. A URL has `:` before any `=`, so a value that starts with a source name and `=` is never a bare URL.
 */
export const collectServer = (value: string, previous: ServerFlags): ServerFlags => {
  const named = /^([A-Za-z0-9_-]+)=(.*)$/s.exec(value);
  if (named === null) return { ...previous, fallback: value };
  const [, name = '', url = ''] = named;
  if (url === '') throw new UsageError(`--server expects <source>=<url> or <url>, got "${value}"`);
  return { ...previous, bySource: { ...previous.bySource, [name]: url } };
};

/** Accumulates repeated `--api-key-source <name>` flags. */
export const collectName = (value: string, previous: readonly string[]): string[] => [
  ...previous,
  value,
];

/** A positive integer flag value; throws UsageError naming the flag otherwise. */
export const parsePositiveInteger = (text: string, flag: string, unit = ''): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new UsageError(`${flag} must be a positive integer${unit === '' ? '' : ` (${unit})`}`);
  }
  return value;
};
