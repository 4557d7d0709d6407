import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from '../../../lib/arazzo/retry-after.ts';

describe('parseRetryAfterMs', () => {
  it.each([
    [' 3 ', 3_000],
    ['Thu, 01 Jan 1970 00:00:12 GMT', 2_000],
    ['Thu, 01 Jan 1970 00:00:01 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('reads %j as %j ms from now', (value, expected) => {
    // Act
    const ms = parseRetryAfterMs(value, 10_000);
    // Assess
    expect(ms).toBe(expected);
  });
});
