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
