import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';

/** Exit codes: a contract with scripts that call the CLI. */
export const EXIT = { ok: 0, incomplete: 1, usage: 2, interrupted: 130 } as const;

/** What the CLI needs from its process; tests pass their own. */
export type DlqCliIo = {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly signal: AbortSignal;
  readonly sqs?: SQSClient;
};

/** What every command runs with: the process, the lazily built SQS client, and the exit code it sets. */
export type Context = {
  io: DlqCliIo;
  sqs: () => SQSClient;
  exitCode: number;
};

/** Invalid arguments: exit 2, with the message and a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One subcommand: how it is declared on the program, and what it does with the parsed flags. */
export type DlqCommand = {
  readonly define: (program: Command) => Command;
  readonly run: (context: Context, flags: Record<string, unknown>) => Promise<number>;
};
