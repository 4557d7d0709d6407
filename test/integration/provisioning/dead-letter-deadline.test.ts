import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEAD_LETTER_SEND_TIMEOUT_MS,
  loadConfig,
  MIDDY_TIMEOUT_EARLY_MS,
  MIN_DEADLINE_MARGIN_MS,
  REPORT_TIME_MS,
} from '../../../lib/config.ts';
import { createDependencies } from '../../../lib/dependencies.ts';
import { AmberfloRejectedError, ConfigError } from '../../../lib/errors.ts';
import { createBatchHandler } from '../../../lib/provisioning/handle-batch.ts';
import type { Provision } from '../../../lib/provisioning/provision-account.ts';
import { CountingMetrics, startLocalPipeline } from '../../../tools/local/pipeline.ts';
import { type LocalStackOptions, startLocalStack } from '../../../tools/local/stack.ts';
import {
  accountCreatedFactory,
  envFactory,
  lambdaContextFactory,
  sqsRecordFactory,
} from '../../helpers/factories.ts';
import { type LocalAws, startLocalAws } from '../../helpers/local-aws.ts';

type SendLog = { startedAt: number; endedAt?: number; outcome?: 'forwarded' | 'aborted' };
type Handle = (
  request: { headers: Record<string, string> },
  options?: { abortSignal?: AbortSignal },
) => Promise<unknown>;

const abortableDelay = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new DOMException('The send was aborted', 'AbortError'));
      },
      { once: true },
    );
  });

/**
 * An SQS client on fauxqs whose SendMessage calls wait `delayMs` before they leave (an abort while waiting means the
 * message never reaches the queue). Every other call is untouched.
 */
