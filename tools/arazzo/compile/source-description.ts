/**
 * The document's source descriptions (docs/arazzo.md §2.1): any number of `openapi` and `arazzo` sources (§17), each
 * named and unique.
 */
import type { DocumentIssue } from '../schema-validation.ts';
import { asArray, at, type Rec, str } from './document-values.ts';

/** One source description as the document writes it, with where it is. */
export type SourceEntry = {
  readonly name: string;
  /** A missing type is read as `openapi` (with a warning). */
  readonly type: 'openapi' | 'arazzo';
  readonly url: string;
  /** JSON Pointer of the Source Description Object: `/sourceDescriptions/<i>`. */
  readonly pointer: string;
};

/** Every source description of a parsed document, in order; entries without a string name are left out. */
export const sourceEntriesOf = (document: Rec): SourceEntry[] =>
  asArray(document['sourceDescriptions']).flatMap((raw, index) => {
    const source = raw as Rec;
    const name = typeof raw === 'object' && raw !== null ? str(source['name']) : undefined;
    if (name === undefined) return [];
    return [
      {
        name,
        type: str(source['type']) === 'arazzo' ? ('arazzo' as const) : ('openapi' as const),
        url: str(source['url']) ?? '',
        pointer: at('', 'sourceDescriptions', index),
      },
    ];
  });

/** Reports duplicate names; warns about a missing type. */
export const checkSourceDescriptions = (
  document: Rec,
  entries: readonly SourceEntry[],
  issues: DocumentIssue[],
  warnings: DocumentIssue[],
): void => {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) {
      issues.push({
        pointer: at(entry.pointer, 'name'),
        message: `duplicate source description name "${entry.name}"`,
      });
    }
    seen.add(entry.name);
  }
  asArray(document['sourceDescriptions']).forEach((raw, index) => {
    if (typeof raw === 'object' && raw !== null && (raw as Rec)['type'] === undefined) {
      warnings.push({
        pointer: at('', 'sourceDescriptions', index, 'type'),
        message: 'type is absent; treated as openapi',
      });
    }
  });
};
