/** The document's source descriptions: exactly one, of OpenAPI type. */
import type { DocumentIssue } from '../schema-validation.ts';
import { asArray, asRecord, type Rec, str } from './document-values.ts';

/** Where the one supported source description's URL is; source problems are reported there. */
export const SOURCE_URL_POINTER = '/sourceDescriptions/0/url';

/** The first source description, or `{}`. */
export const firstSourceOf = (document: Rec): Rec => {
  return asRecord(asArray(document['sourceDescriptions'])[0]);
};

/** Reports a source list the compiler does not support; returns the first source description (or `{}`). */
export const checkSourceDescriptions = (
  document: Rec,
  issues: DocumentIssue[],
  warnings: DocumentIssue[],
): Rec => {
  const sources = asArray(document['sourceDescriptions']);
  if (sources.length !== 1) {
    issues.push({
      pointer: '/sourceDescriptions',
      message: `exactly one source description is supported, found ${sources.length}`,
    });
  }
  const type = str(firstSourceOf(document)['type']);
  if (type === 'arazzo') {
    issues.push({
      pointer: '/sourceDescriptions/0/type',
      message: 'arazzo-type source descriptions are not supported',
    });
  } else if (type === undefined) {
    warnings.push({
      pointer: '/sourceDescriptions/0/type',
      message: 'type is absent; treated as openapi',
    });
  }
  return firstSourceOf(document);
};
