/**
 * Where `arazzo run` may send the Amberflo API key (docs/arazzo.md §12), decided once from the servers the runner
 * resolves for each operation, never from a request's URL. A source's resolved server gets the key when it is
 * (a) an https origin on amberflo.io or a subdomain; (b) a server the operator chose with `--server` (named or bare)
 * for a source that is Amberflo's by its description (it declares an https amberflo.io server); or (c) a server of a
 * source named with `--api-key-source`. Anything else (another declared server of an Amberflo source, an
 * operation's own server elsewhere, a bare `--server` for another API) gets exactly the document's request.
 */
import type { CompiledDocument } from '../../../lib/arazzo/index.ts';
import { checkSourceNames, resolveServers } from '../../../lib/arazzo/servers.ts';
import type { ServerFlags } from './options.ts';

/** Whether a URL is an https origin on amberflo.io or one of its subdomains (never a look-alike host). */
export const isAmberfloOrigin = (url: string): boolean => {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && /(^|\.)amberflo\.io$/i.test(parsed.hostname);
  } catch {
    // A relative server names no host: it cannot be Amberflo's.
    return false;
  }
};

/**
 * The sources that are Amberflo's: by their description (an https amberflo.io server among the source's servers)
 * or named with `--api-key-source`; an unknown name is an ArazzoDocumentError (exit 2).
 */
export const amberfloSourcesOf = (
  compiled: CompiledDocument,
  named: readonly string[],
): ReadonlySet<string> => {
  checkSourceNames(
    compiled.sources,
    named,
    '--api-key-source',
    (name) => `--api-key-source ${name}`,
  );
  const described = compiled.sources
    .filter((source) => source.servers.some(isAmberfloOrigin))
    .map((source) => source.name);
  return new Set([...described, ...named]);
};

/** The origins that get the key, by source name. */
export type KeyRoutes = ReadonlyMap<string, ReadonlySet<string>>;

/** Whether the operator chose the source's server (`--server <source>=<url>`, or a bare `--server <url>`). */
const chosen = (flags: ServerFlags, source: string): boolean =>
  flags.bySource[source] !== undefined || flags.fallback !== undefined;

/**
 * Resolves every operation's server as the runner does (same checks, same ArazzoDocumentError) and keeps, per
 * source, the origins of the resolved servers that may carry the key.
 */
export const keyRoutesOf = (
  compiled: CompiledDocument,
  flags: ServerFlags,
  named: readonly string[],
): KeyRoutes => {
  const amberflo = amberfloSourcesOf(compiled, named);
  const table = resolveServers(compiled.sources, compiled.operations, {
    baseUrl: flags.fallback,
    servers: flags.bySource,
  });
  const routes = new Map<string, Set<string>>();
  for (const [key, server] of table) {
    const source = compiled.operations[key]?.source;
    if (source === undefined) continue;
    const keyed =
      isAmberfloOrigin(server.origin) ||
      (amberflo.has(source) && chosen(flags, source)) ||
      named.includes(source);
    if (!keyed) continue;
    const origins = routes.get(source) ?? new Set<string>();
    origins.add(server.origin);
    routes.set(source, origins);
  }
  return routes;
};
