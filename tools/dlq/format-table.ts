/** A cell as the table shows it: null and undefined print as `-`. */
export type Cell = string | number | null | undefined;

const MAX_CELL_WIDTH = 60;

const isControl = (char: string): boolean => {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
};

const toText = (cell: Cell): string => {
  if (cell === null || cell === undefined || cell === '') return '-';
  // One line per row, and no terminal control characters from message text.
  const text = Array.from(String(cell), (char) => (isControl(char) ? ' ' : char)).join('');
  return text.length > MAX_CELL_WIDTH ? `${text.slice(0, MAX_CELL_WIDTH - 1)}…` : text;
};

/** Formats rows as a plain-text table with a header line; numbers are right-aligned. Returns '' without rows. */
export const formatTable = (
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): string => {
  if (rows.length === 0) return '';
  const texts = rows.map((row) => headers.map((_, index) => toText(row[index])));
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...texts.map((row) => (row[index] ?? '').length)),
  );
  const numeric = headers.map((_, index) => rows.every((row) => typeof row[index] === 'number'));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) =>
        numeric[index] ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...texts.map(line)].join(
    '\n',
  );
};
