/**
 * Pipeline figures: Amberflo calls per message through the real handler (fresh account, completed duplicate, resume
 * after a crash following each step), throughput of N signups through the local pipeline at a given emulator
 * latency against the arithmetic limit of the concurrency cap. The deployed bundle is measured in bundle.ts.
 * Run alone: `npx node bench/pipeline.ts [signups]`.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createWorkflowFailureClassifier } from '../lib/amberflo/classify.ts';
import { createAmberfloHttp } from '../lib/amberflo/http.ts';
import type { Send } from '../lib/arazzo/http-port.ts';
import { createWorkflowRunner } from '../lib/arazzo/runner.ts';
import { loadConfig } from '../lib/config.ts';
import {
  loadProvisionAccountWorkflow,
  PROVISION_ACCOUNT_WORKFLOW_ID,
  toProvisionAccountInputs,
} from '../lib/workflows/provision-account.ts';
import {
  readDeployedScaling,
  sendToSourceQueue,
  startLocalPipeline,
  waitForDrain,
} from '../tools/local/pipeline.ts';
import { startLocalPipelineInWorker, type WorkerPipeline } from '../tools/local/pipeline-worker.ts';
import { generateSignups } from '../tools/local/signups.ts';
import { startLocalStack } from '../tools/local/stack.ts';
import { median } from './workflow-overhead.ts';

export type CallsPerMessage = { readonly reads: number; readonly writes: number };

export type PipelineFigures = {
  readonly fresh: CallsPerMessage;
  readonly completedDuplicate: CallsPerMessage;
  /** Calls made by the redelivery after a crash following the n-th response of a run with a commitment. */
  readonly resumeAfterCrash: ReadonlyArray<{ readonly crashAfterStep: string } & CallsPerMessage>;
  readonly throughput: {
    readonly signups: number;
    readonly latencyMs: number;
    readonly concurrency: number;
    readonly seconds: number;
    readonly messagesPerSecond: number;
    readonly arithmeticLimitPerSecond: number;
    readonly ratioToLimit: number;
  };
};

const ACCOUNT = { customerId: 'bench-acct', customerName: 'Bench', productId: 'plan-pro' };
const COMMITMENT = {
  label: 'Annual',
  cycles: 12,
  trueup: { minimumPayment: 1000, interval: 'MONTHLY' },
};
const STEPS_WITH_COMMITMENT = [
  'findCustomer',
  'createCustomer',
  'readPlan',
  'replacePlan',
  'readCommitments',
];

const countCalls = (log: ReadonlyArray<{ method: string }>): CallsPerMessage => ({
  reads: log.filter((entry) => entry.method === 'GET').length,
  writes: log.filter((entry) => entry.method === 'POST').length,
});

/** Fresh account and completed duplicate through the handler (idempotency included). */
const measureHandlerCalls = async () => {
  const stack = await startLocalStack({
    visibilityTimeoutSeconds: 2,
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    emulator: { defaultPlanId: 'default-plan' },
  });
  const pipeline = startLocalPipeline(stack, { concurrency: 1, functionTimeoutMs: 5_000 });
  try {
    const emulator = stack.emulator as NonNullable<typeof stack.emulator>;
    await sendToSourceQueue(stack, [{ body: JSON.stringify(ACCOUNT) }]);
    await waitForDrain(stack, { timeoutMs: 30_000 });
    const fresh = countCalls(emulator.requestLog());
    emulator.clearRequestLog();
    await sendToSourceQueue(stack, [{ body: JSON.stringify(ACCOUNT) }]);
    await waitForDrain(stack, { timeoutMs: 30_000 });
    return { fresh, completedDuplicate: countCalls(emulator.requestLog()) };
  } finally {
    await pipeline.stop();
    await stack.stop();
  }
};

/** A crash after the n-th response of a run with a commitment, then the redelivered run: what does it call? */
const measureResumeCalls = async () => {
  const stack = await startLocalStack({ emulator: { defaultPlanId: 'default-plan' } });
  const emulator = stack.emulator as NonNullable<typeof stack.emulator>;
  try {
    const http = createAmberfloHttp({
      baseUrl: emulator.url,
      getApiKey: () => emulator.apiKey,
      timeoutMs: 5_000,
    });
    const inputs = toProvisionAccountInputs(
      { ...ACCOUNT, commitment: COMMITMENT },
      { amberfloProductId: '1' },
    );
    const run = (send: Send, signal?: AbortSignal) =>
      createWorkflowRunner(loadProvisionAccountWorkflow(), {
        baseUrl: http.baseUrl,
        send,
        classify: createWorkflowFailureClassifier(http.knownSecrets),
      }).run(PROVISION_ACCOUNT_WORKFLOW_ID, inputs, signal ? { signal } : {});
    const results = [];
    for (const [index, crashAfterStep] of STEPS_WITH_COMMITMENT.entries()) {
      emulator.reset();
      const controller = new AbortController();
      let responses = 0;
      await run(async (request, options) => {
        const response = await http.send(request, options);
        responses += 1;
        if (responses === index + 1) controller.abort(new Error('crash'));
        return response;
      }, controller.signal);
      emulator.clearRequestLog();
      await run(http.send);
      results.push({ crashAfterStep, ...countCalls(emulator.requestLog()) });
    }
    return results;
  } finally {
    await stack.stop();
  }
};

/**
 * N fresh signups through the pipeline with emulator latency, against the concurrency cap's arithmetic limit. The
 * pollers and the handler run in a worker thread, the emulators on this one: in Lambda the handler shares no CPU
 * with SQS, DynamoDB or Amberflo. Pollers and BATCH_CONCURRENCY are the deployed ones, read from serverless.yml.
 */
