/**
 * `npm start`: the whole system on this machine, no AWS account and no Amberflo key needed. Starts fauxqs, dynalite
 * and the Amberflo emulator on loopback, creates the queue, DLQ and table from serverless.yml, feeds the sample
 * events plus synthetic signups, runs the real batch handler behind local event-source-mapping pollers, and prints
 * a summary once the queue has drained. Exit 0 when drained, 1 when not drained in time, 2 on bad options.
 */

import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import {
  readDeadLetters,
  sendToSourceQueue,
  startLocalPipeline,
  waitForDrain,
} from './pipeline.ts';
import { generateSignups, readSampleEvents } from './signups.ts';
import { startLocalStack } from './stack.ts';

const number = (min: number, max: number) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
  }
  return parsed;
};

const program = new Command('start')
  .description('Run the provisioning pipeline end to end on local emulators')
  .option(
    '--count <n>',
    'synthetic signups to send besides the sample events',
    number(0, 100_000),
    40,
  )
  .option('--faults <rate>', 'share of Amberflo calls answered 500/503/429', number(0, 0.9), 0)
  .option('--latency <ms>', 'added latency per Amberflo call', number(0, 10_000), 0)
  .option(
    '--seed <n>',
    'seed of the synthetic traffic and the fault injection',
    number(0, 2 ** 31),
    1,
  )
  .option('--concurrency <n>', 'concurrent pollers (Lambda maximumConcurrency)', number(1, 20), 2)
  .option(
    '--amberflo-url <url>',
    'a real Amberflo (sandbox) instead of the emulator; key from AMBERFLO_API_KEY',
  )
  .option(
    '--timeout <s>',
    'give up if the queue has not drained after this long',
    number(1, 3600),
    120,
  )
  .option('--rate-limit <n>', 'the emulator answers 429 above n requests/s', number(0.1, 10_000))
  .option(
    '--outage <s>',
    'the emulator answers 503 to everything for the first s seconds',
    number(1, 3600),
  )
  .option(
    '--budget <n>',
    'AMBERFLO_MAX_REQUESTS_PER_SECOND for the whole run (default: as deployed)',
    number(0.1, 10_000),
  )
  .option('--keep-running', 'keep the emulators up and print how to reach them')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

let options: {
  count: number;
  faults: number;
  latency: number;
  seed: number;
  concurrency: number;
  amberfloUrl?: string;
  timeout: number;
  rateLimit?: number;
  outage?: number;
  budget?: number;
  keepRunning?: boolean;
};
try {
  options = program.parse(process.argv).opts();
} catch (error) {
  const code = (error as { exitCode?: number }).exitCode;
  process.exit(code === 0 ? 0 : 2);
}

const apiKey = process.env['AMBERFLO_API_KEY'];
if (options.amberfloUrl && !apiKey) {
  console.error('--amberflo-url needs AMBERFLO_API_KEY in the environment');
  process.exit(2);
}

// Locally a failed record should come back in seconds, not the deployed 3 minutes: the only two values changed.
// The function timeout keeps room for a whole batch at the deployed request budget (10 records × 4 calls at 5/s per
// poller = 8 s, plus the 3 s margin), so the demo paces requests rather than refusing most of them.
const LOCAL_VISIBILITY_SECONDS = 15;
const LOCAL_FUNCTION_TIMEOUT_MS = 12_000;
const started = Date.now();
const stack = await startLocalStack({
  visibilityTimeoutSeconds: LOCAL_VISIBILITY_SECONDS,
  // The deployed margin: smaller ones are refused by the configuration (a dead-letter send must fit in it).
  env: {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    // Each poller is one invocation: the budget is shared among them as among Lambda's concurrent invocations.
    AMBERFLO_CONCURRENT_INVOCATIONS: String(options.concurrency),
    ...(options.budget === undefined
      ? {}
      : { AMBERFLO_MAX_REQUESTS_PER_SECOND: String(options.budget) }),
  },
  ...(options.amberfloUrl && apiKey ? { amberflo: { url: options.amberfloUrl, apiKey } } : {}),
  emulator: {
    seed: options.seed,
    defaultPlanId: 'default-plan',
    faults: {
      global: {
        error500: options.faults / 3,
        error503: options.faults / 3,
        error429: options.faults / 3,
        latencyMs: options.latency,
      },
      retryAfterSeconds: 1,
    },
    ...(options.rateLimit === undefined
      ? {}
      : { rateLimit: { requestsPerSecond: options.rateLimit } }),
  },
});

