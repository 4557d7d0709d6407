import { type DeadLetter, failureCodeOf } from './dead-letter.ts';

/** Which dead letters an operation applies to. Every field narrows; an empty filter matches everything. */
export type DeadLetterFilter = {
  /** Failure codes; `UNKNOWN` matches messages without metadata. */
  readonly codes?: readonly string[];
  readonly step?: string;
  readonly customerId?: string;
  /** Inclusive bounds on `failedAt`. A message without metadata has no failure time and never matches them. */
  readonly since?: Date;
  readonly until?: Date;
};

/** True when the dead letter passes every criterion of the filter. */
export const matchesFilter = (letter: DeadLetter, filter: DeadLetterFilter): boolean => {
  if (filter.codes !== undefined && filter.codes.length > 0) {
    if (!filter.codes.includes(failureCodeOf(letter))) return false;
  }
  if (filter.step !== undefined && letter.failure?.step !== filter.step) return false;
  if (filter.customerId !== undefined && letter.customerId !== filter.customerId) return false;
  if (filter.since !== undefined || filter.until !== undefined) {
    if (letter.failure === undefined) return false;
    const failedAt = Date.parse(letter.failure.failedAt);
    if (filter.since !== undefined && failedAt < filter.since.getTime()) return false;
    if (filter.until !== undefined && failedAt > filter.until.getTime()) return false;
  }
  return true;
};
