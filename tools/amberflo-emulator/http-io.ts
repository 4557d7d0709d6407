/** Reading request bodies and writing replies on node:http, for the API and the admin API alike. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Reply } from './api.ts';

const MAX_BODY_BYTES = 1024 * 1024;

/** Writes a reply: its text as is, else its JSON; always labelled JSON, as Amberflo does. */
export const sendReply = (res: ServerResponse, reply: Reply): void => {
  const body = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(reply.headers ?? {}),
  });
  res.end(body);
};

/** Reads at most MAX_BODY_BYTES; undefined when the body is larger. */
export const readBody = async (req: IncomingMessage): Promise<string | undefined> => {
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

/** An empty body is a valid one with no value. */
export const parseJsonBody = (text: string): { ok: true; value: unknown } | { ok: false } => {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/** Waits `ms`, or less if the client goes away. */
export const pause = (ms: number, res: ServerResponse): Promise<void> =>
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
