/**
 * One Amberflo API request through the emulator, in order: logged; answered by the outage or rate-limit mode if one
 * is on; delayed and possibly failed by the fault injector; refused for a bad key, an oversize or malformed body;
 * else run by the emulated API, after which an 'after' fault may still replace the answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Reply } from './api.ts';
import type { EmulatorComponents } from './components.ts';
import { sendFault } from './fault-reply.ts';
import type { FaultDecision } from './faults.ts';
import { parseJsonBody, pause, sendReply } from './http-io.ts';
import type { RequestLogEntry } from './request-log.ts';

/** What the responder reads off a request before anything answers it. */
type Incoming = {
  readonly method: string;
  /** Trailing slashes removed. */
  readonly path: string;
  readonly url: URL;
  /** The API key as presented: only the first header counts. */
  readonly presented: string | undefined;
  /** Undefined when the body was too large to read. */
  readonly text: string | undefined;
  readonly parsed: { ok: true; value: unknown } | { ok: false };
};

/** Answers one API request; `text` is undefined when the body was too large to read. */
export type ApiResponder = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  text: string | undefined,
) => Promise<void>;

const readIncoming = (req: IncomingMessage, url: URL, text: string | undefined): Incoming => {
  const header = req.headers['x-api-key'];
  return {
    method: req.method ?? 'GET',
    path: url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname,
    url,
    presented: Array.isArray(header) ? header[0] : header,
    text,
    parsed: text === undefined ? { ok: false } : parseJsonBody(text),
  };
};

const openEntry = (parts: EmulatorComponents, incoming: Incoming): RequestLogEntry => {
  const { method, path, presented, text, parsed } = incoming;
  const routeKey = parts.api.routeKeyOf(method, path);
  return parts.requestLog.open({
    receivedAt: parts.now(),
    method,
    path,
    query: Object.fromEntries(incoming.url.searchParams),
    routeKey: routeKey ?? `${method} ${path}`,
    knownRoute: routeKey !== undefined,
    apiKey: presented === undefined ? 'missing' : presented === parts.apiKey ? 'valid' : 'invalid',
    ...(parsed.ok && parsed.value !== undefined ? { body: parsed.value } : {}),
    ...(!parsed.ok && text !== undefined ? { body: text.slice(0, 2000) } : {}),
    status: null,
  });
};

/** The outage and rate-limit modes answer before the API and the fault injector; true when they did. */
const answerLimited = (
  parts: EmulatorComponents,
  res: ServerResponse,
  entry: RequestLogEntry,
): boolean => {
  const down = parts.outage.decide();
  if (down.down) {
    entry.status = 503;
    entry.limited = 'outage';
    const headers =
      down.retryAfterSeconds === undefined ? {} : { 'retry-after': String(down.retryAfterSeconds) };
    const json = { errorMessage: 'Service unavailable (emulated outage)' };
    sendReply(res, { status: 503, json, headers });
    return true;
  }
  const limit = parts.limiter.admit();
  if (!limit.limited) return false;
  entry.status = 429;
  entry.limited = 'rate-limit';
  sendReply(res, {
    status: 429,
    json: { errorMessage: 'Too many requests (emulated rate limit)' },
    headers: { 'retry-after': String(limit.retryAfterSeconds) },
  });
  return true;
};

/** What the API answers once the request got past the faults: a refusal, or the endpoint's reply. */
const apiReply = (
  parts: EmulatorComponents,
  entry: RequestLogEntry,
  { presented, text, parsed, url }: Incoming,
): Reply => {
  if (entry.apiKey !== 'valid') {
    const reason = entry.apiKey === 'missing' ? 'Missing API key' : 'Invalid API key';
    // Worst case for redaction tests: an API that quotes the key it was given.
    const echo = parts.switches().echoApiKeyInErrors && presented !== undefined;
    const message = echo ? `${reason} (X-API-KEY: ${presented})` : reason;
    return { status: parts.switches().authFailureStatus, json: { errorMessage: message } };
  }
  if (text === undefined) return { status: 413, json: { errorMessage: 'Request body too large' } };
  if (!parsed.ok) {
    return { status: 400, json: { errorMessage: 'Invalid request: malformed JSON body' } };
  }
  const { method, path } = entry;
  return parts.api.handle({ method, path, query: url.searchParams, body: parsed.value });
};

/** Sends a failure fault's answer if the decision has one; true when it did. */
const applyFault = (
  res: ServerResponse,
  entry: RequestLogEntry,
  decision: FaultDecision,
  reply: Reply | undefined,
  hold: (res: ServerResponse) => void,
): boolean => {
  const kind = decision.kind;
  if (kind === undefined) return false;
  entry.fault = kind;
  entry.status = sendFault(res, kind, decision, reply, hold);
  return true;
};

/** `hold` keeps a response open for the 'hang' fault. */
export const createApiResponder =
  (parts: EmulatorComponents, hold: (res: ServerResponse) => void): ApiResponder =>
  async (req, res, url, text) => {
    const started = Date.now();
    const incoming = readIncoming(req, url, text);
    const entry = openEntry(parts, incoming);
    res.on('close', () => {
      entry.durationMs = Date.now() - started;
    });
    if (entry.knownRoute && answerLimited(parts, res, entry)) return;
    const decision: FaultDecision = entry.knownRoute
      ? parts.injector.decide(entry.routeKey)
      : { phase: 'before', latencyMs: 0, retryAfterSeconds: 1 };
    await pause(decision.latencyMs, res);
    if (res.destroyed) return;
    if (decision.phase === 'before' && applyFault(res, entry, decision, undefined, hold)) return;
    const reply = apiReply(parts, entry, incoming);
    entry.handledStatus = reply.status;
    if (decision.phase === 'after' && applyFault(res, entry, decision, reply, hold)) return;
    entry.status = reply.status;
    sendReply(res, reply);
  };
