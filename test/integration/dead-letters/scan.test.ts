import type {
  ChangeMessageVisibilityBatchRequest,
  ReceiveMessageRequest,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listDeadLetters } from '../../../tools/dlq/peek.ts';
import { isCompleteReplay, replayDeadLetters } from '../../../tools/dlq/replay.ts';
import { scanClock } from '../../../tools/dlq/scan.ts';
import { createSqsClient } from '../../../tools/dlq/sqs-client.ts';
import { countVisible, type DlqFixture, seedDeadLetters, startDlqFixture } from './dlq-fixture.ts';

const LETTERS = 20;

/**
 * A real client on the fixture whose receives each take 100 ms, so that reading the DLQ one letter at a time takes
 * longer than a 1 s hold: a large DLQ against the 60 s hold, scaled down. `forcedHold` makes every receive use that
 * visibility timeout whatever the scan asked for (a hold SQS did not keep).
 */
const slowClient = (fixture: DlqFixture, forcedHold?: number): SQSClient => {
  const sqs = createSqsClient({
    endpoint: fixture.fauxqs.address,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'ReceiveMessageCommand') return next(args);
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (forcedHold === undefined) return next(args);
      const input = args.input as ReceiveMessageRequest;
      return next({ ...args, input: { ...input, VisibilityTimeout: forcedHold } });
    },
    { step: 'initialize' },
  );
  return sqs;
};

describe('a scan of a DLQ larger than one hold period', () => {
  let fixture: DlqFixture;
  let sqs: SQSClient | undefined;

  beforeAll(async () => {
    fixture = await startDlqFixture();
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  beforeEach(async () => {
    fixture.fauxqs.reset();
    await seedDeadLetters(
      fixture.sqs,
      fixture.dlqUrl,
      Array.from({ length: LETTERS }, () => ({ failure: {} })),
    );
  });

  afterEach(() => {
    sqs?.destroy();
    sqs = undefined;
  });

  it('holds what it read until its budget ends, so it drains and ends on its own', async () => {
    // Prepare
    sqs = slowClient(fixture);
    // Act
    const result = await listDeadLetters({
      sqs,
      queueUrl: fixture.dlqUrl,
      receiveBatchSize: 1,
      waitTimeSeconds: 0,
      visibilityTimeoutSeconds: 1,
      maxDurationMs: 15_000,
    });
    // Assess
    expect(result).toMatchObject({ stoppedBy: 'drained', scanned: LETTERS, notReleased: 0 });
    expect(new Set(result.letters.map((letter) => letter.messageId)).size).toBe(LETTERS);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(LETTERS);
  }, 30_000);

  it('releases each letter once, by its latest receipt handle, when it was received again', async () => {
    // Prepare
    sqs = slowClient(fixture, 1);
    const released: string[] = [];
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ChangeMessageVisibilityBatchCommand') {
          const input = args.input as ChangeMessageVisibilityBatchRequest;
          released.push(...(input.Entries ?? []).map((entry) => entry.ReceiptHandle ?? ''));
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    // Act
    const result = await listDeadLetters({
      sqs,
      queueUrl: fixture.dlqUrl,
      receiveBatchSize: 1,
      waitTimeSeconds: 0,
      maxDurationMs: 3_000,
    });
    // Assess
    expect(result).toMatchObject({ stoppedBy: 'time-limit', scanned: LETTERS });
    expect(released).toHaveLength(LETTERS);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(LETTERS);
  }, 30_000);

  it('does not call a replay stopped by its time limit complete', async () => {
    // Prepare
    // Act
    const summary = await replayDeadLetters({
      sqs: fixture.sqs,
      queueUrl: fixture.dlqUrl,
      sourceQueueUrl: fixture.sourceUrl,
      maxDurationMs: 0,
    });
    // Assess
    expect(summary.stoppedBy).toBe('time-limit');
    expect(isCompleteReplay(summary)).toBe(false);
  });
});

describe('scanClock', () => {
  it('holds a letter until the budget ends plus a margin, within SQS’s 12 h', () => {
    // Prepare
    let now = 1_000_000;
    // Act
    const clock = scanClock({ maxDurationMs: 600_000 }, () => now);
    const first = clock.holdSeconds();
    now += 590_000;
    const late = clock.holdSeconds();
    const long = scanClock({ maxDurationMs: 48 * 3_600_000 }, () => now);
    // Assess
    expect(clock.deadline).toBe(1_600_000);
    expect(first).toBe(600 + 60);
    expect(late).toBe(10 + 60);
    expect(long.holdSeconds()).toBe(43_200);
    expect(long.deadline - now).toBe((43_200 - 60) * 1000);
  });

  it('never holds for less than an explicit visibility timeout', () => {
    // Prepare
    // Act
    const clock = scanClock({ maxDurationMs: 1_000, visibilityTimeoutSeconds: 300 }, () => 0);
    // Assess
    expect(clock.holdSeconds()).toBe(300);
  });
});
