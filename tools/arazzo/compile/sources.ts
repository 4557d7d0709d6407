/** The document's sources with their parsed descriptions indexed: what steps resolve operations against. */
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { at } from './document-values.ts';
import { indexOperations, type OperationIndex } from './operation-index.ts';
import type { ScopeSource } from './scope.ts';
import { serverUrlsOf } from './servers.ts';
import type { SourceEntry } from './source-description.ts';

/**
 * The parsed descriptions of a document's sources, by source name; or, the older form, the description of its only
 * OpenAPI source. `issues` are the problems met reading them (reported with the document's).
 */
export type SourceDocuments =
  | {
      readonly sources: Readonly<Record<string, unknown>>;
      readonly issues?: readonly DocumentIssue[];
    }
  | { readonly openapi: unknown; readonly issues?: readonly DocumentIssue[] };

const descriptionsOf = (
  entries: readonly SourceEntry[],
  given: SourceDocuments,
): Readonly<Record<string, unknown>> => {
  if ('sources' in given) return given.sources;
  const only = entries.find((entry) => entry.type === 'openapi');
  return only === undefined ? {} : { [only.name]: given.openapi };
};

const indexSource = (
  entry: SourceEntry,
  descriptions: Readonly<Record<string, unknown>>,
  issues: DocumentIssue[],
): { operations: OperationIndex; servers: string[] } => {
  const where = at(entry.pointer, 'url');
  if (entry.type !== 'openapi') return { operations: new Map(), servers: [] };
  if (!Object.hasOwn(descriptions, entry.name)) {
    issues.push({
      pointer: where,
      message: `no OpenAPI description was given for source "${entry.name}"`,
    });
    return { operations: new Map(), servers: [] };
  }
  const description = descriptions[entry.name];
  const operations = indexOperations(description, issues, {
    name: entry.name,
    url: entry.url,
    where,
  });
  // A description that failed to load has no servers; its loading problem is already reported.
  const servers = isRecord(description)
    ? (serverUrlsOf(description['servers'], entry.url, `${where}#/servers`, {
        issues,
        fallbackToRoot: true,
      }) ?? [])
    : [];
  return { operations, servers };
};

/** Every source by name (the first of a duplicated name), its operations indexed and its servers resolved. */
export const scopeSources = (
  entries: readonly SourceEntry[],
  given: SourceDocuments,
  issues: DocumentIssue[],
): Map<string, ScopeSource> => {
  const descriptions = descriptionsOf(entries, given);
  const sources = new Map<string, ScopeSource>();
  for (const entry of entries) {
    if (sources.has(entry.name)) continue;
    sources.set(entry.name, { ...entry, ...indexSource(entry, descriptions, issues) });
  }
  return sources;
};
