/**
 * How `arazzo run` sends (docs/arazzo.md §12): each request by its source. The Amberflo API key goes only to the
 * sources that are Amberflo's (their OpenAPI description declares an `amberflo.io` server) and to those named with
 * `--api-key-source`, through the Amberflo HTTP layer; every other source gets exactly the document's request.
 */

import type { AmberfloHttp } from '../../../lib/amberflo/http.ts';
import { createAmberfloHttp, DEFAULT_MAX_RESPONSE_BYTES } from '../../../lib/amberflo/http.ts';
import type { CompiledDocument, Send } from '../../../lib/arazzo/index.ts';
import { UsageError } from './options.ts';
import { createPlainSend } from './plain-send.ts';

const isAmberfloServer = (url: string): boolean => {
  try {
    return /(^|\.)amberflo\.io$/i.test(new URL(url).hostname);
  } catch {
    // A relative server names no host: it cannot be Amberflo's.
    return false;
  }
};

/** The sources that get the key: Amberflo's by their servers, and those named; an unknown name is a usage error. */
export const keySourcesOf = (
  compiled: CompiledDocument,
  named: readonly string[],
): ReadonlySet<string> => {
  const names = compiled.sources.map((source) => source.name);
  const unknown = named.filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `--api-key-source names no source description: ${unknown.join(', ')} (the document has: ${names.join(', ')})`,
    );
  }
  const amberflo = compiled.sources
    .filter((source) => source.servers.some(isAmberfloServer))
    .map((source) => source.name);
  return new Set([...amberflo, ...named]);
};

export type RunSendOptions = {
  readonly keySources: ReadonlySet<string>;
  /** Called only when a request of a key source carries no `x-api-key` of its own. */
  readonly getApiKey: () => string;
  readonly timeoutMs: number;
};

export type RunSend = {
  readonly send: Send;
  /** Every key value sent so far, for redaction. */
  readonly knownSecrets: () => readonly string[];
};

/** A send that routes key sources through the Amberflo layer (one per origin) and the rest through the plain send. */
export const createRunSend = (options: RunSendOptions): RunSend => {
  const layers = new Map<string, AmberfloHttp>();
  const plain = createPlainSend({ maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES });
  const layerFor = (origin: string): AmberfloHttp => {
    let layer = layers.get(origin);
    if (layer === undefined) {
      layer = createAmberfloHttp({
        baseUrl: origin,
        timeoutMs: options.timeoutMs,
        getApiKey: options.getApiKey,
      });
      layers.set(origin, layer);
    }
    return layer;
  };
  return {
    send: async (request, sendOptions) =>
      options.keySources.has(request.source)
        ? layerFor(new URL(request.url).origin).send(request, sendOptions)
        : plain(request, sendOptions),
    knownSecrets: () => [...layers.values()].flatMap((layer) => layer.knownSecrets()),
  };
};
