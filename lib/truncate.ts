/** Cuts a text to `max` characters, marking the cut with `…`: messages and details stay one short line. */
export const truncate = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;
