/**
 * The emulated Amberflo API (docs/amberflo-api.md §13): the state store (`store.ts`), stale reads (`stale-reads.ts`) and
 * the route table (`routes/`) behind one request-in, reply-out surface. The HTTP server, the key check and fault
 * injection live in `server.ts`.
 */
import type { EmulatorSwitches } from './options.ts';
import { type ApiRequest, error, type Reply } from './routes/handler.ts';
import { matchRoute } from './routes/table.ts';
import { createStaleReads } from './stale-reads.ts';
import { createEmulatorStore, type EmulatorState, type EmulatorStore } from './store.ts';

export type { ApiRequest, Reply } from './routes/handler.ts';
export type {
  EmulatorState,
  StoredCommitment,
  StoredCustomer,
  StoredRelation,
} from './store.ts';

/** The emulated endpoints over one in-memory state. */
export type EmulatorApi = {
  /** The route key ('GET /customers/{id}') of a request, or undefined for an unknown route. */
  readonly routeKeyOf: (method: string, path: string) => string | undefined;
  /** Runs the endpoint, a read against the state `staleReadMs` ago; a 404 reply for unknown routes. */
  readonly handle: (request: ApiRequest) => Reply;
  readonly snapshot: () => EmulatorState;
  /** Replaces the state (admin seeding); missing parts become empty. */
  readonly load: (state: Partial<EmulatorState>) => void;
  /** Empty state, the id sequence and the stale-read memory from the start. */
  readonly clear: () => void;
};

/** Creates the emulated API over fresh state. `switches` is read on every request, so changes apply at once. */
export const createEmulatorApi = (
  switches: () => EmulatorSwitches,
  now: () => number,
): EmulatorApi => {
  const store = createEmulatorStore(now);
  const staleReads = createStaleReads(now);

  const run = (request: ApiRequest, over: EmulatorStore): Reply => {
    const current = switches();
    const found = matchRoute(current, request.method, request.path);
    if (found === undefined) return error(404, `No route for ${request.method} ${request.path}`);
    return found.route.handler({ store: over, switches: current, now }, request, found.params);
  };

  /** The store a request runs against: the live one, or a copy of the state a stale read should see. */
  const storeFor = (request: ApiRequest): EmulatorStore => {
    const lag = switches().staleReadMs;
    const past = staleReads.pastStateFor(request.method, lag, store.snapshot);
    if (past === undefined) return store;
    const stale = createEmulatorStore(now);
    stale.load(past);
    return stale;
  };

  return {
    routeKeyOf: (method, path) => matchRoute(switches(), method, path)?.route.key,
    handle: (request) => run(request, storeFor(request)),
    snapshot: store.snapshot,
    load: store.load,
    clear: () => {
      store.clear();
      staleReads.clear();
    },
  };
};
