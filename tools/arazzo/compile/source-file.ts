/** Finding and reading the file each source description names (docs/arazzo.md §2.1); remote URLs are never fetched. */
import { dirname, isAbsolute, resolve } from 'node:path';
import { readDocumentFile } from '../load-document.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { walkForbiddenKeys } from './document-checks.ts';
import { at } from './document-values.ts';
import type { SourceEntry } from './source-description.ts';

/** A source description by name and url. */
export type SourceReference = { readonly name: string; readonly url: string };

/** The parsed source document (absent when it could not be loaded) and the problems met loading it. */
export type LoadedSource = { readonly document: unknown; readonly issues: DocumentIssue[] };

/** Loads the document of a source by name, once; an unknown name resolves to an absent document and an issue. */
export type SourceLoader = (name: string) => Promise<LoadedSource>;

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

/** Reads one source's file; remote sources and unreadable files are issues at its `url`, never thrown. */
const loadEntry = async (
  documentPath: string,
  entry: SourceEntry,
  overrides: Readonly<Record<string, string>> | undefined,
): Promise<LoadedSource> => {
  const issues: DocumentIssue[] = [];
  const where = at(entry.pointer, 'url');
  const sourcePath = resolveSourcePath(documentPath, entry, overrides);
  if (sourcePath === undefined) {
    issues.push({
      pointer: where,
      message: `remote source "${entry.url}" is not supported; override it with --source ${entry.name}=<path>`,
    });
    return { document: undefined, issues };
  }
  try {
    const document = (await readDocumentFile(sourcePath)).document;
    walkForbiddenKeys(document, `${where}#`, issues);
    return { document, issues };
  } catch (error) {
    issues.push({
      pointer: where,
      message: `cannot load source "${entry.name}" from ${sourcePath}: ${(error as Error).message}`,
    });
    return { document: undefined, issues };
  }
};

/**
 * A loader for the sources of the document at `documentPath`: each is read at most once, whatever its type, so
 * the compilers of OpenAPI and Arazzo sources share it.
 */
export const createSourceLoader = (
  documentPath: string,
  entries: readonly SourceEntry[],
  overrides?: Readonly<Record<string, string>>,
): SourceLoader => {
  const loaded = new Map<string, Promise<LoadedSource>>();
  return (name) => {
    const entry = entries.find((candidate) => candidate.name === name);
    if (entry === undefined) {
      const issue = { pointer: '/sourceDescriptions', message: `no source description "${name}"` };
      return Promise.resolve({ document: undefined, issues: [issue] });
    }
    let pending = loaded.get(name);
    if (pending === undefined) {
      pending = loadEntry(documentPath, entry, overrides);
      loaded.set(name, pending);
    }
    return pending;
  };
};
