/**
 * Amberflo limits, measured on loopback with the real handler: "Budget" (N signups against an emulator that
 * rate-limits at R req/s, with our budget set to R and the pollers and batch concurrency as deployed, each poller
 * its own container with its own share) and "Outage" (a time-scaled outage with redelivery backoff: dead letters,
 * calls per account during it, drain time after it). Run alone: `node bench/limits.ts [signups] [R]`.
 */
import { fileURLToPath } from 'node:url';
import type { RequestLogEntry } from '../tools/amberflo-emulator/server.ts';
import {
  type LocalPipeline,
  readDeadLetters,
  readDeployedScaling,
  sendToSourceQueue,
  startLocalPipeline,
  waitForDrain,
} from '../tools/local/pipeline.ts';
import { generateSignups } from '../tools/local/signups.ts';
import { type LocalStack, startLocalStack } from '../tools/local/stack.ts';

const FRESH_ONLY = { duplicates: 0, conflicts: 0, invalid: 0, commitments: 0 };

export type BudgetFigures = {
  readonly signups: number;
  readonly requestsPerSecond: number;
  readonly pollers: number;
  readonly seconds: number;
  readonly requests: number;
  readonly busiestSecond: number;
  readonly acceptedPerSecond: number;
  readonly throttledShare: number;
  readonly deadLetters: number;
  readonly provisioned: number;
  readonly drained: boolean;
};

export type OutageFigures = {
  readonly signups: number;
  readonly outageSeconds: number;
  readonly deadLetters: number;
  readonly callsPerAccountDuringOutage: number;
  readonly maxCallsOneAccountDuringOutage: number;
  readonly drainSecondsAfterOutage: number;
  readonly circuitOpenings: number;
  readonly redeliveriesDelayed: number;
  readonly provisioned: number;
  readonly drained: boolean;
};

/** The most entries any one-second window (half-open) holds. */
const busiestSecond = (times: readonly number[]): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= 1_000) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
};

const customerOf = (entry: RequestLogEntry): string => {
  const body = entry.body as { customerId?: unknown } | undefined;
  return String(entry.query['customerId'] ?? entry.query['CustomerId'] ?? body?.customerId ?? '');
};

/** One pipeline per poller: each is one Lambda container, with its own budget share and circuit breaker. */
const startContainers = (stack: LocalStack, pollers: number, coolDownMs?: number) =>
  Array.from({ length: pollers }, () =>
    startLocalPipeline(stack, {
      concurrency: 1,
      functionTimeoutMs: 30_000,
      ...(coolDownMs === undefined ? {} : { overrides: { circuit: { coolDownMs } } }),
    }),
  );

const total = (pipelines: readonly LocalPipeline[], name: string) =>
  pipelines.reduce((sum, pipeline) => sum + pipeline.metrics.count(name), 0);

export const runBudgetBenchmark = async ({
  signups = 3_000,
  requestsPerSecond = 100,
} = {}): Promise<BudgetFigures> => {
  const deployed = await readDeployedScaling('serverless.yml', 'dev');
  const stack = await startLocalStack({
    visibilityTimeoutSeconds: 30,
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AMBERFLO_MAX_REQUESTS_PER_SECOND: String(requestsPerSecond),
      AMBERFLO_CONCURRENT_INVOCATIONS: String(deployed.maximumConcurrency),
    },
    emulator: {
      defaultPlanId: 'default-plan',
      rateLimit: { requestsPerSecond },
      requestLogLimit: signups * 10,
    },
  });
  const emulator = stack.emulator as NonNullable<typeof stack.emulator>;
  let pipelines: LocalPipeline[] = [];
  try {
    await sendToSourceQueue(stack, generateSignups(signups, 13, FRESH_ONLY));
    pipelines = startContainers(stack, deployed.maximumConcurrency);
    const drained = await waitForDrain(stack, {
      timeoutMs: Math.max(120_000, ((signups * 8) / requestsPerSecond) * 1000),
    });
    await Promise.all(pipelines.map((pipeline) => pipeline.stop()));
    const log = emulator.requestLog();
    const accepted = log.filter((entry) => entry.status !== 429);
    const times = accepted.map((entry) => entry.receivedAt);
    const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
    return {
      signups,
      requestsPerSecond,
      pollers: deployed.maximumConcurrency,
      seconds,
      requests: log.length,
      busiestSecond: busiestSecond(log.map((entry) => entry.receivedAt)),
      acceptedPerSecond: accepted.length / seconds,
      throttledShare: (log.length - accepted.length) / log.length,
      deadLetters: (await readDeadLetters(stack)).length,
      provisioned: total(pipelines, 'AccountProvisioned'),
      drained,
    };
  } finally {
    await Promise.all(pipelines.map((pipeline) => pipeline.stop()));
    await stack.stop();
  }
};

