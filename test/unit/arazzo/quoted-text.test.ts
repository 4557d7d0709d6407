import { describe, expect, it } from 'vitest';
import { escapeInQuotes, escapeIRegexp, quotesOfParts } from '../../../lib/arazzo/quoted-text.ts';

describe('quoted-text helpers', () => {
  it.each([
    ['"', 'a"b\\c\'d\n', 'a\\"b\\\\c\'d\\n'],
    ["'", 'a"b\\c\'d\n', 'a"b\\\\c\\\'d\\n'],
  ])('escapes text for a %s-quoted literal', (quote, text, expected) => {
    // Act
    const escaped = escapeInQuotes(text, quote as '"' | "'");
    // Assess
    expect(escaped).toBe(expected);
  });

  it('escapes every I-Regexp metacharacter, and "$" as a class', () => {
    // Act
    const escaped = escapeIRegexp('a.b*+?()[]{}|\\^$-/');
    // Assess
    expect(escaped).toBe('a\\.b\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\\\\\^[$]-/');
  });

  it('finds the quote around each embedded part, skipping escaped quotes', () => {
    // Prepare
    const expr = { kind: 'url', text: '$url' } as const;
    // Act
    const quotes = quotesOfParts(['"a\\"', expr, '" ', expr, " '", expr, "'"], `"'`);
    // Assess
    expect(quotes).toEqual(['"', undefined, "'"]);
  });
});
