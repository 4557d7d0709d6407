/**
 * How each failure fault answers on the wire: error statuses, broken bodies, a dropped socket, a request left
 * hanging. Which fault a request gets is `faults.ts`'s business.
 */
import type { ServerResponse } from 'node:http';
import type { Reply } from './api.ts';
import type { FaultDecision } from './faults.ts';
import { sendReply } from './http-io.ts';

type FailureKind = NonNullable<FaultDecision['kind']>;

/** Writes one fault's answer; returns the status sent, null when none was. */
type FaultWriter = (
  res: ServerResponse,
  decision: FaultDecision,
  reply: Reply | undefined,
  hold: (res: ServerResponse) => void,
) => number | null;

const answer = (res: ServerResponse, reply: Reply): number => {
  sendReply(res, reply);
  return reply.status;
};

/** Half of what the API answered (or of a stand-in when it has not run): JSON cut off mid-way. */
const truncatedJson = (reply: Reply | undefined): string => {
  const full =
    reply?.json === undefined
      ? '{"customerId":"emulated","items":[1,2,3]}'
      : JSON.stringify(reply.json);
  return full.slice(0, Math.max(1, Math.floor(full.length / 2)));
};

const WRITERS: Readonly<Record<FailureKind, FaultWriter>> = {
  'error-500': (res) =>
    answer(res, { status: 500, json: { errorMessage: 'Internal server error (emulated)' } }),
  'error-503': (res) =>
    answer(res, { status: 503, json: { errorMessage: 'Service unavailable (emulated)' } }),
  'error-429': (res, decision) =>
    answer(res, {
      status: 429,
      json: { errorMessage: 'Too many requests (emulated)' },
      headers: { 'retry-after': String(decision.retryAfterSeconds) },
    }),
  'error-429-no-retry-after': (res) =>
    answer(res, { status: 429, json: { errorMessage: 'Too many requests (emulated)' } }),
  'malformed-json': (res, _decision, reply) =>
    answer(res, { status: 200, text: truncatedJson(reply) }),
  'html-200': (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    return 200;
  },
  'empty-200': (res) => answer(res, { status: 200, text: '' }),
  drop: (res) => {
    res.socket?.destroy();
    return null;
  },
  hang: (res, _decision, _reply, hold) => {
    hold(res);
    return null;
  },
};

/** Writes the answer of a failure fault; returns the status sent, null when none was (hang, drop). */
export const sendFault = (
  res: ServerResponse,
  kind: FailureKind,
  decision: FaultDecision,
  reply: Reply | undefined,
  hold: (res: ServerResponse) => void,
): number | null => WRITERS[kind](res, decision, reply, hold);

/** The requests left hanging: each is cut after `maxMs()` at the latest, and all of them at `releaseAll`. */
export type HungResponses = {
  readonly hold: (res: ServerResponse) => void;
  readonly releaseAll: () => void;
};

export const createHungResponses = (maxMs: () => number): HungResponses => {
  const hung = new Set<ServerResponse>();
  return {
    hold: (res) => {
      hung.add(res);
      // Bounded: a client that never gives up still gets its socket closed.
      const timer = setTimeout(() => res.socket?.destroy(), maxMs());
      res.on('close', () => {
        clearTimeout(timer);
        hung.delete(res);
      });
    },
    releaseAll: () => {
      for (const res of hung) res.socket?.destroy();
    },
  };
};