const createSlowSendClient = (
  endpoint: string,
  delayMs: () => number,
  log: SendLog[],
): SQSClient => {
  const settings = {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const inner = new SQSClient(settings).config.requestHandler as unknown as { handle: Handle };
  const handle: Handle = async (request, options) => {
    const target = Object.entries(request.headers).find(
      ([name]) => name.toLowerCase() === 'x-amz-target',
    );
    if (target?.[1] === 'AmazonSQS.SendMessage') {
      const entry: SendLog = { startedAt: Date.now() };
      log.push(entry);
      try {
        await abortableDelay(delayMs(), options?.abortSignal);
      } catch (error) {
        entry.endedAt = Date.now();
        entry.outcome = 'aborted';
        throw error;
      }
      const response = await inner.handle(request, options);
      entry.endedAt = Date.now();
      entry.outcome = 'forwarded';
      return response;
    }
    return inner.handle(request, options);
  };
  return new SQSClient({ ...settings, requestHandler: { handle } as never });
};

describe('a dead-letter send at the invocation deadline has one outcome (fauxqs, real handler)', () => {
  // Work stops at 3000 - 2150 = 850 ms; the guard gives records up at 3000 - 1750 = 1250 ms; middy throws at 2500 ms.
  const REMAINING_MS = 3_000;
  const MARGIN_MS = 2_150;
  const GUARD_AT_MS =
    REMAINING_MS - (MIDDY_TIMEOUT_EARLY_MS + DEAD_LETTER_SEND_TIMEOUT_MS + REPORT_TIME_MS);
  let aws: LocalAws;
  let log: SendLog[];
  let delayMs: number;
  let sqs: SQSClient;

  const dlqDepth = () => {
    const queue = aws.fauxqs.inspectQueue(aws.deadLetterQueue.name);
    return (queue?.messages.ready.length ?? 0) + (queue?.messages.inflight.length ?? 0);
  };

  const invoke = async (provision: Provision) => {
    const config = loadConfig(
      envFactory({
        DEADLINE_MARGIN_MS: String(MARGIN_MS),
        DEAD_LETTER_QUEUE_URL: aws.deadLetterQueue.queueUrl,
      }),
    );
    const deps = createDependencies(config, {
      awsClients: { sqs, dynamodb: aws.dynamodb },
      provision,
      metrics: new CountingMetrics({ namespace: 'Test', serviceName: 'test' }),
    });
    // The deployed handler: middy's early timeout is on.
    const handler = createBatchHandler(deps);
    const record = sqsRecordFactory(accountCreatedFactory(), { messageId: 'slow-1' });
    const startedAt = Date.now();
    const response = await handler(
      { Records: [record] },
      lambdaContextFactory({ remainingMs: REMAINING_MS }),
    );
    return {
      response,
      startedAt,
      failed: response.batchItemFailures.map((item) => item.itemIdentifier),
    };
  };

  /** Fails permanently once the work deadline aborts the run, so the dead-letter send starts at the deadline. */
  const rejectedAtDeadline: Provision = (_message, { signal }) =>
    new Promise((_resolve, reject) => {
      signal.addEventListener(
        'abort',
        () => reject(new AmberfloRejectedError('Amberflo refused the plan', { httpStatus: 400 })),
        {
          once: true,
        },
      );
    });

  beforeAll(async () => {
    aws = await startLocalAws();
    log = [];
    sqs = createSlowSendClient(aws.fauxqs.address, () => delayMs, log);
  });

  afterAll(async () => {
    sqs?.destroy();
    await aws?.stop();
  });

  beforeEach(async () => {
    await aws.reset();
    log.length = 0;
  });

  it('waits for a send still running when the guard fires: dead-lettered, not redelivered', async () => {
    // Prepare
    delayMs = 700;
    // Act
    const { failed, startedAt } = await invoke(rejectedAtDeadline);
    // Assess
    expect(log).toHaveLength(1);
    const [send] = log;
    expect(send?.outcome).toBe('forwarded');
    // The race this test is about: the send started before the guard fired and ended after it.
    expect((send?.startedAt ?? 0) - startedAt).toBeLessThan(GUARD_AT_MS);
    expect((send?.endedAt ?? 0) - startedAt).toBeGreaterThan(GUARD_AT_MS);
    expect(failed).toEqual([]);
    expect(dlqDepth()).toBe(1);
  });

  it('reports the record failed when the send is aborted: redelivered, not dead-lettered', async () => {
    // Prepare
    delayMs = 60_000;
    // Act
    const { failed } = await invoke(rejectedAtDeadline);
    // Assess
    expect(log.map((entry) => entry.outcome)).toEqual(['aborted']);
    expect(failed).toEqual(['slow-1']);
    expect(dlqDepth()).toBe(0);
  });

  it('never dead-letters a record the guard already gave up, even when it fails afterwards', async () => {
    // Prepare: the run ignores the deadline and fails permanently 350 ms after the guard gave it up
    delayMs = 0;
    let failedLate: () => void = () => {};
    const late = new Promise<void>((resolve) => {
      failedLate = resolve;
    });
    const provision: Provision = () =>
      new Promise((_resolve, reject) => {
        setTimeout(() => {
          reject(new AmberfloRejectedError('Amberflo refused the plan', { httpStatus: 400 }));
          failedLate();
        }, GUARD_AT_MS + 350);
      });
    // Act
    const { failed } = await invoke(provision);
    await late;
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Assess
    expect(failed).toEqual(['slow-1']);
    expect(log).toEqual([]);
    expect(dlqDepth()).toBe(0);
  });
});

/**
 * The options `npm start` (tools/local/start.ts, run without flags) passes to startLocalStack. The script is imported
 * with the stack module replaced by one that records the options and stops it there, so nothing is started.
 */
const npmStartStackOptions = async (): Promise<LocalStackOptions> => {
  const stop = new Error('stack options captured');
  let captured: LocalStackOptions | undefined;
  vi.doMock('../../../tools/local/stack.ts', async (importOriginal) => ({
    ...(await importOriginal<typeof import('../../../tools/local/stack.ts')>()),
    startLocalStack: (options: LocalStackOptions) => {
      captured = options;
      return Promise.reject(stop);
    },
  }));
  const argv = process.argv;
  process.argv = [argv[0] ?? 'node', 'tools/local/start.ts'];
  try {
    await import('../../../tools/local/start.ts').catch((error: unknown) => {
      if (error !== stop) throw error;
    });
  } finally {
    process.argv = argv;
    vi.doUnmock('../../../tools/local/stack.ts');
  }
  if (captured === undefined) throw new Error('tools/local/start.ts started no local stack');
  return captured;
};

describe('DEADLINE_MARGIN_MS validation (local stack)', () => {
  it('refuses a margin too small for middy and a dead-letter send, and accepts the deployed value npm start uses', async () => {
    // Prepare
    const small = await startLocalStack({ env: { DEADLINE_MARGIN_MS: '1000' } });
    const npmStart = await npmStartStackOptions();
    const deployed = await startLocalStack({ ...(npmStart.env ? { env: npmStart.env } : {}) });
    try {
      // Act
      const refused = (() => {
        try {
          startLocalPipeline(small);
          return undefined;
        } catch (error) {
          return error;
        }
      })();
      const config = loadConfig(deployed.env);
      // Assess
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as ConfigError).message).toContain(
        `DEADLINE_MARGIN_MS: must be at least ${MIN_DEADLINE_MARGIN_MS}`,
      );
      expect(config.deadlineMarginMs).toBe(3_000);
      expect(config.deadlineMarginMs).toBeGreaterThanOrEqual(MIN_DEADLINE_MARGIN_MS);
    } finally {
      await small.stop();
      await deployed.stop();
    }
  });
});
