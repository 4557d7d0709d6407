import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFauxqs } from 'fauxqs';
import { FAILURE_ATTRIBUTE } from '../lib/dead-letters/failure-metadata.ts';
import { isCompleteReplay, replayDeadLetters } from '../tools/dlq/replay.ts';
import { createSqsClient } from '../tools/dlq/sqs-client.ts';

/** Figures of one benchmark run; the goals are ≥ 500 msg/s, ≤ 0.35 calls/msg and < 150 MB peak RSS. */
export type DlqReplayBenchmark = {
  readonly replayed: number;
  readonly replaySeconds: number;
  readonly messagesPerSecond: number;
  readonly sqsCalls: number;
  readonly callsPerMessage: number;
  readonly scanned: number;
  readonly scanSeconds: number;
  /** RSS of the `dlq stats` process at its first sample, 25 ms after the spawn (Node starting up). */
  readonly firstRssMb: number;
  readonly peakRssMb: number;
  /** The Node flags the scan ran with, read from the `dlq` npm script. */
  readonly nodeFlags: readonly string[];
  readonly goalsMet: boolean;
};

const failure = (index: number): string =>
  JSON.stringify({
    code: index % 3 === 0 ? 'AMBERFLO_REJECTED' : 'AMBERFLO_UNAVAILABLE',
    message: 'Amberflo answered 503',
    step: index % 2 === 0 ? 'createCustomer' : 'assignPlan',
    httpStatus: 503,
    receiveCount: 5,
    failedAt: new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString(),
    sourceMessageId: `source-${index}`,
    sourceQueueArn: 'arn:aws:sqs:us-east-1:000000000000:bench',
    workflowId: 'provision-account',
  });

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

const CLI = join(import.meta.dirname, '../tools/dlq/cli.ts');

/**
 * The Node flags `npm run dlq` starts the CLI with (package.json), so the bench measures what operators run.
 * Why those flags: the SDK makes about 250 KB of short-lived garbage per SQS call, and V8's defaults on a large
 * machine (64 MB semi-spaces, a first full GC near 350 MB) let it pile up around about 10 MB of live data; small
 * semi-spaces and a 512 MB old-space cap (room for the 120,000 receipt handles SQS lets one hold) keep a
 * 50,000-message `stats` near 135 MB RSS instead of 300 MB.
 */
export const readDlqScriptFlags = async (): Promise<string[]> => {
  const manifest = JSON.parse(
    await readFile(join(import.meta.dirname, '../package.json'), 'utf8'),
  ) as { scripts: Record<string, string> };
  const words = (manifest.scripts['dlq'] ?? '').split(/\s+/);
  return words.slice(1, words.indexOf('tools/dlq/cli.ts')).filter((word) => word.startsWith('--'));
};

/** Peak resident set (VmHWM) of a process, from /proc (Linux); undefined once the process is gone. */
const readPeakRss = async (pid: number): Promise<number | undefined> => {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
};

/** Runs `dlq stats --json` in a child process against the given queue, sampling its peak RSS. */
const runStatsProcess = (
  dlqUrl: string,
  endpoint: string,
  maxScan: number,
  flags: readonly string[],
): Promise<{ total: number; firstRssMb: number; peakRssMb: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...flags,
        CLI,
        'stats',
        '--json',
        '--dlq-url',
        dlqUrl,
        '--max-scan',
        String(maxScan),
        '--visibility-timeout',
        '300',
      ],
      {
        env: {
          ...process.env,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_ENDPOINT_URL_SQS: endpoint,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    let first: number | undefined;
    let peak = 0;
    const sampler = setInterval(() => {
      void readPeakRss(child.pid ?? 0).then((rss) => {
        if (rss === undefined) return;
        first ??= rss;
        peak = Math.max(peak, rss);
      });
    }, 25);
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      clearTimeout(killer);
      if (code !== 0) {
        reject(new Error(`dlq stats exited with ${code}`));
        return;
      }
      const stats = JSON.parse(stdout) as { total: number };
      resolve({ total: stats.total, firstRssMb: mb(first ?? 0), peakRssMb: mb(peak) });
    });
  });

