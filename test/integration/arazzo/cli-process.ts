/** Runs the `arazzo` CLI from source as its own process, for tests that check what it sends and prints. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const exec = promisify(execFile);

export type CliResult = { readonly code: number; readonly stdout: string; readonly stderr: string };

/**
 * Runs `tools/arazzo/cli.ts` from source (what `npm run arazzo` runs, minus the prebuilt bundle, whose own runs are in
 * cli-bundle.test.ts). AMBERFLO_API_KEY is removed from the inherited environment; `env` may set it again.
 */
export const runCliFromSource = async (
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliResult> => {
  const { AMBERFLO_API_KEY: _unset, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await exec('npx', ['node', 'tools/arazzo/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...inherited, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliResult;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};
