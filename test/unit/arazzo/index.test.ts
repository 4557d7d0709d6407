import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ARAZZO = join(import.meta.dirname, '../../../lib/arazzo');

describe('lib/arazzo', () => {
  it('imports nothing of the application: only its own modules and packages', () => {
    // Prepare
    const files = readdirSync(ARAZZO).filter((name) => name.endsWith('.ts'));
    // Act
    const outside = files.flatMap((name) =>
      [...readFileSync(join(ARAZZO, name), 'utf8').matchAll(/from '(\.[^']*)'/g)]
        .map((match) => match[1] ?? '')
        .filter((specifier) => !specifier.startsWith('./'))
        .map((specifier) => `${name}: ${specifier}`),
    );
    // Assess
    expect(outside).toEqual([]);
  });
});
