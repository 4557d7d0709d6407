import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderConfigTable } from '../../../lib/cli/config-table.ts';
import { ENV_VARIABLE_NAMES } from '../../../lib/config.ts';

describe('renderConfigTable', () => {
  it('lists every variable of the config schema', () => {
    // Act
    const table = renderConfigTable();
    // Assess
    for (const name of ENV_VARIABLE_NAMES) expect(table).toContain(`| \`${name}\` |`);
    expect(table).toContain('| `DEAD_LETTER_QUEUE_URL` | required |');
    expect(table).toContain('| `MAX_RECEIVE_COUNT` | `5` |');
  });

  it('matches the table in the README', async () => {
    // Prepare
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    // Assess
    expect(readme).toContain(renderConfigTable());
  });
});
