import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../tools/dlq/format-table.ts';

describe('formatTable', () => {
  it('aligns columns, right-aligns numbers and shows "-" for missing cells', () => {
    // Prepare
    const rows = [
      ['AMBERFLO_UNAVAILABLE', 12, null],
      ['UNKNOWN', 3, 'x'],
    ];
    // Act
    const table = formatTable(['CODE', 'COUNT', 'NOTE'], rows);
    // Assess
    expect(table.split('\n')).toEqual([
      'CODE                  COUNT  NOTE',
      '--------------------  -----  ----',
      'AMBERFLO_UNAVAILABLE     12  -',
      'UNKNOWN                   3  x',
    ]);
  });

  it('keeps a row on one line and truncates long text', () => {
    // Prepare
    const rows = [[`line one\nline two\u001b[31m ${'x'.repeat(80)}`]];
    // Act
    const table = formatTable(['MESSAGE'], rows);
    // Assess
    const [, , row] = table.split('\n');
    expect(table.split('\n')).toHaveLength(3);
    expect(row).toHaveLength(60);
    expect(row).toMatch(/^line one line two \[31m x+…$/);
  });

  it('returns an empty string without rows', () => {
    // Prepare
    // Act
    const table = formatTable(['A'], []);
    // Assess
    expect(table).toBe('');
  });
});
