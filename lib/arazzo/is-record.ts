/** A plain JSON object: not null, not an array. The interpreter's one copy of this check. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
