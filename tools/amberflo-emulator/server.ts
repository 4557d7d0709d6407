/**
 * The local Amberflo emulator: a node:http server on 127.0.0.1 (docs/amberflo-api.md §13, toolchain.md §4). It checks the
 * API key on every API route, injects deterministic faults, keeps a request log (`api-request.ts`), and exposes an
 * admin API under the reserved prefix `/_emulator/` (`admin.ts`, no key needed). Only tests, `tools/local/` and CLIs
 * import it: never deployed code.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminApi } from './admin.ts';
import type { EmulatorState } from './api.ts';
import { createApiResponder } from './api-request.ts';
import { createEmulatorComponents } from './components.ts';
import { createHungResponses } from './fault-reply.ts';
import { readBody, sendReply } from './http-io.ts';
import type {
  AmberfloEmulatorOptions,
  EmulatorSwitches,
  EmulatorSwitchesInput,
  FaultConfig,
  FaultConfigInput,
  FaultKind,
  ScriptedFaultInput,
} from './options.ts';
import type { Outage, OutageRequest } from './outage.ts';
import type { RateLimit, RateLimitInput } from './rate-limit.ts';
import type { RequestLogEntry } from './request-log.ts';

export { DEFAULT_EMULATOR_API_KEY } from './components.ts';
export type { RequestLogEntry } from './request-log.ts';

/** The admin API's reserved prefix; never an Amberflo path. */
export const ADMIN_PREFIX = '/_emulator/';

/** A running emulator and its in-process controls (the admin API offers the same over HTTP). */
export type AmberfloEmulator = {
  /** Base URL, e.g. `http://127.0.0.1:40123`: hand it to config as AMBERFLO_BASE_URL. */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  /** Closes every connection (hung ones included) and the server. */
  readonly stop: () => Promise<void>;
  /** A deep copy of customers, relations and commitments. */
  readonly state: () => EmulatorState;
  /** Replaces the state (seeding). */
  readonly load: (state: Partial<EmulatorState>) => void;
  /** Requests per route key since the last reset. */
  readonly requestCounts: () => Record<string, number>;
  readonly requestLog: () => RequestLogEntry[];
  readonly clearRequestLog: () => void;
  /** Back to the start: empty state and log, the initial switches and faults, the PRNG reseeded. */
  readonly reset: () => void;
  /** Replaces the fault configuration (rates, per-route rates, scripted faults). */
  readonly setFaults: (config: FaultConfigInput) => void;
  readonly faults: () => FaultConfig;
  /** Fails the next `times` calls of `route` ('POST /customers' or '*') with `kind`. */
  readonly failNext: (
    route: string,
    kind: FaultKind,
    times?: number,
    extra?: Omit<ScriptedFaultInput, 'route' | 'kind' | 'times'>,
  ) => void;
  /** Changes some switches; the others keep their values. Throws a ZodError on invalid values. */
  readonly setSwitches: (patch: EmulatorSwitchesInput) => EmulatorSwitches;
  readonly switches: () => EmulatorSwitches;
  /** Rate-limit mode (null: off). Throws a ZodError when invalid. */
  readonly setRateLimit: (limit: RateLimitInput | null) => void;
  readonly rateLimit: () => RateLimit | null;
  /** Outage mode from now on (null: none). Throws a ZodError when invalid. */
  readonly setOutage: (outage: OutageRequest | null) => Outage | null;
  readonly outage: () => Outage | null;
};

/**
 * Starts the emulator on 127.0.0.1 (port 0 by default) and resolves once it listens. Throws a ZodError when the
 * switches or the fault configuration are invalid.
 */
export const startAmberfloEmulator = async (
  options: AmberfloEmulatorOptions = {},
): Promise<AmberfloEmulator> => {
  const { port = 0, ...rest } = options;
  const parts = createEmulatorComponents(rest);
  const { api, injector, limiter, requestLog } = parts;
  const hung = createHungResponses(() => injector.hangMaxMs());
  const answerAdmin = createAdminApi(parts);
  const answerApi = createApiResponder(parts, hung.hold);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void (async () => {
      const text = await readBody(req);
      if (!url.pathname.startsWith(ADMIN_PREFIX)) return answerApi(req, res, url, text);
      const path = url.pathname.slice(ADMIN_PREFIX.length - 1);
      sendReply(res, answerAdmin(req.method ?? 'GET', path, text ?? ''));
    })().catch(() => {
      if (!res.headersSent)
        sendReply(res, { status: 500, json: { errorMessage: 'Emulator failure' } });
      else res.destroy();
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    apiKey: parts.apiKey,
    stop: async () => {
      hung.releaseAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    state: () => api.snapshot(),
    load: (state) => api.load(state),
    requestCounts: () => ({ ...requestLog.counts() }),
    requestLog: () => requestLog.entries().map((entry) => ({ ...entry })),
    clearRequestLog: () => requestLog.clear(),
    reset: parts.reset,
    setFaults: (config) => injector.configure(config),
    faults: () => injector.current(),
    failNext: (route, kind, times = 1, extra = {}) =>
      injector.script([{ ...extra, route, kind, times }]),
    setSwitches: parts.setSwitches,
    switches: () => structuredClone(parts.switches()),
    setRateLimit: (limit) => limiter.configure(limit),
    rateLimit: () => limiter.current(),
    setOutage: parts.setOutage,
    outage: () => parts.outage.current(),
  };
};