const measureThroughput = async (signups: number, latencyMs: number) => {
  const deployed = await readDeployedScaling('serverless.yml', 'dev');
  const deployedProd = await readDeployedScaling('serverless.yml', 'prod');
  const stack = await startLocalStack({
    visibilityTimeoutSeconds: 30,
    // Unpaced: this figure is the concurrency cap's limit; the request budget has its own section (bench/limits.ts).
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', AMBERFLO_MAX_REQUESTS_PER_SECOND: '10000' },
    emulator: {
      defaultPlanId: 'default-plan',
      faults: { global: { latencyMs } },
      // Every call of the run stays in the log, for the per-call gap below.
      requestLogLimit: signups * 8,
    },
  });
  const emulator = stack.emulator as NonNullable<typeof stack.emulator>;
  // What the handler will actually use: BATCH_CONCURRENCY comes from serverless.yml through the stack's env.
  const { batchConcurrency } = loadConfig(stack.env);
  const concurrency = deployed.maximumConcurrency;
  let pipeline: WorkerPipeline | undefined;
  try {
    const messages = generateSignups(signups, 11, {
      duplicates: 0,
      conflicts: 0,
      invalid: 0,
      commitments: 0,
    });
    // The whole backlog is queued before the pollers start, so the clock sees only the pipeline at work.
    await sendToSourceQueue(stack, messages);
    pipeline = await startLocalPipelineInWorker(stack, { concurrency, functionTimeoutMs: 30_000 });
    const loadAverage1m = loadavg()[0] ?? 0;
    const mainLoopBefore = performance.eventLoopUtilization();
    const workerLoopBefore = pipeline.eventLoopUtilization();
    const started = performance.now();
    // The clock stops at the first of the empty observations that end the wait (50 ms apart), not at the last.
    let emptySince: number | undefined;
    const drained = await waitForDrain(stack, {
      timeoutMs: 120_000,
      intervalMs: 50,
      onTick: (depth) => {
        const empty = depth.visible + depth.inFlight + depth.delayed === 0;
        emptySince = empty ? (emptySince ?? performance.now()) : undefined;
      },
    });
    const endedAt = drained && emptySince !== undefined ? emptySince : performance.now();
    const seconds = (endedAt - started) / 1000;
    // Share of the run each thread was busy: near 1 on either side means CPU, not the pipeline, set the pace.
    const busy = {
      emulatorsThread: performance.eventLoopUtilization(mainLoopBefore).utilization,
      handlerThread: pipeline.eventLoopUtilization(workerLoopBefore).utilization,
    };
    const counts = await pipeline.stop();
    const provisioned = counts.metrics['AccountProvisioned'] ?? 0;
    // A fresh account is four sequential Amberflo calls; the cap allows pollers × BATCH_CONCURRENCY records at once.
    const arithmeticLimitPerSecond = (concurrency * batchConcurrency) / ((4 * latencyMs) / 1000);
    // Not drained in time: count only what was provisioned, so a stalled run cannot look fast.
    const messagesPerSecond = (drained ? signups : provisioned) / seconds;
    // Where the time goes: the formula allows 4 × latency per record slot and nothing else. The gap between one
    // record's consecutive Amberflo calls is the latency plus one round trip's own cost (HTTP on loopback, both sides).
    const callTimes = new Map<string, number[]>();
    for (const entry of emulator.requestLog()) {
      const query = entry.query['customerId'];
      const body = entry.body as { customerId?: unknown } | undefined;
      const customerId = String(query ?? body?.customerId ?? '');
      callTimes.set(customerId, [...(callTimes.get(customerId) ?? []), entry.receivedAt]);
    }
    const gaps = [...callTimes.values()].flatMap((times) =>
      times.slice(1).map((time, index) => time - (times[index] as number)),
    );
    return {
      signups,
      latencyMs,
      concurrency: concurrency * batchConcurrency,
      seconds,
      messagesPerSecond,
      arithmeticLimitPerSecond,
      ratioToLimit: messagesPerSecond / arithmeticLimitPerSecond,
      drained,
      provisioned,
      invocations: counts.invocations,
      // The formula assumes 4 calls per fresh account; this is what the emulator saw.
      amberfloCallsPerMessage:
        Object.values(emulator.requestCounts()).reduce((sum, count) => sum + count, 0) / signups,
      recordSlotMs: (concurrency * batchConcurrency * seconds * 1000) / signups,
      formulaRecordSlotMs: 4 * latencyMs,
      amberfloCallGapMsMedian: gaps.length > 0 ? median(gaps) : undefined,
      handlerThread: 'worker',
      busy,
      pollers: concurrency,
      batchConcurrency,
      // Pollers are the default stage's maximumConcurrency by construction; the handler's BATCH_CONCURRENCY and the
      // poll batch size come through the stack, so they are checked against serverless.yml here.
      deployed: {
        [deployed.stage]: deployed,
        [deployedProd.stage]: deployedProd,
        batchConcurrencyAsDeployed: batchConcurrency === deployed.batchConcurrency,
        batchSizeAsDeployed: stack.resources.batchSize === deployed.batchSize,
      },
      loadAverage1m,
    };
  } finally {
    await pipeline?.stop();
    await stack.stop();
  }
};

export const runPipelineBenchmark = async ({
  signups = 1000,
  latencyMs = 25,
} = {}): Promise<PipelineFigures> => {
  const { fresh, completedDuplicate } = await measureHandlerCalls();
  return {
    fresh,
    completedDuplicate,
    resumeAfterCrash: await measureResumeCalls(),
    throughput: await measureThroughput(signups, latencyMs),
  };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(
    JSON.stringify(
      await runPipelineBenchmark({ signups: Number(process.argv[2] ?? 1000) }),
      null,
      2,
    ),
  );
}
