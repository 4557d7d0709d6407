/**
 * Side by side with Redocly Respect (`@redocly/cli`, an exact-pinned dev dependency) on the unmodified seed workflow
 * against one loopback billing API (`seed-server.ts`): per run in a warm process, and whole CLI processes. Every
 * run of either is checked to have succeeded (outcome, and the two requests the server answered), else the figure
 * is reported as failed instead of compared. Run alone: `npx node bench/respect.ts`.
 */
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type ProcessCommand, timeProcess, timeRoundRobin } from './process-time.ts';
import { measureSeedInProcess, type SeedInProcessFigures } from './seed-in-process.ts';
import {
  layOutSeed,
  ROOT,
  SEED_API_KEY,
  SEED_WORKFLOW_ID,
  startSeedServer,
} from './seed-server.ts';
import { median } from './workflow-overhead.ts';

export type CliFigure = { readonly medianMs: number; readonly failed: number };

export type RespectComparisonFigures = {
  readonly respectVersion: string;
  readonly ours: SeedInProcessFigures;
  /** Respect's own per-file time (read, lint, bundle, run) in one process, after 5 warm-up files. */
  readonly respectPerRun: CliFigure & { readonly runs: number };
  readonly processRuns: number;
  /** The first start after an edit: the launcher rebuilds its bundle. */
  readonly firstStartMs: number;
  readonly process: Readonly<Record<ProcessName, CliFigure>>;
  /** Seed requests the server accepted from each executor, and how many every run succeeding makes. */
  readonly requests: {
    readonly ours: number;
    readonly oursExpected: number;
    readonly respect: number;
    readonly respectExpected: number;
  };
};

type ProcessName =
  | 'oursRun'
  | 'oursValidate'
  | 'npmRun'
  | 'npmValidate'
  | 'fromSourceRun'
  | 'respectRun'
  | 'npmBaseline';

const REDOCLY_BIN = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
const NO_PHONING_HOME = {
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
};

const respectArgs = (url: string, customerId: string, output: string): string[] => [
  ...['--server', `billingApi=${url}`, '--input', `apiKey=${SEED_API_KEY}`],
  ...['--input', `customerId=${customerId}`, '--input', 'customerName=Bench'],
  ...['--input', 'productId=plan-bench', '--json-output', output],
];

type RespectJson = {
  files: Record<string, { totalTimeMs: number; executedWorkflows: { status: string }[] }>;
};

const readRespectJson = async (path: string): Promise<RespectJson['files']> =>
  (JSON.parse(await readFile(path, 'utf8')) as RespectJson).files;

const succeeded = (file: RespectJson['files'][string]): boolean =>
  file.executedWorkflows.length === 1 && file.executedWorkflows[0]?.status === 'success';

/** One Respect process over every copy of the seed: its own time per file, the first five as warm-up. */
const measureRespectWarm = async (dir: string, seeds: readonly string[], url: string) => {
  const output = join(dir, 'respect-warm.json');
  const env = { ...process.env, ...NO_PHONING_HOME };
  const args = [REDOCLY_BIN, 'respect', ...seeds, ...respectArgs(url, 'respect-warm', output)];
  const outcome = await timeProcess({ command: process.execPath, args, cwd: dir, env });
  const files = outcome.code === 0 ? await readRespectJson(output) : {};
  const ordered = seeds.map((seed) => files[seed]);
  const measured = ordered.slice(5).flatMap((file) => (file ? [file.totalTimeMs] : []));
  const failed = ordered.filter((file) => file === undefined || !succeeded(file)).length;
  return {
    medianMs: measured.length > 0 ? median(measured) : Number.NaN,
    failed,
    runs: measured.length,
  };
};

type Check = NonNullable<ProcessCommand['check']>;

const completed: Check = (outcome) => {
  try {
    return outcome.code === 0 && JSON.parse(outcome.stdout).status === 'completed';
  } catch {
    return false;
  }
};

const valid: Check = (outcome) => outcome.code === 0 && outcome.stdout.trim() === 'valid';

