/**
 * `npm run amberflo-emulator -- --port 4010 --api-key k [--seed 7] [--fault-rate 0.1] [--latency 50] ...`
 * Starts the local Amberflo emulator, prints the URL it listens on, and serves until SIGINT or SIGTERM.
 * Exit codes: 0 after a clean stop, 2 for invalid arguments, 1 when the server cannot start.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import * as z from 'zod';
import {
  type AmberfloEmulatorOptions,
  EmulatorSwitchesSchema,
  type FaultRates,
} from './options.ts';
import { startAmberfloEmulator } from './server.ts';

const integer = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new InvalidArgumentError('Expected a non-negative integer.');
  return parsed;
};

const rate = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1)
    throw new InvalidArgumentError('Expected 0..1.');
  return parsed;
};

const positive = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new InvalidArgumentError('Expected a positive number.');
  return parsed;
};

const program = new Command()
  .name('amberflo-emulator')
  .description('Local Amberflo API emulator on 127.0.0.1 (docs/amberflo-api.md §13)')
  .option('--port <port>', 'port to listen on (0: any free port)', integer, 0)
  .requiredOption('--api-key <key>', 'the one X-API-KEY the emulator accepts')
  .option('--seed <n>', 'seed of the fault PRNG', integer, 1)
  .option('--fault-rate <x>', 'total rate of 500/503/429 answers, split evenly', rate)
  .option('--rate-500 <x>', 'rate of 500 answers', rate)
  .option('--rate-503 <x>', 'rate of 503 answers', rate)
  .option('--rate-429 <x>', 'rate of 429 answers with Retry-After', rate)
  .option('--hang-rate <x>', 'rate of requests that never get an answer', rate)
  .option('--drop-rate <x>', 'rate of dropped connections', rate)
  .option('--malformed-rate <x>', 'rate of truncated JSON bodies', rate)
  .option('--latency <ms>', 'latency added to every answer', integer)
  .option('--retry-after <s>', 'Retry-After seconds sent with 429', integer)
  .option('--auth-status <status>', '401 or 403 for a wrong key', integer)
  .option('--default-plan <id>', 'plan given to every new customer')
  .option('--commitment-path <segment>', 'arrears commitment generator segment')
  .option('--second-commitment <mode>', 'reject or replace')
  .option('--switches <json|@file>', 'any other switches as JSON, or @path to a JSON file')
  .option('--rate-limit <n>', 'rate-limit mode: n requests/s, then 429 with Retry-After', positive)
  .option('--rate-limit-burst <n>', 'requests accepted back to back (default: n)', positive)
  .option('--outage <s>', 'outage mode: every API call 503 for the first s seconds', positive)
  .option('--outage-after <s>', 'start the outage s seconds after the start instead', integer)
  .option('--outage-retry-after <s>', 'Retry-After sent with the outage 503s', integer);

type CliOptions = {
  port: number;
  apiKey: string;
  seed: number;
  faultRate?: number;
  rate500?: number;
  rate503?: number;
  rate429?: number;
  hangRate?: number;
  dropRate?: number;
  malformedRate?: number;
  latency?: number;
  retryAfter?: number;
  authStatus?: number;
  defaultPlan?: string;
  commitmentPath?: string;
  secondCommitment?: string;
  switches?: string;
  rateLimit?: number;
  rateLimitBurst?: number;
  outage?: number;
  outageAfter?: number;
  outageRetryAfter?: number;
};

/** The rate-limit and outage modes from their flags. */
const limitOptions = (cli: CliOptions): Pick<AmberfloEmulatorOptions, 'rateLimit' | 'outage'> => ({
  ...(cli.rateLimit === undefined
    ? {}
    : {
        rateLimit: {
          requestsPerSecond: cli.rateLimit,
          ...(cli.rateLimitBurst === undefined ? {} : { burst: cli.rateLimitBurst }),
        },
      }),
  ...(cli.outage === undefined
    ? {}
    : {
        outage: {
          schedule: [{ afterSeconds: cli.outageAfter ?? 0, forSeconds: cli.outage }],
          ...(cli.outageRetryAfter === undefined
            ? {}
            : { retryAfterSeconds: cli.outageRetryAfter }),
        },
      }),
});

const toOptions = (cli: CliOptions): AmberfloEmulatorOptions => {
  const third = cli.faultRate === undefined ? undefined : cli.faultRate / 3;
  const rates: FaultRates = {
    ...((cli.rate500 ?? third) === undefined ? {} : { error500: cli.rate500 ?? third }),
    ...((cli.rate503 ?? third) === undefined ? {} : { error503: cli.rate503 ?? third }),
    ...((cli.rate429 ?? third) === undefined ? {} : { error429: cli.rate429 ?? third }),
    ...(cli.hangRate === undefined ? {} : { hang: cli.hangRate }),
    ...(cli.dropRate === undefined ? {} : { drop: cli.dropRate }),
    ...(cli.malformedRate === undefined ? {} : { malformedJson: cli.malformedRate }),
    ...(cli.latency === undefined ? {} : { latencyMs: cli.latency }),
  };
  const extra: unknown =
    cli.switches === undefined
      ? {}
      : JSON.parse(
          cli.switches.startsWith('@') ? readFileSync(cli.switches.slice(1), 'utf8') : cli.switches,
        );
  const switches = EmulatorSwitchesSchema.partial().parse({
    ...(extra as object),
    ...(cli.authStatus === undefined ? {} : { authFailureStatus: cli.authStatus }),
    ...(cli.defaultPlan === undefined ? {} : { defaultPlanId: cli.defaultPlan }),
    ...(cli.commitmentPath === undefined ? {} : { commitmentPath: cli.commitmentPath }),
    ...(cli.secondCommitment === undefined ? {} : { secondCommitment: cli.secondCommitment }),
  });
  return {
    ...switches,
    ...limitOptions(cli),
    port: cli.port,
    apiKey: cli.apiKey,
    seed: cli.seed,
    faults: {
      global: rates,
      ...(cli.retryAfter === undefined ? {} : { retryAfterSeconds: cli.retryAfter }),
    },
  };
};

const main = async (): Promise<void> => {
  program.exitOverride();
  let options: AmberfloEmulatorOptions;
  try {
    program.parse(process.argv);
    options = toOptions(program.opts<CliOptions>());
  } catch (thrown) {
    if (thrown instanceof z.ZodError) console.error(z.prettifyError(thrown));
    else if (thrown instanceof SyntaxError)
      console.error(`--switches is not JSON: ${thrown.message}`);
    else if (!(thrown instanceof Error && 'exitCode' in thrown)) console.error(thrown);
    const code = thrown instanceof Error && 'exitCode' in thrown ? Number(thrown.exitCode) : 2;
    process.exit(code === 0 ? 0 : 2);
  }
  const emulator = await startAmberfloEmulator(options);
  console.log(`Amberflo emulator listening on ${emulator.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}, stopping`);
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
};

main().catch((thrown: unknown) => {
  console.error(
    'Amberflo emulator failed to start:',
    thrown instanceof Error ? thrown.message : thrown,
  );
  process.exit(1);
});
