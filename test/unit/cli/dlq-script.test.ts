import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as { scripts: Record<string, string>; bin?: unknown };

describe('the dlq npm script', () => {
  it('starts Node with the heap limits the bench measures, before the CLI', () => {
    // Prepare
    const script = manifest.scripts['dlq'] ?? '';
    // Act
    const words = script.split(/\s+/);
    // Assess
    expect(words[0]).toBe('node');
    expect(words.at(-1)).toBe('tools/dlq/cli.ts');
    expect(words.slice(1, -1)).toEqual([
      expect.stringMatching(/^--max-semi-space-size=\d+$/),
      expect.stringMatching(/^--max-old-space-size=\d+$/),
    ]);
  });

  it('declares no bin that would need dev dependencies and type stripping after an install', () => {
    // Assess
    expect(manifest.bin).toBeUndefined();
  });
});
