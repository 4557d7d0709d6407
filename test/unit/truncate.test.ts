import { describe, expect, it } from 'vitest';
import { truncate } from '../../lib/truncate.ts';

describe('truncate', () => {
  it('keeps a text up to the limit and marks a cut one', () => {
    // Act
    const results = [truncate('abc', 3), truncate('abcd', 3)];
    // Assess
    expect(results).toEqual(['abc', 'abc…']);
  });
});
