/** Wall time of whole CLI processes, started one after another (asynchronously: the server they call runs here). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type ProcessOutcome = {
  readonly code: number;
  readonly stdout: string;
  readonly ms: number;
  /** What `check` said, right after the process ended (before the next one can overwrite its output files). */
  readonly ok: boolean;
};

type Finished = Omit<ProcessOutcome, 'ok'>;

export type ProcessCommand = {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Whether the process did its job; default: exit code 0. */
  readonly check?: (finished: Finished) => boolean | Promise<boolean>;
};

/** Runs the command once; a non-zero exit is an outcome, not an error. Each process is capped at 60 s. */
const runOnce = async (command: ProcessCommand): Promise<Finished> => {
  const started = performance.now();
  try {
    const { stdout } = await execFileAsync(command.command, [...command.args], {
      cwd: command.cwd,
      env: command.env ?? process.env,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, ms: performance.now() - started };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string };
    const code = typeof failed.code === 'number' ? failed.code : -1;
    return { code, stdout: failed.stdout ?? '', ms: performance.now() - started };
  }
};

/** Runs the command once and checks its outcome. */
export const timeProcess = async (command: ProcessCommand): Promise<ProcessOutcome> => {
  const finished = await runOnce(command);
  const ok = await (command.check ?? ((outcome: Finished) => outcome.code === 0))(finished);
  return { ...finished, ok };
};

/**
 * Runs every command `runs` times, round-robin (so a busy moment on the shared machine hits all of them alike), and
 * returns each command's outcomes in order.
 */
export const timeRoundRobin = async (
  commands: readonly ProcessCommand[],
  runs: number,
): Promise<ProcessOutcome[][]> => {
  const outcomes: ProcessOutcome[][] = commands.map(() => []);
  for (let run = 0; run < runs; run += 1) {
    for (const [index, command] of commands.entries()) {
      outcomes[index]?.push(await timeProcess(command));
    }
  }
  return outcomes;
};
