/** Finding and reading the OpenAPI file a document's source description names. */
import { dirname, isAbsolute, resolve } from 'node:path';
import { readDocumentFile } from '../load-document.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { walkForbiddenKeys } from './document-checks.ts';
import { SOURCE_URL_POINTER } from './source-description.ts';

/** A source description by name and url. */
export type SourceReference = { readonly name: string; readonly url: string };

/** The parsed OpenAPI source (absent when it could not be loaded) and the problems met loading it. */
export type LoadedSource = { readonly openapi: unknown; readonly issues: DocumentIssue[] };

/** Where a source description's file is: the override by name, else its `url` relative to the document. */
export const resolveSourcePath = (
  documentPath: string,
  source: SourceReference,
  overrides: Readonly<Record<string, string>> = {},
): string | undefined => {
  const override = Object.hasOwn(overrides, source.name) ? overrides[source.name] : undefined;
  if (override !== undefined) return resolve(override);
  if (/^[a-z][a-z0-9+.-]*:/i.test(source.url) && !source.url.startsWith('file:')) return undefined;
  const url = source.url.startsWith('file:') ? new URL(source.url).pathname : source.url;
  return isAbsolute(url) ? url : resolve(dirname(resolve(documentPath)), url);
};

/** Reads the source's OpenAPI file; remote sources and unreadable files are issues, never thrown. */
export const loadSource = async (
  documentPath: string,
  source: SourceReference,
  overrides: Readonly<Record<string, string>> | undefined,
): Promise<LoadedSource> => {
  const issues: DocumentIssue[] = [];
  const sourcePath = resolveSourcePath(documentPath, source, overrides);
  if (sourcePath === undefined) {
    issues.push({
      pointer: SOURCE_URL_POINTER,
      message: `remote source "${source.url}" is not supported; override it with --source ${source.name}=<path>`,
    });
    return { openapi: undefined, issues };
  }
  try {
    const openapi = (await readDocumentFile(sourcePath)).document;
    walkForbiddenKeys(openapi, `${SOURCE_URL_POINTER}#`, issues);
    return { openapi, issues };
  } catch (error) {
    issues.push({
      pointer: SOURCE_URL_POINTER,
      message: `cannot load source "${source.name}" from ${sourcePath}: ${(error as Error).message}`,
    });
    return { openapi: undefined, issues };
  }
};
