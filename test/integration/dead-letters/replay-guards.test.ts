import {
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPLAY_COUNT_ATTRIBUTE } from '../../../lib/dead-letters/failure-metadata.ts';
import type { DeadLetterSummary } from '../../../tools/dlq/peek.ts';
import { runDlqCliWith } from '../../helpers/dlq-cli-run.ts';
import {
  countMessages,
  countVisible,
  type DlqFixture,
  seedDeadLetters,
  startDlqFixture,
} from './dlq-fixture.ts';

const replayCount = (count: number) => ({
  [REPLAY_COUNT_ATTRIBUTE]: { DataType: 'Number', StringValue: String(count) },
});

describe('dlq replay guards (fauxqs, real CLI)', () => {
  let fixture: DlqFixture;
  const queueUrl = (name: string) => `${fixture.fauxqs.address}/000000000000/${name}`;
  const cli = (args: string[]) =>
    runDlqCliWith(fixture.sqs, [...args, '--dlq-url', fixture.dlqUrl]);
  const codes = async (): Promise<string[]> => {
    const run = await cli(['list', '--json']);
    return (JSON.parse(run.stdout) as { letters: DeadLetterSummary[] }).letters
      .map((letter) => letter.code)
      .sort();
  };

  beforeAll(async () => {
    fixture = await startDlqFixture();
    const dlqArn = `arn:aws:sqs:us-east-1:000000000000:${fixture.dlqName}`;
    fixture.fauxqs.createQueue('unrelated');
    const otherDlq = fixture.fauxqs.createQueue('other-dlq');
    fixture.fauxqs.createQueue('other-source', {
      attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: otherDlq.queueArn,
          maxReceiveCount: 5,
        }),
      },
    });
    // A second pair whose DLQ redrives back into its own source: SQS itself would loop the letters.
    const loopDlq = fixture.fauxqs.createQueue('loop-dlq');
    const loopSource = fixture.fauxqs.createQueue('loop-source', {
      attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: loopDlq.queueArn,
          maxReceiveCount: 5,
        }),
      },
    });
    await fixture.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl('loop-dlq'),
        Attributes: {
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: loopSource.queueArn,
            maxReceiveCount: 5,
          }),
        },
      }),
    );
    expect(dlqArn).toContain(fixture.dlqName);
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  beforeEach(() => {
    fixture.fauxqs.reset();
  });

  const seedFour = () =>
    seedDeadLetters(fixture.sqs, fixture.dlqUrl, [
      { failure: {} },
      { failure: { code: 'AMBERFLO_AUTH' } },
      { failure: { code: 'INVALID_MESSAGE' } },
      { failure: undefined },
    ]);

  it.each([
    ['the DLQ itself', () => fixture.dlqUrl, /dead-letter queue itself/],
    [
      'the DLQ under another host name',
      () => fixture.dlqUrl.replace('127.0.0.1', 'localhost'),
      /dead-letter queue itself/,
    ],
    ['the DLQ with a trailing slash', () => `${fixture.dlqUrl}/`, /dead-letter queue itself/],
    [
      'a queue without a redrive policy',
      () => queueUrl('unrelated'),
      /not this dead-letter queue's source/,
    ],
    [
      'a queue that redrives to another DLQ',
      () => queueUrl('other-source'),
      /redrives to .*other-dlq/,
    ],
  ])(
    'refuses a replay into %s: exit 2, nothing moved, every reason kept',
    async (_, target, why) => {
      // Prepare
      await seedFour();
      const before = await codes();
      // Act
      const run = await cli(['replay', '--all', '--queue-url', target()]);
      const dryRun = await cli(['replay', '--all', '--dry-run', '--queue-url', target()]);
      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/refusing to replay/);
      expect(run.stderr).toMatch(why);
      expect(run.stderr).toContain('nothing was moved');
      expect(dryRun.code).toBe(2);
      expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(4);
      expect(await codes()).toEqual(before);
      expect(before).toEqual([
        'AMBERFLO_AUTH',
        'AMBERFLO_UNAVAILABLE',
        'INVALID_MESSAGE',
        'UNKNOWN',
      ]);
      expect(countMessages(fixture.fauxqs, fixture.sourceName)).toBe(0);
    },
  );

  it('refuses a replay into a source its own DLQ redrives back to', async () => {
    // Act
    const run = await runDlqCliWith(fixture.sqs, [
      'replay',
      '--all',
      '--dlq-url',
      queueUrl('loop-dlq'),
      '--queue-url',
      queueUrl('loop-source'),
    ]);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/redrives to .*loop-source itself/);
  });

  it('replays into the DLQ’s real source (the guard does not refuse everything)', async () => {
    // Prepare
    await seedFour();
    // Act
    const run = await cli(['replay', '--all', '--queue-url', fixture.sourceUrl, '--json']);
    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ matched: 4, sent: 4, deleted: 4, refused: 0 });
    expect(countMessages(fixture.fauxqs, fixture.sourceName)).toBe(4);
  });

  it('refuses letters replayed --max-replays times already, and replays them with --ignore-max-replays', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [
      { customerId: 'four', failure: {}, attributes: replayCount(4) },
      { customerId: 'five', failure: {}, attributes: replayCount(5) },
      { customerId: 'nine', failure: {}, attributes: replayCount(9) },
    ]);
    // Act
    const dryRun = await cli(['replay', '--all', '--dry-run', '--queue-url', fixture.sourceUrl]);
    const limited = await cli(['replay', '--all', '--queue-url', fixture.sourceUrl, '--json']);
    const afterLimited = countMessages(fixture.fauxqs, fixture.dlqName);
    const visibleAfterLimited = countVisible(fixture.fauxqs, fixture.dlqName);
    const raised = await cli([
      'replay',
      '--all',
      '--max-replays',
      '9',
      '--queue-url',
      fixture.sourceUrl,
      '--json',
    ]);
    const forced = await cli([
      'replay',
      '--all',
      '--ignore-max-replays',
      '--queue-url',
      fixture.sourceUrl,
      '--json',
    ]);
    // Assess
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('1 message(s) would be replayed');
    expect(dryRun.stdout).toContain('2 refused (replayed 5 times already)');
    expect(limited.code).toBe(1);
    expect(JSON.parse(limited.stdout)).toMatchObject({ matched: 3, sent: 1, refused: 2 });
    expect(limited.stderr).toContain('--ignore-max-replays');
    expect(afterLimited).toBe(2);
    expect(visibleAfterLimited).toBe(2);
    expect(raised.code).toBe(1);
    expect(JSON.parse(raised.stdout)).toMatchObject({ matched: 2, sent: 1, refused: 1 });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ matched: 1, sent: 1, refused: 0 });
    const replayed = await receiveCounts(fixture.sqs, fixture.sourceUrl);
    expect(replayed).toEqual({ five: '6', four: '5', nine: '10' });
  });

  it('counts only letters it may replay toward --max, in the replay and in its dry run', async () => {
    // Prepare: the refused letters come first, so they would use up --max 2 if they counted
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [
      { customerId: 'looping-1', failure: {}, attributes: replayCount(5) },
      { customerId: 'looping-2', failure: {}, attributes: replayCount(5) },
      { customerId: 'fresh-1', failure: {} },
      { customerId: 'fresh-2', failure: {} },
      { customerId: 'fresh-3', failure: {} },
    ]);
    const args = ['replay', '--all', '--max', '2', '--queue-url', fixture.sourceUrl, '--json'];
    // Act
    const dryRun = await cli([...args, '--dry-run']);
    const run = await cli(args);
    // Assess
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ dryRun: true, matched: 4, refused: 2 });
    expect(JSON.parse(run.stdout)).toMatchObject({ matched: 4, sent: 2, refused: 2 });
    expect(run.code).toBe(1);
    expect(Object.keys(await receiveCounts(fixture.sqs, fixture.sourceUrl)).sort()).toEqual([
      'fresh-1',
      'fresh-2',
    ]);
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(3);
  });
});

const receiveCounts = async (sqs: SQSClient, queueUrl: string) => {
  const response = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
    }),
  );
  return Object.fromEntries(
    (response.Messages ?? []).map((message) => [
      (JSON.parse(message.Body ?? '{}') as { customerId: string }).customerId,
      message.MessageAttributes?.[REPLAY_COUNT_ATTRIBUTE]?.StringValue,
    ]),
  );
};
