/**
 * How `arazzo run` sends (docs/arazzo.md §12): each request by its source and the key routes decided from the
 * resolved servers (key-routes.ts). A request of a source to one of its keyed origins goes through the Amberflo HTTP
 * layer built for that origin, which adds the API key; every other request gets exactly the document's request.
 */

import type { AmberfloHttp } from '../../../lib/amberflo/http.ts';
import { createAmberfloHttp, DEFAULT_MAX_RESPONSE_BYTES } from '../../../lib/amberflo/http.ts';
import type { Send } from '../../../lib/arazzo/index.ts';
import type { KeyRoutes } from './key-routes.ts';
import { createPlainSend } from './plain-send.ts';

export type RunSendOptions = {
  readonly keyRoutes: KeyRoutes;
  /** Called only when a keyed request carries no `x-api-key` of its own. */
  readonly getApiKey: () => string;
  readonly timeoutMs: number;
};

export type RunSend = {
  readonly send: Send;
  /** Every key value sent so far, for redaction. */
  readonly knownSecrets: () => readonly string[];
};

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/** One Amberflo layer per keyed origin, built before anything is sent. */
const layersOf = (options: RunSendOptions): ReadonlyMap<string, AmberfloHttp> => {
  const layers = new Map<string, AmberfloHttp>();
  for (const origin of new Set([...options.keyRoutes.values()].flatMap((each) => [...each]))) {
    layers.set(
      origin,
      createAmberfloHttp({
        baseUrl: origin,
        timeoutMs: options.timeoutMs,
        getApiKey: options.getApiKey,
      }),
    );
  }
  return layers;
};

/** A send that routes keyed requests through their origin's Amberflo layer and the rest through the plain send. */
export const createRunSend = (options: RunSendOptions): RunSend => {
  const layers = layersOf(options);
  const plain = createPlainSend({ maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES });
  // The URL only selects among the layers the routes allow for this source; it never creates one.
  const layerFor = (source: string, url: string): AmberfloHttp | undefined => {
    const origin = originOf(url);
    const allowed = origin !== undefined && options.keyRoutes.get(source)?.has(origin) === true;
    return allowed ? layers.get(origin) : undefined;
  };
  return {
    send: async (request, sendOptions) =>
      (layerFor(request.source, request.url)?.send ?? plain)(request, sendOptions),
    knownSecrets: () => [...layers.values()].flatMap((layer) => layer.knownSecrets()),
  };
};
