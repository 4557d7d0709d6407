/**
 * Build-time reading of Arazzo and OpenAPI documents (YAML or JSON). A document flattened onto one line is
 * recovered with `unflattenYaml` (see unflatten.ts) only when it does not parse as it is.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { WorkflowDocumentError } from '../errors.ts';
import { ARAZZO_SHAPE, type Shape, unflattenYaml } from './unflatten.ts';

export type ParsedText = {
  readonly document: unknown;
  /** True when the text was a single flattened line rebuilt by `unflattenYaml`. */
  readonly recovered: boolean;
};

const parseStrict = (text: string): unknown =>
  // uniqueKeys: a repeated key is an error, not a silent overwrite. maxAliasCount bounds alias expansion.
  parse(text, { uniqueKeys: true, maxAliasCount: 100, prettyErrors: false });

const looksLikeDocument = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Parses YAML or JSON text. A single line that fails to parse (or parses to a bare scalar) is rebuilt with
 * `unflattenYaml` using `shape`. Throws WorkflowDocumentError when neither works.
 */
export const parseDocumentText = (
  text: string,
  what: string,
  shape: Shape | undefined = ARAZZO_SHAPE,
): ParsedText => {
  let firstError: string | undefined;
  try {
    const document = parseStrict(text);
    if (looksLikeDocument(document)) return { document, recovered: false };
    firstError = 'the text is not a mapping';
  } catch (error) {
    firstError = (error as Error).message.split('\n')[0];
  }
  const singleLine = !text.trim().includes('\n');
  if (singleLine && shape !== undefined && text.trim() !== '') {
    try {
      const document = parseStrict(unflattenYaml(text, shape));
      if (looksLikeDocument(document)) return { document, recovered: true };
    } catch (error) {
      throw new WorkflowDocumentError(`${what} is a single line that cannot be recovered`, {
        issues: [`/: ${firstError ?? ''}; recovery: ${(error as Error).message.split('\n')[0]}`],
      });
    }
  }
  throw new WorkflowDocumentError(`${what} is not valid YAML or JSON`, {
    issues: [`/: ${firstError ?? 'unreadable'}`],
  });
};

/** Reads and parses a file. Throws WorkflowDocumentError when it cannot be read or parsed. */
export const readDocumentFile = async (
  path: string,
  shape: Shape | undefined = ARAZZO_SHAPE,
): Promise<ParsedText> => {
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
  return parseDocumentText(text, path, shape);
};
