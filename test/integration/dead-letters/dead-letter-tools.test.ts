import {
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FAILURE_ATTRIBUTE,
  REPLAY_COUNT_ATTRIBUTE,
} from '../../../lib/dead-letters/failure-metadata.ts';
import { listDeadLetters } from '../../../tools/dlq/peek.ts';
import {
  isCompleteReplay,
  purgeDeadLetters,
  replayDeadLetters,
} from '../../../tools/dlq/replay.ts';
import { collectStats } from '../../../tools/dlq/stats.ts';
import {
  countMessages,
  countVisible,
  type DlqFixture,
  seedDeadLetters,
  startDlqFixture,
} from './dlq-fixture.ts';

const receiveAll = async (sqs: SQSClient, queueUrl: string): Promise<Message[]> => {
  const messages: Message[] = [];
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const response = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    if ((response.Messages ?? []).length === 0) break;
    messages.push(...(response.Messages ?? []));
  }
  return messages;
};

const mixedQueue = [
  {
    customerId: 'c-1',
    failure: {
      code: 'AMBERFLO_UNAVAILABLE' as const,
      step: 'createCustomer',
      failedAt: '2026-01-01T00:00:00.000Z',
    },
  },
  {
    customerId: 'c-2',
    failure: {
      code: 'AMBERFLO_UNAVAILABLE' as const,
      step: 'assignPlan',
      failedAt: '2026-01-02T00:00:00.000Z',
    },
  },
  {
    customerId: 'c-3',
    failure: {
      code: 'AMBERFLO_REJECTED' as const,
      step: 'createCustomer',
      failedAt: '2026-01-03T00:00:00.000Z',
    },
  },
  {
    customerId: 'c-4',
    failure: { code: 'INVALID_MESSAGE' as const, step: null, failedAt: '2026-01-04T00:00:00.000Z' },
  },
  { customerId: 'c-5', failure: undefined },
  {
    body: 'not json',
    failure: { code: 'INVALID_MESSAGE' as const, step: null, failedAt: '2026-01-05T00:00:00.000Z' },
  },
];