/** The processes to time, and how to tell each one succeeded. */
const processCommands = (dir: string, url: string, cacheDir: string) => {
  const seed = join(dir, 'arazzo', 'seed.arazzo.yaml');
  const inputs = JSON.stringify({
    apiKey: SEED_API_KEY,
    customerId: 'ours-process',
    customerName: 'Bench',
    productId: 'plan-bench',
  });
  const runArgs = [
    'run',
    seed,
    '--workflow',
    SEED_WORKFLOW_ID,
    '--server',
    url,
    '--inputs',
    inputs,
  ];
  const env = { ...process.env, ARAZZO_CLI_CACHE_DIR: cacheDir, ...NO_PHONING_HOME };
  const node = (args: string[], check: Check, cwd = ROOT): ProcessCommand => ({
    command: process.execPath,
    args,
    cwd,
    env,
    check,
  });
  const npm = (args: string[], check: Check): ProcessCommand => ({
    command: 'npm',
    args,
    cwd: ROOT,
    env,
    check,
  });
  const respectOutput = join(dir, 'respect-process.json');
  const respected: Check = async (outcome) => {
    if (outcome.code !== 0) return false;
    try {
      return Object.values(await readRespectJson(respectOutput)).every(succeeded);
    } catch {
      return false;
    }
  };
  const respectRun = [
    REDOCLY_BIN,
    'respect',
    seed,
    ...respectArgs(url, 'respect-process', respectOutput),
  ];
  return {
    oursRun: node(['tools/arazzo/launch.mjs', ...runArgs], completed),
    oursValidate: node(['tools/arazzo/launch.mjs', 'validate', seed], valid),
    npmRun: npm(['run', '-s', 'arazzo', '--', ...runArgs], completed),
    npmValidate: npm(['run', '-s', 'arazzo', '--', 'validate', seed], valid),
    fromSourceRun: node(['tools/arazzo/cli.ts', ...runArgs], completed),
    respectRun: node(respectRun, respected, dir),
    npmBaseline: npm(['run', '-s', 'env', '--', 'node', '-e', '0'], (o) => o.code === 0),
  } satisfies Record<ProcessName, ProcessCommand>;
};

const respectVersion = async (): Promise<string> =>
  (
    JSON.parse(await readFile(join(REDOCLY_BIN, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

export const runRespectComparison = async ({
  runs = 100,
  warmCopies = 30,
  processRuns = 7,
} = {}): Promise<RespectComparisonFigures> => {
  const server = await startSeedServer();
  const { dir, seeds } = await layOutSeed(warmCopies);
  const cacheDir = join(dir, 'cli-cache/');
  try {
    const ours = await measureSeedInProcess(server, runs);
    const respectPerRun = await measureRespectWarm(dir, seeds, server.url);
    const commands = processCommands(dir, server.url, cacheDir);
    const first = await timeProcess(commands.oursRun);
    const names = Object.keys(commands) as ProcessName[];
    const outcomes = await timeRoundRobin(
      names.map((name) => commands[name]),
      processRuns,
    );
    const processFigures = {} as Record<ProcessName, CliFigure>;
    for (const [index, name] of names.entries()) {
      const samples = outcomes[index] ?? [];
      const firstFailed = name === 'oursRun' && !first.ok ? 1 : 0;
      processFigures[name] = {
        medianMs: median(samples.map((outcome) => outcome.ms)),
        failed: samples.filter((outcome) => !outcome.ok).length + firstFailed,
      };
    }
    // Every successful seed run is exactly two requests the server accepted. Our processes: the first start, then
    // oursRun, npmRun and fromSourceRun each round.
    const oursRuns = 2 * (runs + 10) + 1 + 3 * processRuns;
    return {
      respectVersion: await respectVersion(),
      ours,
      respectPerRun,
      processRuns,
      firstStartMs: first.ms,
      process: processFigures,
      requests: {
        ours: server.served('ours'),
        oursExpected: 2 * oursRuns,
        respect: server.served('respect'),
        respectExpected: 2 * (warmCopies + processRuns),
      },
    };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
};

if (import.meta.main) {
  console.log(JSON.stringify(await runRespectComparison(), null, 2));
}
