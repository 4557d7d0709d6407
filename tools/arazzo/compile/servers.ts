/**
 * OpenAPI `servers` lists reduced to URLs (docs/arazzo.md §2.1): each `{variable}` replaced by its `default`, and a
 * relative URL resolved against the source description's `url` when that is http(s). A relative URL that cannot be
 * resolved is kept as written: it is unusable unless the caller configures the source's server, which the runner
 * says when it is created (run time), not here.
 */
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { asRecord, at, str } from './document-values.ts';

const VARIABLE = /\{([^{}]*)\}/g;

const isHttpUrl = (text: string): boolean => /^https?:\/\//i.test(text);

/** The server URL made absolute against an http(s) source url, else unchanged. */
export const resolveServerUrl = (url: string, sourceUrl: string): string => {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || !isHttpUrl(sourceUrl)) return url;
  try {
    return new URL(url, sourceUrl).href;
  } catch {
    // An unparseable combination stays as written; the runner refuses it with its text.
    return url;
  }
};

/** The Server Object's URL with its variables substituted; undefined (with an issue) when it cannot be. */
const substitute = (server: unknown, pointer: string, issues: DocumentIssue[]) => {
  const url = isRecord(server) ? str(server['url']) : undefined;
  if (url === undefined) {
    issues.push({ pointer, message: 'a server has no url' });
    return undefined;
  }
  const variables = asRecord(asRecord(server)['variables']);
  let complete = true;
  const substituted = url.replace(VARIABLE, (_text, name: string) => {
    const variable = Object.hasOwn(variables, name) ? variables[name] : undefined;
    const fallback = isRecord(variable) ? str(variable['default']) : undefined;
    if (fallback === undefined) {
      complete = false;
      issues.push({
        pointer: at(pointer, 'url'),
        message: `server variable "${name}" has no default`,
      });
      return '';
    }
    return fallback;
  });
  return complete ? substituted : undefined;
};

/**
 * The URLs of a `servers` list, or undefined when there is no list. `fallbackToRoot` applies OpenAPI's default for
 * the description's own list: absent or empty means one server `/`.
 */
export const serverUrlsOf = (
  servers: unknown,
  sourceUrl: string,
  pointer: string,
  options: { readonly issues: DocumentIssue[]; readonly fallbackToRoot: boolean },
): string[] | undefined => {
  const list = Array.isArray(servers) ? servers : [];
  if (list.length === 0) {
    return options.fallbackToRoot ? [resolveServerUrl('/', sourceUrl)] : undefined;
  }
  return list.flatMap((server, index) => {
    const url = substitute(server, at(pointer, index), options.issues);
    return url === undefined ? [] : [resolveServerUrl(url, sourceUrl)];
  });
};
