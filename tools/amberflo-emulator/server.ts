/**
 * The local Amberflo emulator: a node:http server on 127.0.0.1 (amberflo-api.md §8, toolchain.md §4). It checks the
 * API key on every API route, injects deterministic faults, keeps a request log, and exposes an admin API under the
 * reserved prefix `/_emulator/` (no key needed). Only tests, `tools/local/` and CLIs import it: never deployed code.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { createEmulatorApi, type EmulatorState, type Reply } from './api.ts';
import { createFaultInjector, type FaultDecision } from './faults.ts';
import {
  type AmberfloEmulatorOptions,
  type EmulatorSwitches,
  type EmulatorSwitchesInput,
  EmulatorSwitchesSchema,
  type FaultConfig,
  type FaultConfigInput,
  type FaultKind,
  type ScriptedFaultInput,
  ScriptedFaultSchema,
} from './options.ts';
import {
  createEmulatorOutage,
  type Outage,
  type OutageRequest,
  OutageRequestSchema,
  toOutage,
} from './outage.ts';
import { createEmulatorRateLimiter, type RateLimit, type RateLimitInput } from './rate-limit.ts';

/** The admin API's reserved prefix; never an Amberflo path. */
export const ADMIN_PREFIX = '/_emulator/';
/** The key the emulator accepts when none is configured. */
export const DEFAULT_EMULATOR_API_KEY = 'emulator-api-key';

const MAX_BODY_BYTES = 1024 * 1024;

/** One API request as the emulator saw it. The API key itself is never logged, only whether it matched. */
export type RequestLogEntry = {
  readonly sequence: number;
  readonly receivedAt: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Route key ('POST /customers'); `METHOD /path` for unknown routes. */
  readonly routeKey: string;
  readonly knownRoute: boolean;
  readonly apiKey: 'valid' | 'invalid' | 'missing';
  /** Parsed JSON body, or the raw text when it was not JSON. */
  readonly body?: unknown;
  /** Null when no answer was sent (hang, drop). */
  status: number | null;
  /**
   * What the emulated API itself answered, before an 'after' fault replaced it; absent when it never ran. A write
   * took effect exactly when this is 200, whatever the client was told.
   */
  handledStatus?: number;
  fault?: FaultKind;
  /** Answered by the rate-limit or the outage mode instead of the API. */
  limited?: 'rate-limit' | 'outage';
  durationMs?: number;
};

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

const sendJson = (
  res: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
) => {
  const body = JSON.stringify(json);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
};

const sendReply = (res: ServerResponse, reply: Reply) => {
  const body = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(reply.headers ?? {}),
  });
  res.end(body);
};

