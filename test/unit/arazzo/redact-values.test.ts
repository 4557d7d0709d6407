import { describe, expect, it } from 'vitest';
import { redactSecretsIn, redactValue } from '../../../lib/arazzo/redact-values.ts';

const SECRET = 'sk-secret-123';
const redact = (value: unknown) => redactSecretsIn(value, [SECRET]);

describe('redactValue (docs/arazzo.md §7, §12)', () => {
  it('redacts strings in objects and arrays at any depth and leaves other values as they are', () => {
    // Act
    const redacted = redact({ a: [1, null, true, { b: `x${SECRET}y` }], c: SECRET, d: 'plain' });
    // Assess
    expect(redacted).toEqual({
      a: [1, null, true, { b: 'x[REDACTED]y' }],
      c: '[REDACTED]',
      d: 'plain',
    });
  });

  it('copies what changes, never mutates, and returns untouched parts as they are', () => {
    // Prepare
    const clean = { keep: ['a', 'b'] };
    const dirty = { pw: SECRET };
    const value = { clean, dirty };
    // Act
    const redacted = redact(value) as typeof value;
    // Assess
    expect(dirty.pw).toBe(SECRET);
    expect(redacted).not.toBe(value);
    expect(redacted.dirty).not.toBe(dirty);
    expect(redacted.clean).toBe(clean);
    expect(redact(clean)).toBe(clean);
  });

  it('keeps a __proto__ key an own property of the copy', () => {
    // Prepare
    const value = JSON.parse(`{"__proto__": {"pw": "${SECRET}"}}`) as Record<string, unknown>;
    // Act
    const redacted = redact(value) as Record<string, unknown>;
    // Assess
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.hasOwn(redacted, '__proto__')).toBe(true);
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{"pw":"[REDACTED]"}}');
  });

  it('withholds a part nested deeper than 64 levels and a cycle, instead of recursing without end', () => {
    // Prepare
    let deep: unknown = SECRET;
    for (let level = 0; level < 100; level += 1) deep = [deep];
    const cyclic: Record<string, unknown> = { pw: SECRET };
    cyclic['self'] = cyclic;
    // Act
    const redactedDeep = redactValue(deep, (text) => text.toUpperCase());
    const redactedCycle = redact(cyclic) as Record<string, unknown>;
    // Assess
    expect(JSON.stringify(redactedDeep)).toContain('"[REDACTED]"');
    expect(JSON.stringify(redactedDeep)).not.toContain(SECRET);
    expect(redactedCycle).toEqual({ pw: '[REDACTED]', self: '[REDACTED]' });
  });

  it('returns the value itself when there are no secrets', () => {
    // Prepare
    const value = { pw: SECRET };
    // Act / Assess
    expect(redactSecretsIn(value, [])).toBe(value);
  });
});
