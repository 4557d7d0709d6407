/**
 * A `Retry-After` value (RFC 9110 §10.2.3: delta-seconds or an HTTP date) in ms from `now`; undefined when absent or
 * unreadable. The one parser: the runner waits by it, the Amberflo layer pauses its budget and reports it.
 */
export const parseRetryAfterMs = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};