/** Receives as deployed (serverless.yml's maxReceiveCount). */
const OUTAGE_RECEIVES = 10;
/** The queue's own visibility timeout in the outage scenario. */
const OUTAGE_VISIBILITY_SECONDS = 2;

/**
 * Time-scaled, keeping the deployed proportions that matter rather than one factor: deployed, a one-hour outage is
 * twice what the queue alone covers (10 receives × 180 s visibility = 30 min) and well inside what the backoff
 * covers (at least 3.24 h, README). Here the queue alone covers 10 × 2 s = 20 s, the outage lasts 30 s, and the
 * backoff (1 s doubling to 8 s) covers at least 0.8 × (1 + 2 + 4 + 8 × 6) = 44 s; the circuit cools down for 2 s.
 * Without the backoff every signup would be dead-lettered during the outage.
 */
export const runOutageBenchmark = async ({
  signups = 200,
  outageSeconds = 30,
} = {}): Promise<OutageFigures> => {
  const deployed = await readDeployedScaling('serverless.yml', 'dev');
  const stack = await startLocalStack({
    visibilityTimeoutSeconds: OUTAGE_VISIBILITY_SECONDS,
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AMBERFLO_MAX_REQUESTS_PER_SECOND: '100',
      AMBERFLO_CONCURRENT_INVOCATIONS: String(deployed.maximumConcurrency),
      MAX_RECEIVE_COUNT: String(OUTAGE_RECEIVES),
      RETRY_BACKOFF_BASE_SECONDS: '1',
      RETRY_BACKOFF_MAX_SECONDS: '8',
    },
    emulator: { defaultPlanId: 'default-plan', requestLogLimit: signups * 40 },
  });
  const emulator = stack.emulator as NonNullable<typeof stack.emulator>;
  let pipelines: LocalPipeline[] = [];
  try {
    await sendToSourceQueue(stack, generateSignups(signups, 17, FRESH_ONLY));
    const outage = emulator.setOutage({ seconds: outageSeconds, retryAfterSeconds: 1 });
    const endsAt = outage?.windows[0]?.endsAt ?? Date.now();
    pipelines = startContainers(stack, deployed.maximumConcurrency, 2_000);
    const drained = await waitForDrain(stack, { timeoutMs: 180_000, intervalMs: 100 });
    const drainSecondsAfterOutage = (Date.now() - endsAt) / 1000;
    await Promise.all(pipelines.map((pipeline) => pipeline.stop()));
    const during = emulator.requestLog().filter((entry) => entry.receivedAt < endsAt);
    const perAccount = new Map<string, number>();
    for (const entry of during) {
      perAccount.set(customerOf(entry), (perAccount.get(customerOf(entry)) ?? 0) + 1);
    }
    return {
      signups,
      outageSeconds,
      deadLetters: (await readDeadLetters(stack)).length,
      callsPerAccountDuringOutage: during.length / signups,
      maxCallsOneAccountDuringOutage: Math.max(0, ...perAccount.values()),
      drainSecondsAfterOutage,
      circuitOpenings: total(pipelines, 'AmberfloCircuitOpened'),
      redeliveriesDelayed: total(pipelines, 'MessageDeferred'),
      provisioned: total(pipelines, 'AccountProvisioned'),
      drained,
    };
  } finally {
    await Promise.all(pipelines.map((pipeline) => pipeline.stop()));
    await stack.stop();
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const signups = Number(process.argv[2] ?? 3_000);
  const requestsPerSecond = Number(process.argv[3] ?? 100);
  console.log(JSON.stringify(await runBudgetBenchmark({ signups, requestsPerSecond }), null, 2));
  console.log(JSON.stringify(await runOutageBenchmark(), null, 2));
}
