/**
 * Where each operation's requests go (docs/arazzo.md §12), decided once when the runner is created: the caller's
 * server for the operation's source (`servers[name]`), else the caller's `baseUrl`, else the first server the
 * source description declares for the operation (operation-, path- or description-level). A source that ends up
 * with no usable http(s) server is an ArazzoDocumentError before any run. Each request must stay on its server.
 */
import { checkHttpBaseUrl } from './base-url.ts';
import type { ServerBase } from './build-request.ts';
import type { CompiledOperation, CompiledSource } from './compiled-document.ts';
import { ArazzoDocumentError } from './errors.ts';

/** The caller's choice of servers: per source name, and one for every source without its own. */
export type ServerOptions = {
  readonly baseUrl?: string | undefined;
  readonly servers?: Readonly<Record<string, string>> | undefined;
};

/** The server of every operation the document uses, by operation key. */
export type ServerTable = ReadonlyMap<string, ServerBase>;

/** Origin and path prefix of a server URL, or why it cannot be used. */
const serverBaseOf = (url: string): ServerBase | { readonly problem: string; cause?: unknown } => {
  const checked = checkHttpBaseUrl(url);
  if (!checked.ok) return { problem: checked.problem, cause: checked.cause };
  const path = checked.url.pathname.replace(/\/+$/, '');
  return { url: `${checked.url.origin}${path}`, path, origin: checked.url.origin };
};

/** The caller's server for a source, checked; throws ArazzoDocumentError when it is not an http(s) URL. */
const configuredBase = (url: string, what: string): ServerBase => {
  const base = serverBaseOf(url);
  if (!('problem' in base)) return base;
  throw new ArazzoDocumentError(
    `${what} ${base.problem}`,
    [],
    base.cause === undefined ? undefined : { cause: base.cause },
  );
};

/**
 * Refuses names that are not source descriptions of the document (`what` says where they come from, `label` how an
 * issue names each): the one home of this check, for the runner's servers and for callers' own per-source options.
 */
export const checkSourceNames = (
  sources: readonly CompiledSource[],
  given: readonly string[],
  what: string,
  label: (name: string) => string,
): void => {
  const names = sources.map((source) => source.name);
  const unknown = given.filter((name) => !names.includes(name));
  if (unknown.length === 0) return;
  throw new ArazzoDocumentError(
    `${what} name unknown sources: ${unknown.join(', ')}`,
    unknown.map(
      (name) =>
        `${label(name)}: the document has no source description "${name}" (it has: ${names.join(', ')})`,
    ),
  );
};

/** The caller's servers, checked: `baseUrl` for every source without its own entry. */
const configuredServers = (sources: readonly CompiledSource[], options: ServerOptions) => {
  checkSourceNames(
    sources,
    Object.keys(options.servers ?? {}),
    'Runner servers',
    (name) => `servers.${name} (--server ${name}=<url>)`,
  );
  const fallback =
    options.baseUrl === undefined ? undefined : configuredBase(options.baseUrl, 'Runner base URL');
  const byName = new Map<string, ServerBase>();
  for (const [name, url] of Object.entries(options.servers ?? {})) {
    byName.set(name, configuredBase(url, `Runner server for source "${name}"`));
  }
  return { byName, fallback };
};

/** The first server the document declares for the operation: its own, else its source's. */
const declaredBase = (
  operation: CompiledOperation,
  source: CompiledSource | undefined,
): ServerBase | string => {
  const name = operation.source;
  const configure = `configure one (servers.${name}, or --server ${name}=<url>)`;
  const url = operation.servers?.[0] ?? source?.servers[0];
  if (url === undefined) return `source "${name}" declares no server; ${configure}`;
  const base = serverBaseOf(url);
  if (!('problem' in base)) return base;
  return `server "${url}" of source "${name}" is not an absolute http(s) URL (a relative server resolves only against an http(s) source url); ${configure}`;
};

/**
 * Resolves every operation's server. Throws ArazzoDocumentError when a configured server is not http(s), names an
 * unknown source, or when a source a step uses has no usable server (every such source listed).
 */
export const resolveServers = (
  sources: readonly CompiledSource[],
  operations: Readonly<Record<string, CompiledOperation>>,
  options: ServerOptions,
): ServerTable => {
  const { byName, fallback } = configuredServers(sources, options);
  const problems = new Set<string>();
  const table = new Map<string, ServerBase>();
  for (const [key, operation] of Object.entries(operations)) {
    const source = sources.find((candidate) => candidate.name === operation.source);
    const base = byName.get(operation.source) ?? fallback ?? declaredBase(operation, source);
    if (typeof base === 'string') problems.add(base);
    else table.set(key, base);
  }
  if (problems.size > 0) {
    throw new ArazzoDocumentError(`No usable server (${problems.size} problems)`, [...problems]);
  }
  return table;
};
