import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLE_NAMES } from '../../../lib/config.ts';
import { renderConfigTable } from '../../../tools/docs/config-table.ts';

describe('renderConfigTable', () => {
  it('lists every variable of the config schema', () => {
    // Act
    const table = renderConfigTable();
    // Assess
    for (const name of ENV_VARIABLE_NAMES) expect(table).toContain(`| \`${name}\` |`);
    expect(table).toContain('| `DEAD_LETTER_QUEUE_URL` | required |');
    expect(table).toContain('| `MAX_RECEIVE_COUNT` | `5` |');
  });

  it('matches the table in the README, cell by cell', async () => {
    // Prepare
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const cells = (line: string) => line.split('|').map((cell) => cell.trim());
    const isDivider = (line: string) => /^\|[\s|:-]+\|$/.test(line);
    const expected = renderConfigTable()
      .split('\n')
      .filter((line) => !isDivider(line))
      .map(cells);
    // Act
    const lines = readme.split('\n');
    const start = lines.findIndex((line) => line.startsWith('| Variable'));
    const actual = lines
      .slice(start)
      .filter((line) => !isDivider(line))
      .slice(0, expected.length)
      .map(cells);
    // Assess
    expect(actual).toEqual(expected);
  });
});