const samples = await readSampleEvents();
// Started with the traffic, so that the outage covers the first seconds of the run.
if (options.outage !== undefined) stack.emulator?.setOutage({ seconds: options.outage });
const signups = generateSignups(options.count, options.seed);
const messages = [...samples, ...signups];
console.log(
  `Local stack up: SQS ${stack.fauxqs.address}, Amberflo ${stack.amberfloUrl}` +
    ` (faults ${options.faults}, latency ${options.latency} ms` +
    `${options.rateLimit === undefined ? '' : `, rate limit ${options.rateLimit}/s`}` +
    `${options.outage === undefined ? '' : `, outage ${options.outage} s`})`,
);
console.log(
  `Amberflo budget: ${stack.env['AMBERFLO_MAX_REQUESTS_PER_SECOND']} requests/s shared by ${options.concurrency}` +
    ` pollers; redelivery backoff ${stack.env['RETRY_BACKOFF_BASE_SECONDS']} s doubling to` +
    ` ${stack.env['RETRY_BACKOFF_MAX_SECONDS']} s (local scale)`,
);
console.log(
  `Queues from serverless.yml: ${stack.sourceQueue.name} → ${stack.deadLetterQueue.name};` +
    ` local overrides: visibility ${LOCAL_VISIBILITY_SECONDS} s, function timeout ${LOCAL_FUNCTION_TIMEOUT_MS} ms`,
);
console.log(`Sending ${samples.length} sample events and ${signups.length} synthetic signups…`);

const bar = new SingleBar(
  {
    format: 'processed {value}/{total} | in queue {queued} | in flight {inflight} | {duration}s',
    hideCursor: true,
  },
  Presets.shades_classic,
);
let processed = 0;
const pipeline = startLocalPipeline(stack, {
  concurrency: options.concurrency,
  functionTimeoutMs: LOCAL_FUNCTION_TIMEOUT_MS,
  onInvoke: (outcome) => {
    processed += outcome.messageIds.length - outcome.failedIds.length;
    bar.update(Math.min(processed, messages.length));
  },
});
bar.start(messages.length, 0, { queued: messages.length, inflight: 0 });
await sendToSourceQueue(stack, messages);
const drained = await waitForDrain(stack, {
  timeoutMs: options.timeout * 1000,
  onTick: (depth) =>
    bar.update({ queued: depth.visible + depth.delayed, inflight: depth.inFlight }),
});
bar.stop();
await pipeline.stop();

const elapsedMs = Date.now() - started;
const deadLetters = await readDeadLetters(stack);
const byCode = new Map<string, number>();
for (const letter of deadLetters) byCode.set(letter.code, (byCode.get(letter.code) ?? 0) + 1);
const calls = stack.emulator?.requestCounts() ?? {};
const totalCalls = Object.values(calls).reduce((sum, value) => sum + value, 0);

console.log('');
console.log(drained ? 'Queue drained.' : `Queue NOT drained after ${options.timeout} s.`);
console.table({
  'messages sent': messages.length,
  provisioned: pipeline.metrics.count('AccountProvisioned'),
  'already provisioned': pipeline.metrics.count('AccountAlreadyProvisioned'),
  'dead-lettered': deadLetters.length,
  'retried (SQS redelivery)': pipeline.metrics.count('MessageRetried'),
  'redeliveries delayed (backoff)': pipeline.metrics.count('MessageDeferred'),
  'Amberflo requests paced': pipeline.metrics.count('AmberfloRequestPaced'),
  'Amberflo 429 answers': pipeline.metrics.count('AmberfloThrottled'),
  'circuit openings': pipeline.metrics.count('AmberfloCircuitOpened'),
  'requests refused (budget, circuit)': pipeline.metrics.count('AmberfloRequestRefused'),
  'Lambda invocations': pipeline.invocations(),
  'Amberflo calls': stack.emulator ? totalCalls : 'n/a (real Amberflo)',
  'elapsed (s)': Number((elapsedMs / 1000).toFixed(2)),
});
if (deadLetters.length > 0) {
  console.log('Dead letters by code:');
  console.table(Object.fromEntries([...byCode].sort()));
  console.log('Dead letters (first 10):');
  console.table(
    deadLetters.slice(0, 10).map((letter) => ({
      code: letter.code,
      reason: letter.message.slice(0, 80),
      body: letter.body.slice(0, 60),
    })),
  );
}
if (stack.emulator) {
  console.log('Amberflo calls by endpoint:');
  console.table(calls);
}

if (options.keepRunning) {
  console.log('\nEmulators keep running. In another shell:');
  for (const name of [
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ENDPOINT_URL_SQS',
    'AWS_ENDPOINT_URL_DYNAMODB',
    'DEAD_LETTER_QUEUE_URL',
    'SOURCE_QUEUE_URL',
    'AMBERFLO_BASE_URL',
  ]) {
    console.log(`export ${name}=${stack.env[name]}`);
  }
  // The emulator's key is a local placeholder; a real key is never printed.
  console.log(`export AMBERFLO_API_KEY=${stack.emulator ? stack.emulator.apiKey : '<your key>'}`);
  console.log(
    'npm run dlq -- stats    # or: npm run arazzo -- run lib/workflows/provision-account.arazzo.yaml …',
  );
  console.log('Ctrl-C stops everything.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
await stack.stop();
process.exit(drained ? 0 : 1);
