/** The emulator's request log: every API request as it was seen and answered, and a count per route key. */
import type { FaultKind } from './options.ts';

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

export type RequestLog = {
  /** Numbers, keeps and counts a new entry; returns it for the request to fill in as it is answered. */
  readonly open: (fields: Omit<RequestLogEntry, 'sequence'>) => RequestLogEntry;
  /** The entries kept, oldest first (the live list). */
  readonly entries: () => RequestLogEntry[];
  /** Requests per route key (the live record). */
  readonly counts: () => Record<string, number>;
  /** Forgets entries and counts; the numbering carries on. */
  readonly clear: () => void;
  /** Forgets entries and counts and numbers from 1 again. */
  readonly reset: () => void;
};

/** Keeps at most `limit` entries, dropping the oldest first. */
export const createRequestLog = (limit: number): RequestLog => {
  let log: RequestLogEntry[] = [];
  let counts: Record<string, number> = {};
  let sequence = 0;
  const clear = () => {
    log = [];
    counts = {};
  };
  return {
    open: (fields) => {
      sequence += 1;
      const entry: RequestLogEntry = { sequence, ...fields };
      log.push(entry);
      if (log.length > limit) log.splice(0, log.length - limit);
      counts[entry.routeKey] = (counts[entry.routeKey] ?? 0) + 1;
      return entry;
    },
    entries: () => log,
    counts: () => counts,
    clear,
    reset: () => {
      clear();
      sequence = 0;
    },
  };
};