/** Reads at most MAX_BODY_BYTES; undefined when the body is larger. */
const readBody = async (req: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.byteLength;
    if (total > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

const parseJsonBody = (text: string): { ok: true; value: unknown } | { ok: false } => {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/** Waits `ms`, or less if the client goes away. */
const pause = (ms: number, res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
    res.on('close', done);
  });

/**
 * Starts the emulator on 127.0.0.1 (port 0 by default) and resolves once it listens. Throws a ZodError when the
 * switches or the fault configuration are invalid.
 */
export const startAmberfloEmulator = async (
  options: AmberfloEmulatorOptions = {},
): Promise<AmberfloEmulator> => {
  const {
    port = 0,
    apiKey = DEFAULT_EMULATOR_API_KEY,
    seed = 1,
    faults: initialFaults = {},
    now = Date.now,
    requestLogLimit = 1000,
    rateLimit: initialRateLimit = null,
    outage: initialOutage,
    ...switchInput
  } = options;
  const initialSwitches = EmulatorSwitchesSchema.parse(switchInput);
  let switches: EmulatorSwitches = structuredClone(initialSwitches);
  const api = createEmulatorApi(() => switches, now);
  const injector = createFaultInjector(initialFaults, seed);
  const limiter = createEmulatorRateLimiter(initialRateLimit, now);
  const toWindows = (request: OutageRequest | null | undefined) =>
    request === null || request === undefined ? null : toOutage(request, now());
  const outage = createEmulatorOutage(toWindows(initialOutage), now);
  const setOutage = (request: OutageRequest | null) => {
    outage.configure(toWindows(request));
    return outage.current();
  };
  let log: RequestLogEntry[] = [];
  let counts: Record<string, number> = {};
  let sequence = 0;
  const hung = new Set<ServerResponse>();

  const setSwitches = (patch: EmulatorSwitchesInput): EmulatorSwitches => {
    switches = EmulatorSwitchesSchema.parse({ ...switches, ...patch });
    return structuredClone(switches);
  };

  const reset = () => {
    api.clear();
    log = [];
    counts = {};
    sequence = 0;
    switches = structuredClone(initialSwitches);
    injector.configure(initialFaults);
    injector.reseed(seed);
    limiter.configure(initialRateLimit);
    outage.configure(toWindows(initialOutage));
  };

  const errorBody = (message: string, key: string | undefined) =>
    // Worst case for redaction tests: an API that quotes the key it was given.
    switches.echoApiKeyInErrors && key !== undefined ? `${message} (X-API-KEY: ${key})` : message;

  /** Applies a failure fault; returns true when the answer has been taken care of. */
  const applyFault = (
    decision: FaultDecision,
    res: ServerResponse,
    entry: RequestLogEntry,
    reply: Reply | undefined,
  ): boolean => {
    const kind = decision.kind;
    if (kind === undefined) return false;
    entry.fault = kind;
    switch (kind) {
      case 'error-500':
        entry.status = 500;
        sendJson(res, 500, { errorMessage: 'Internal server error (emulated)' });
        return true;
      case 'error-503':
        entry.status = 503;
        sendJson(res, 503, { errorMessage: 'Service unavailable (emulated)' });
        return true;
      case 'error-429':
        entry.status = 429;
        sendJson(
          res,
          429,
          { errorMessage: 'Too many requests (emulated)' },
          { 'retry-after': String(decision.retryAfterSeconds) },
        );
        return true;
      case 'error-429-no-retry-after':
        entry.status = 429;
        sendJson(res, 429, { errorMessage: 'Too many requests (emulated)' });
        return true;
      case 'malformed-json': {
        entry.status = 200;
        const full =
          reply?.json === undefined
            ? '{"customerId":"emulated","items":[1,2,3]}'
            : JSON.stringify(reply.json);
        sendReply(res, {
          status: 200,
          text: full.slice(0, Math.max(1, Math.floor(full.length / 2))),
        });
        return true;
      }
      case 'html-200':
        entry.status = 200;
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return true;
      case 'empty-200':
        entry.status = 200;
        sendReply(res, { status: 200, text: '' });
        return true;
      case 'drop':
        entry.status = null;
        res.socket?.destroy();
        return true;
      case 'hang': {
        entry.status = null;
        hung.add(res);
        // Bounded: a client that never gives up still gets its socket closed.
        const timer = setTimeout(() => res.socket?.destroy(), injector.hangMaxMs());
        res.on('close', () => {
          clearTimeout(timer);
          hung.delete(res);
        });
        return true;
      }
      default:
        return false;
    }
  };

  /** The outage and rate-limit modes answer before the API and the fault injector; true when they did. */
  const answerLimited = (res: ServerResponse, entry: RequestLogEntry): boolean => {
    const down = outage.decide();
    if (down.down) {
      entry.status = 503;
      entry.limited = 'outage';
      const headers =
        down.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(down.retryAfterSeconds) };
      sendJson(res, 503, { errorMessage: 'Service unavailable (emulated outage)' }, headers);
      return true;
    }
    const limit = limiter.admit();
    if (!limit.limited) return false;
    entry.status = 429;
    entry.limited = 'rate-limit';
    sendJson(
      res,
      429,
      { errorMessage: 'Too many requests (emulated rate limit)' },
      { 'retry-after': String(limit.retryAfterSeconds) },
    );
    return true;
  };

  const handleAdmin = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    text: string,
  ) => {
    const parsed = parseJsonBody(text);
    const body = parsed.ok ? parsed.value : undefined;
    const route = `${req.method ?? 'GET'} ${path.slice(ADMIN_PREFIX.length - 1)}`;
    try {
      switch (route) {
        case 'GET /health':
          return sendJson(res, 200, { status: 'ok' });
        case 'GET /state':
          return sendJson(res, 200, api.snapshot());
        case 'PUT /state':
          api.load((body ?? {}) as Partial<EmulatorState>);
          return sendJson(res, 200, api.snapshot());
        case 'GET /requests':
          return sendJson(res, 200, { counts, log });
        case 'DELETE /requests':
          log = [];
          counts = {};
          return sendJson(res, 200, { counts, log });
        case 'POST /reset':
          reset();
          return sendJson(res, 200, { status: 'reset' });
        case 'GET /faults':
          return sendJson(res, 200, injector.current());
        case 'PUT /faults':
          injector.configure((body ?? {}) as FaultConfigInput);
          return sendJson(res, 200, injector.current());
        case 'POST /faults': {
          const list = Array.isArray(body) ? body : [body];
          injector.script(list.map((item) => ScriptedFaultSchema.parse(item)));
          return sendJson(res, 200, injector.current());
        }
        case 'GET /options':
          return sendJson(res, 200, switches);
        case 'PUT /options':
          return sendJson(res, 200, setSwitches((body ?? {}) as EmulatorSwitchesInput));
        case 'GET /rate-limit':
          return sendJson(res, 200, { rateLimit: limiter.current() });
        case 'PUT /rate-limit':
          limiter.configure((body ?? null) as RateLimitInput | null);
          return sendJson(res, 200, { rateLimit: limiter.current() });
        case 'DELETE /rate-limit':
          limiter.configure(null);
          return sendJson(res, 200, { rateLimit: null });
        case 'GET /outage':
          return sendJson(res, 200, { outage: outage.current() });
        case 'PUT /outage':
          return sendJson(res, 200, { outage: setOutage(OutageRequestSchema.parse(body ?? {})) });
        case 'DELETE /outage':
          return sendJson(res, 200, { outage: setOutage(null) });
        default:
          return sendJson(res, 404, { errorMessage: `No admin route ${route}` });
      }
    } catch (thrown) {
      const message =
        thrown instanceof z.ZodError ? z.prettifyError(thrown) : 'Invalid admin request';
      return sendJson(res, 400, { errorMessage: message });
    }
  };

  const handleApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    text: string | undefined,
  ) => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const routeKey = api.routeKeyOf(method, path);
    const header = req.headers['x-api-key'];
    const presented = Array.isArray(header) ? header[0] : header;
    const parsed = text === undefined ? { ok: false as const } : parseJsonBody(text);
    sequence += 1;
    const entry: RequestLogEntry = {
      sequence,
      receivedAt: now(),
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      routeKey: routeKey ?? `${method} ${path}`,
      knownRoute: routeKey !== undefined,
      apiKey: presented === undefined ? 'missing' : presented === apiKey ? 'valid' : 'invalid',
      ...(parsed.ok && parsed.value !== undefined ? { body: parsed.value } : {}),
      ...(!parsed.ok && text !== undefined ? { body: text.slice(0, 2000) } : {}),
      status: null,
    };
    log.push(entry);
    if (log.length > requestLogLimit) log.splice(0, log.length - requestLogLimit);
    counts[entry.routeKey] = (counts[entry.routeKey] ?? 0) + 1;
    res.on('close', () => {
      entry.durationMs = Date.now() - started;
    });

    if (routeKey !== undefined && answerLimited(res, entry)) return;
    const decision: FaultDecision =
      routeKey === undefined
        ? { phase: 'before', latencyMs: 0, retryAfterSeconds: 1 }
        : injector.decide(routeKey);
    await pause(decision.latencyMs, res);
    if (res.destroyed) return;
    if (decision.phase === 'before' && applyFault(decision, res, entry, undefined)) return;

    const finish = (reply: Reply) => {
      entry.handledStatus = reply.status;
      if (decision.phase === 'after' && applyFault(decision, res, entry, reply)) return;
      entry.status = reply.status;
      sendReply(res, reply);
    };
    if (entry.apiKey !== 'valid') {
      const reason = entry.apiKey === 'missing' ? 'Missing API key' : 'Invalid API key';
      return finish({
        status: switches.authFailureStatus,
        json: { errorMessage: errorBody(reason, presented) },
      });
    }
    if (text === undefined)
      return finish({ status: 413, json: { errorMessage: 'Request body too large' } });
    if (!parsed.ok)
      return finish({
        status: 400,
        json: { errorMessage: 'Invalid request: malformed JSON body' },
      });
    return finish(api.handle({ method, path, query: url.searchParams, body: parsed.value }));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void (async () => {
      const text = await readBody(req);
      if (url.pathname.startsWith(ADMIN_PREFIX)) {
        await handleAdmin(req, res, url.pathname, text ?? '');
        return;
      }
      await handleApi(req, res, url, text);
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { errorMessage: 'Emulator failure' });
      else res.destroy();
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    apiKey,
    stop: async () => {
      for (const res of hung) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    state: () => api.snapshot(),
    load: (state) => api.load(state),
    requestCounts: () => ({ ...counts }),
    requestLog: () => log.map((entry) => ({ ...entry })),
    clearRequestLog: () => {
      log = [];
      counts = {};
    },
    reset,
    setFaults: (config) => injector.configure(config),
    faults: () => injector.current(),
    failNext: (route, kind, times = 1, extra = {}) =>
      injector.script([{ ...extra, route, kind, times }]),
    setSwitches,
    switches: () => structuredClone(switches),
    setRateLimit: (limit) => limiter.configure(limit),
    rateLimit: () => limiter.current(),
    setOutage,
    outage: () => outage.current(),
  };
};
