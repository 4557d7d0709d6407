import { format } from 'node:util';
import { vi } from 'vitest';

/** What a running capture has seen. */
export type LogCapture = {
  /** Everything written so far, in order, as one text. */
  readonly text: () => string;
  /** The structured log lines (one JSON object per line, as Powertools Logger writes them). */
  readonly entries: () => Record<string, unknown>[];
  /** Stops capturing; nothing captured is lost. */
  readonly restore: () => void;
};

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

const toText = (chunk: unknown): string =>
  typeof chunk === 'string'
    ? chunk
    : chunk instanceof Uint8Array
      ? Buffer.from(chunk).toString('utf8')
      : String(chunk);

/**
 * Captures, without printing, everything written to process.stdout and process.stderr (where Powertools Logger's
 * own Console writes outside POWERTOOLS_DEV) and through the global console (where it writes in POWERTOOLS_DEV).
 */
export const captureLogs = (): LogCapture => {
  const chunks: string[] = [];
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      chunks.push(toText(chunk));
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      chunks.push(toText(chunk));
      return true;
    }),
    ...CONSOLE_METHODS.map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        chunks.push(`${format(...args)}\n`);
      }),
    ),
  ];
  const text = () => chunks.join('');
  return {
    text,
    entries: () =>
      text()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            const parsed: unknown = JSON.parse(line);
            return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
              ? [parsed as Record<string, unknown>]
              : [];
          } catch {
            return [];
          }
        }),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
};