describe('dead-letter tools against fauxqs', () => {
  let fixture: DlqFixture;
  const scan = () => ({ sqs: fixture.sqs, queueUrl: fixture.dlqUrl, waitTimeSeconds: 0 });

  beforeAll(async () => {
    fixture = await startDlqFixture();
  });
  beforeEach(() => {
    fixture.fauxqs.reset();
  });
  afterAll(async () => {
    await fixture.stop();
  });

  it('counts dead letters by code and step, with UNKNOWN for messages without metadata', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, mixedQueue);
    // Act
    const stats = await collectStats(scan());
    // Assess
    expect(stats).toMatchObject({
      total: 6,
      byCode: { AMBERFLO_UNAVAILABLE: 2, AMBERFLO_REJECTED: 1, INVALID_MESSAGE: 2, UNKNOWN: 1 },
      byStep: { createCustomer: 2, assignPlan: 1, '-': 3 },
      withoutMetadata: 1,
      oldestFailedAt: '2026-01-01T00:00:00.000Z',
      newestFailedAt: '2026-01-05T00:00:00.000Z',
      stoppedBy: 'drained',
      notReleased: 0,
    });
  });

  it('scans past the first receive on a queue larger than ten and leaves every message visible', async () => {
    // Prepare
    await seedDeadLetters(
      fixture.sqs,
      fixture.dlqUrl,
      Array.from({ length: 45 }, (_, index) => ({ customerId: `c-${index}`, failure: {} })),
    );
    // Act
    const stats = await collectStats(scan());
    // Assess
    expect(stats.total).toBe(45);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(45);
  });

  it('stops at --max-scan', async () => {
    // Prepare
    await seedDeadLetters(
      fixture.sqs,
      fixture.dlqUrl,
      Array.from({ length: 30 }, () => ({ failure: {} })),
    );
    // Act
    const stats = await collectStats({ ...scan(), maxScan: 12 });
    // Assess
    expect(stats).toMatchObject({ total: 12, stoppedBy: 'max-scan' });
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(30);
  });

  it.each([
    [{ codes: ['AMBERFLO_UNAVAILABLE'] }, ['c-1', 'c-2']],
    [{ codes: ['UNKNOWN'] }, ['c-5']],
    [{ codes: ['AMBERFLO_REJECTED', 'UNKNOWN'] }, ['c-3', 'c-5']],
    [{ step: 'createCustomer' }, ['c-1', 'c-3']],
    [{ customerId: 'c-4' }, ['c-4']],
    [
      { since: new Date('2026-01-02T00:00:00.000Z'), until: new Date('2026-01-03T00:00:00.000Z') },
      ['c-2', 'c-3'],
    ],
  ])('lists only the messages matching %o, leaving all visible', async (filter, expected) => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, mixedQueue);
    // Act
    const result = await listDeadLetters({ ...scan(), filter });
    // Assess
    expect(result.letters.map((letter) => letter.customerId).sort()).toEqual(expected);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(6);
  });

  it('shows "-"-worthy undefined customerId and the failure fields in a list row', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [mixedQueue[5] ?? {}]);
    // Act
    const result = await listDeadLetters(scan());
    // Assess
    expect(result.letters).toEqual([
      expect.objectContaining({
        customerId: undefined,
        code: 'INVALID_MESSAGE',
        step: null,
        receiveCount: 5,
        failedAt: '2026-01-05T00:00:00.000Z',
        message: 'Amberflo answered 503',
      }),
    ]);
  });

  it('replays exactly the matched messages with body and attributes, without the failure attribute', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, mixedQueue);
    // Act
    const summary = await replayDeadLetters({
      ...scan(),
      sourceQueueUrl: fixture.sourceUrl,
      filter: { codes: ['AMBERFLO_UNAVAILABLE'] },
    });
    // Assess
    expect(summary).toMatchObject({ matched: 2, sent: 2, deleted: 2, failed: 0, skipped: 4 });
    expect(isCompleteReplay(summary)).toBe(true);
    const replayed = await receiveAll(fixture.sqs, fixture.sourceUrl);
    expect(replayed.map((message) => JSON.parse(message.Body ?? '{}').customerId).sort()).toEqual([
      'c-1',
      'c-2',
    ]);
    for (const message of replayed) {
      expect(message.MessageAttributes?.[FAILURE_ATTRIBUTE]).toBeUndefined();
      expect(message.MessageAttributes?.['event-type']).toMatchObject({
        StringValue: 'account.created',
      });
      expect(message.MessageAttributes?.[REPLAY_COUNT_ATTRIBUTE]).toMatchObject({
        DataType: 'Number',
        StringValue: '1',
      });
    }
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(4);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(4);
  });

  it('increments an existing replay-count', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [
      {
        failure: {},
        attributes: { [REPLAY_COUNT_ATTRIBUTE]: { DataType: 'Number', StringValue: '2' } },
      },
    ]);
    // Act
    await replayDeadLetters({ ...scan(), sourceQueueUrl: fixture.sourceUrl });
    // Assess
    const [message] = await receiveAll(fixture.sqs, fixture.sourceUrl);
    expect(message?.MessageAttributes?.[REPLAY_COUNT_ATTRIBUTE]?.StringValue).toBe('3');
  });

  it('replays a large queue in full and honours --max', async () => {
    // Prepare
    await seedDeadLetters(
      fixture.sqs,
      fixture.dlqUrl,
      Array.from({ length: 35 }, () => ({ failure: {} })),
    );
    // Act
    const summary = await replayDeadLetters({
      ...scan(),
      sourceQueueUrl: fixture.sourceUrl,
      max: 23,
    });
    // Assess
    expect(summary).toMatchObject({ matched: 23, sent: 23, deleted: 23, stoppedBy: 'max-reached' });
    expect(countMessages(fixture.fauxqs, fixture.sourceName)).toBe(23);
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(12);
  });

  it('conserves every message when interrupted midway', async () => {
    // Prepare
    await seedDeadLetters(
      fixture.sqs,
      fixture.dlqUrl,
      Array.from({ length: 60 }, () => ({ failure: {} })),
    );
    const controller = new AbortController();
    // Act
    const summary = await replayDeadLetters({
      ...scan(),
      sourceQueueUrl: fixture.sourceUrl,
      signal: controller.signal,
      onProgress: ({ done }) => {
        if (done >= 20) controller.abort();
      },
    });
    // Assess
    expect(summary.stoppedBy).toBe('interrupted');
    expect(summary.deleted).toBe(20);
    expect(
      countMessages(fixture.fauxqs, fixture.dlqName) +
        countMessages(fixture.fauxqs, fixture.sourceName),
    ).toBe(60);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(40);
  });

  it('releases held messages untouched when interrupted while waiting for the rate', async () => {
    // Prepare
    await seedDeadLetters(
      fixture.sqs,
      fixture.dlqUrl,
      Array.from({ length: 6 }, () => ({ failure: {} })),
    );
    const controller = new AbortController();
    // Act
    const summary = await replayDeadLetters({
      ...scan(),
      sourceQueueUrl: fixture.sourceUrl,
      rate: 2,
      signal: controller.signal,
      onProgress: ({ done }) => {
        if (done >= 2) controller.abort();
      },
    });
    // Assess
    expect(summary).toMatchObject({ stoppedBy: 'interrupted', matched: 2, sent: 2, deleted: 2 });
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(4);
  });

  it('paces a replay to --rate', async () => {
    // Prepare
    await seedDeadLetters(
      fixture.sqs,
      fixture.dlqUrl,
      Array.from({ length: 12 }, () => ({ failure: {} })),
    );
    const started = Date.now();
    // Act
    const summary = await replayDeadLetters({
      ...scan(),
      sourceQueueUrl: fixture.sourceUrl,
      rate: 4,
    });
    // Assess
    expect(summary.deleted).toBe(12);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  });

  it('purges only the matching messages', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, mixedQueue);
    // Act
    const summary = await purgeDeadLetters({ ...scan(), filter: { codes: ['INVALID_MESSAGE'] } });
    // Assess
    expect(summary).toMatchObject({ matched: 2, deleted: 2, failed: 0, sent: 0 });
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(4);
    expect(countMessages(fixture.fauxqs, fixture.sourceName)).toBe(0);
  });

  it('keeps the message group when replaying to a FIFO queue', async () => {
    // Prepare
    const fifo = fixture.fauxqs.createQueue('account-created.fifo', {
      attributes: { FifoQueue: 'true' },
    });
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [{ customerId: 'c-9', failure: {} }]);
    const fifoUrl = `${fixture.fauxqs.address}/000000000000/${fifo.queueName}`;
    // Act
    const summary = await replayDeadLetters({ ...scan(), sourceQueueUrl: fifoUrl });
    // Assess
    expect(summary.deleted).toBe(1);
    const response = await fixture.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: fifoUrl, MessageSystemAttributeNames: ['All'] }),
    );
    expect(response.Messages?.[0]?.Attributes?.MessageGroupId).toBe('c-9');
  });

  it('seeds through the batch API used by the handler', async () => {
    // Prepare
    const response = await fixture.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: fixture.dlqUrl,
        Entries: [{ Id: '1', MessageBody: '{"customerId":"x"}' }],
      }),
    );
    // Act
    const stats = await collectStats(scan());
    // Assess
    expect(response.Successful).toHaveLength(1);
    expect(stats.byCode).toEqual({ UNKNOWN: 1 });
  });
});
