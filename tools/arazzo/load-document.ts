/**
 * Build-time reading of Arazzo and OpenAPI documents (YAML or JSON). Strict: a repeated key is an error and alias
 * expansion is bounded, so what compiles is exactly what the author wrote.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { isRecord } from '../../lib/arazzo/is-record.ts';
import { WorkflowDocumentError } from '../../lib/errors.ts';

export type ParsedText = {
  readonly document: unknown;
};

const parseStrict = (text: string): unknown =>
  // uniqueKeys: a repeated key is an error, not a silent overwrite. maxAliasCount bounds alias expansion.
  parse(text, { uniqueKeys: true, maxAliasCount: 100, prettyErrors: false });

const firstLine = (error: unknown): string => (error as Error).message.split('\n')[0] ?? '';

/** Parses YAML or JSON text into a mapping. Throws WorkflowDocumentError otherwise. */
export const parseDocumentText = (text: string, what: string): ParsedText => {
  let problem: string;
  try {
    const document = parseStrict(text);
    if (isRecord(document)) return { document };
    problem = 'the text is not a mapping';
  } catch (error) {
    problem = firstLine(error);
  }
  throw new WorkflowDocumentError(`${what} is not valid YAML or JSON`, {
    issues: [`/: ${problem === '' ? 'unreadable' : problem}`],
  });
};

/** Reads and parses a file. Throws WorkflowDocumentError when it cannot be read or parsed. */
export const readDocumentFile = async (path: string): Promise<ParsedText> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new WorkflowDocumentError(
      `Cannot read ${path}`,
      { issues: [`/: cannot read ${path}`] },
      { cause },
    );
  }
  return parseDocumentText(text, path);
};
