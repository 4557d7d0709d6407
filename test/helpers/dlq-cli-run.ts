import { PassThrough } from 'node:stream';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { runDlqCli } from '../../tools/dlq/cli.ts';

export type CliRun = { readonly code: number; readonly stdout: string; readonly stderr: string };

/** Runs the real `dlq` command line in-process against the given SQS client and captures its output. */
export const runDlqCliWith = async (
  sqs: SQSClient,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CliRun> => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const code = await runDlqCli(args, {
    env,
    stdout,
    stderr,
    signal: new AbortController().signal,
    sqs,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
};