/**
 * Replays `count` dead letters against in-process fauxqs (throughput, SQS calls per message), then scans a DLQ of
 * `scanCount` messages with `stats` while sampling RSS. Bounded: every step has a message and time limit.
 */
export const runDlqReplayBenchmark = async ({
  count = 5_000,
  scanCount = 50_000,
}: {
  count?: number;
  scanCount?: number;
} = {}): Promise<DlqReplayBenchmark> => {
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const sqs = createSqsClient({
    endpoint: fauxqs.address,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  let sqsCalls = 0;
  sqs.middlewareStack.add(
    (next) => (args) => {
      sqsCalls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countSqsCalls' },
  );
  try {
    const dlq = fauxqs.createQueue('bench-dlq');
    const source = fauxqs.createQueue('bench');
    const dlqUrl = `${fauxqs.address}/000000000000/${dlq.queueName}`;
    const sourceUrl = `${fauxqs.address}/000000000000/${source.queueName}`;
    const seed = (total: number) => {
      for (let index = 0; index < total; index += 1) {
        fauxqs.sendMessage(
          dlq.queueName,
          JSON.stringify({
            customerId: `customer-${index}`,
            customerName: 'Acme',
            productId: 'pro',
          }),
          {
            messageAttributes: {
              'event-type': { DataType: 'String', StringValue: 'account.created' },
              [FAILURE_ATTRIBUTE]: { DataType: 'String', StringValue: failure(index) },
            },
          },
        );
      }
    };

    seed(count);
    const replayStarted = performance.now();
    const summary = await replayDeadLetters({
      sqs,
      queueUrl: dlqUrl,
      sourceQueueUrl: sourceUrl,
      maxScan: count,
      maxDurationMs: 60_000,
    });
    const replaySeconds = (performance.now() - replayStarted) / 1000;
    const replayCalls = sqsCalls;
    if (!isCompleteReplay(summary) || summary.deleted !== count) {
      throw new Error(`Replay incomplete: ${JSON.stringify({ ...summary, failures: undefined })}`);
    }

    fauxqs.reset();
    seed(scanCount);
    // The scan runs as the operator runs it, in its own process, so its RSS is the tool's and not fauxqs's.
    const scanStarted = performance.now();
    const flags = await readDlqScriptFlags();
    const scan = await runStatsProcess(dlqUrl, fauxqs.address, scanCount, flags);
    const scanSeconds = (performance.now() - scanStarted) / 1000;
    const messagesPerSecond = Math.round(count / replaySeconds);
    const callsPerMessage = Math.round((replayCalls / count) * 1000) / 1000;
    return {
      replayed: summary.deleted,
      replaySeconds: Math.round(replaySeconds * 100) / 100,
      messagesPerSecond,
      sqsCalls: replayCalls,
      callsPerMessage,
      scanned: scan.total,
      scanSeconds: Math.round(scanSeconds * 100) / 100,
      firstRssMb: scan.firstRssMb,
      peakRssMb: scan.peakRssMb,
      nodeFlags: flags,
      goalsMet: messagesPerSecond >= 500 && callsPerMessage <= 0.35 && scan.peakRssMb < 150,
    };
  } finally {
    sqs.destroy();
    await fauxqs.stop();
  }
};

if (import.meta.main) {
  const result = await runDlqReplayBenchmark({ count: 5_000 });
  console.log(`dlq replay: ${result.replayed} messages in ${result.replaySeconds} s`);
  console.log(`  ${result.messagesPerSecond} msg/s (goal >= 500)`);
  console.log(`  ${result.callsPerMessage} SQS calls/msg, ${result.sqsCalls} calls (goal <= 0.35)`);
  console.log(`dlq stats scan: ${result.scanned} messages in ${result.scanSeconds} s`);
  console.log(
    `  dlq stats process RSS: ${result.firstRssMb} MB at start, peak ${result.peakRssMb} MB (goal < 150 MB)`,
  );
  console.log(result.goalsMet ? 'goals met' : 'GOALS NOT MET');
  process.exitCode = result.goalsMet ? 0 : 1;
}
