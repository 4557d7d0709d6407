import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ChangeMessageVisibilityCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDlqCliWith } from '../../helpers/dlq-cli-run.ts';
import {
  countMessages,
  countVisible,
  type DlqFixture,
  type SeedMessage,
  seedDeadLetters,
  startDlqFixture,
} from './dlq-fixture.ts';

/** The part of fauxqs's queue class this test changes. */
type QueueClass = {
  prototype: {
    changeVisibility(this: QueueInstance, receiptHandle: string, timeoutSeconds: number): void;
  };
};
type QueueInstance = { messages: unknown[]; isFifo(): boolean };

/**
 * SQS promises no order, and a message given back can be the very next one returned. fauxqs appends it at the end;
 * this makes its queues return given-back messages first, the order that let a filtered scan stop early.
 */
const returnGivenBackMessagesFirst = async (): Promise<() => void> => {
  const url = pathToFileURL(join(process.cwd(), 'node_modules/fauxqs/dist/sqs/sqsStore.js'));
  const { SqsQueue } = (await import(url.href)) as { SqsQueue: QueueClass };
  const original = SqsQueue.prototype.changeVisibility;
  SqsQueue.prototype.changeVisibility = function (receiptHandle, timeoutSeconds) {
    const before = this.messages.length;
    original.call(this, receiptHandle, timeoutSeconds);
    if (timeoutSeconds === 0 && !this.isFifo() && this.messages.length === before + 1) {
      this.messages.unshift(this.messages.pop());
    }
  };
  return () => {
    SqsQueue.prototype.changeVisibility = original;
  };
};

const letters = (count: number, code: string | undefined, prefix: string): SeedMessage[] =>
  Array.from({ length: count }, (_, index) => ({
    customerId: `${prefix}-${index}`,
    failure: code === undefined ? undefined : { code: code as 'AMBERFLO_UNAVAILABLE' },
  }));

describe('filtered replay, purge and export see every letter once (fauxqs returning given-back messages first)', () => {
  let fixture: DlqFixture;
  let restore: () => void;
  let workDir: string;
  const cli = (args: string[]) =>
    runDlqCliWith(fixture.sqs, [...args, '--dlq-url', fixture.dlqUrl]);

  beforeAll(async () => {
    restore = await returnGivenBackMessagesFirst();
    fixture = await startDlqFixture();
    workDir = await mkdtemp(join(tmpdir(), 'dlq-filtered-'));
  });

  afterAll(async () => {
    restore?.();
    await fixture?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    fixture.fauxqs.reset();
    // 25 letters that do not match come first, so every early receive brings only letters to skip.
    await seedDeadLetters(
      fixture.sqs,
      fixture.dlqUrl,
      letters(25, 'AMBERFLO_REJECTED', 'rejected'),
    );
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, letters(5, undefined, 'unknown'));
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, letters(6, 'AMBERFLO_UNAVAILABLE', 'down'));
  });

  it('really returns a given-back message first (the ordering this suite is about)', async () => {
    // Prepare
    await fixture.sqs.send(
      new SendMessageCommand({ QueueUrl: fixture.sourceUrl, MessageBody: 'first' }),
    );
    await fixture.sqs.send(
      new SendMessageCommand({ QueueUrl: fixture.sourceUrl, MessageBody: 'second' }),
    );
    const receiveOne = async () =>
      (await fixture.sqs.send(new ReceiveMessageCommand({ QueueUrl: fixture.sourceUrl })))
        .Messages?.[0];
    const first = await receiveOne();
    // Act
    await fixture.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: fixture.sourceUrl,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const again = await receiveOne();
    // Assess
    expect(first?.Body).toBe('first');
    expect(again?.Body).toBe('first');
  });

  it('replays every matching letter and leaves every other one, visible', async () => {
    // Act
    const run = await cli([
      'replay',
      '--code',
      'AMBERFLO_UNAVAILABLE',
      '--queue-url',
      fixture.sourceUrl,
      '--json',
    ]);
    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      scanned: 36,
      matched: 6,
      sent: 6,
      deleted: 6,
      skipped: 30,
      stoppedBy: 'drained',
    });
    expect(countMessages(fixture.fauxqs, fixture.sourceName)).toBe(6);
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(30);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(30);
  });

  it('purges every matching letter and nothing else', async () => {
    // Act
    const run = await cli(['purge', '--code', 'UNKNOWN', '--yes', '--json']);
    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ matched: 5, deleted: 5, skipped: 31 });
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(31);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(31);
  });

  it('exports every matching letter once', async () => {
    // Prepare
    const out = join(workDir, 'down.jsonl');
    // Act
    const run = await cli(['export', '--code', 'AMBERFLO_UNAVAILABLE', '--out', out, '--json']);
    // Assess
    expect(run.code).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    const customers = lines.map((line) => (JSON.parse(line) as { customerId: string }).customerId);
    expect(customers.sort()).toEqual(['down-0', 'down-1', 'down-2', 'down-3', 'down-4', 'down-5']);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(36);
  });
});
