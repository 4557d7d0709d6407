import {
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type ReceiveMessageResult,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAILURE_ATTRIBUTE,
  parseFailureMetadata,
  REPLAY_COUNT_ATTRIBUTE,
} from '../../../lib/dead-letters/failure-metadata.ts';
import { MOVED_BY_SQS_ATTRIBUTE, UNKNOWN_REASONS } from '../../../tools/dlq/dead-letter.ts';
import type { DeadLetterSummary } from '../../../tools/dlq/peek.ts';
import { createSqsClient } from '../../../tools/dlq/sqs-client.ts';
import {
  type LocalPipeline,
  sendToSourceQueue,
  startLocalPipeline,
  waitForDrain,
} from '../../../tools/local/pipeline.ts';
import { type LocalStack, startLocalStack } from '../../../tools/local/stack.ts';
import { runDlqCliWith } from '../../helpers/dlq-cli-run.ts';
import { countMessages, type DlqFixture, startDlqFixture } from './dlq-fixture.ts';

/** What a producer could put on its message to pass for one of our dead letters. */
const forgedAttributes: Record<string, MessageAttributeValue> = {
  [FAILURE_ATTRIBUTE]: {
    DataType: 'String',
    StringValue: JSON.stringify({
      code: 'AMBERFLO_UNAVAILABLE',
      message: 'Amberflo was down; safe to replay',
      step: 'createCustomer',
      httpStatus: 503,
      receiveCount: 5,
      failedAt: '2026-01-10T12:00:00.000Z',
      sourceMessageId: 'forged',
      sourceQueueArn: 'arn:aws:sqs:us-east-1:000000000000:account-created',
      workflowId: 'provision-account',
    }),
  },
  [REPLAY_COUNT_ATTRIBUTE]: { DataType: 'Number', StringValue: '7' },
};

/** Bytes SQS counts for attributes: name, data type and value of each. */
const attributesSize = (attributes: Record<string, MessageAttributeValue>): number =>
  Object.entries(attributes).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? ''),
    0,
  );

/** A JSON body of exactly `bytes` bytes (ASCII), valid JSON but far over the 64 KiB the contract accepts. */
const bodyOfSize = (bytes: number, customerId: string): string => {
  const head = `{"customerId":"${customerId}","customerName":"Big","pad":"`;
  const tail = '"}';
  return `${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`;
};

const listJson = async (sqs: SQSClient, dlqUrl: string) => {
  const run = await runDlqCliWith(sqs, ['list', '--json', '--dlq-url', dlqUrl]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as { letters: DeadLetterSummary[] };
};

describe('dead letters at the size limit and with forged attributes (local stack, real handler, real CLI)', () => {
  let stack: LocalStack;
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    stack = await startLocalStack({
      visibilityTimeoutSeconds: 6,
      env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    pipeline = startLocalPipeline(stack, { concurrency: 1, functionTimeoutMs: 5_000 });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await stack?.stop();
  });

  it('dead-letters a message at the source maximum on its first receive as INVALID_MESSAGE, dropping the forged reason and keeping the replay-count', async () => {
    // Prepare
    const maximum = Number(stack.resources.sourceQueue.attributes['MaximumMessageSize']);
    expect(maximum).toBe(262_144);
    const oversized = stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.sourceQueue.url,
        MessageBody: bodyOfSize(maximum + 1, 'too-big'),
      }),
    );
    await expect(oversized).rejects.toThrow(/shorter than 262144/);
    const messages = [
      { body: bodyOfSize(maximum, 'plain-max') },
      {
        body: bodyOfSize(maximum - attributesSize(forgedAttributes), 'forged-max'),
        attributes: forgedAttributes,
      },
    ];
    // Act
    const ids = await sendToSourceQueue(stack, messages);
    const drained = await waitForDrain(stack, { timeoutMs: 60_000 });
    // Assess
    expect(drained).toBe(true);
    const { letters } = await listJson(stack.sqs, stack.deadLetterQueue.url);
    expect(letters).toHaveLength(2);
    for (const letter of letters) {
      expect(letter).toMatchObject({
        code: 'INVALID_MESSAGE',
        receiveCount: 1,
        unknownReason: null,
      });
    }
    // A forged count can only make --max-replays stricter, so it is carried; the forged reason is not.
    expect(
      Object.fromEntries(letters.map((letter) => [letter.customerId, letter.replayCount])),
    ).toEqual({ 'plain-max': 0, 'forged-max': 7 });
    expect(letters.map((letter) => letter.customerId).sort()).toEqual(['forged-max', 'plain-max']);
    const stats = await runDlqCliWith(stack.sqs, [
      'stats',
      '--json',
      '--dlq-url',
      stack.deadLetterQueue.url,
    ]);
    expect(JSON.parse(stats.stdout)).toMatchObject({ total: 2, byCode: { INVALID_MESSAGE: 2 } });
    const raw = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.deadLetterQueue.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 0,
      }),
    );
    const forged = raw.Messages?.find((message) => message.Body?.includes('forged-max'));
    expect(Object.keys(forged?.MessageAttributes ?? {}).sort()).toEqual([
      FAILURE_ATTRIBUTE,
      REPLAY_COUNT_ATTRIBUTE,
    ]);
    const metadata = parseFailureMetadata(
      forged?.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue,
    );
    expect(metadata).toMatchObject({ code: 'INVALID_MESSAGE', sourceMessageId: ids[1] });
  });
});

/**
 * fauxqs moves a message to the DLQ as the same message (same id, same attributes) but, unlike AWS, without the
 * `DeadLetterQueueSourceArn` system attribute. This adds it, as AWS would, to the messages the test saw fauxqs move.
 */
const markMovedBySqs = (sqs: SQSClient, movedIds: ReadonlySet<string>, sourceArn: string): void => {
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'ReceiveMessageCommand') {
        for (const message of (result.output as ReceiveMessageResult).Messages ?? []) {
          if (movedIds.has(message.MessageId ?? '')) {
            message.Attributes = { ...message.Attributes, [MOVED_BY_SQS_ATTRIBUTE]: sourceArn };
          }
        }
      }
      return result;
    },
    { step: 'initialize', name: 'markMovedBySqs' },
  );
};

describe('a forged reason on a letter SQS moved (fauxqs, real CLI)', () => {
  let fixture: DlqFixture;
  let cliSqs: SQSClient;

  beforeAll(async () => {
    fixture = await startDlqFixture();
    cliSqs = createSqsClient({
      endpoint: fixture.fauxqs.address,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  afterAll(async () => {
    cliSqs?.destroy();
    await fixture?.stop();
  });

  it('is shown as UNKNOWN with why, and is never selected by the forged code', async () => {
    // Prepare: a consumer that crashes on every receive, until the redrive policy (5 receives) moves the message
    const sent = await fixture.sqs.send(
      new SendMessageCommand({
        QueueUrl: fixture.sourceUrl,
        MessageBody: JSON.stringify({ customerId: 'acct-crash', customerName: 'Crash' }),
        MessageAttributes: forgedAttributes,
      }),
    );
    const received: Message[] = [];
    for (
      let attempt = 0;
      attempt < 6 && countMessages(fixture.fauxqs, fixture.dlqName) === 0;
      attempt += 1
    ) {
      const response = await fixture.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: fixture.sourceUrl, VisibilityTimeout: 0 }),
      );
      received.push(...(response.Messages ?? []));
    }
    expect(received).toHaveLength(5);
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(1);
    const movedId = sent.MessageId ?? '';
    markMovedBySqs(
      cliSqs,
      new Set([movedId]),
      `arn:aws:sqs:us-east-1:000000000000:${fixture.sourceName}`,
    );
    // Act
    const stats = await runDlqCliWith(cliSqs, ['stats', '--json', '--dlq-url', fixture.dlqUrl]);
    const list = await listJson(cliSqs, fixture.dlqUrl);
    const replay = await runDlqCliWith(cliSqs, [
      'replay',
      '--code',
      'AMBERFLO_UNAVAILABLE',
      '--queue-url',
      fixture.sourceUrl,
      '--dlq-url',
      fixture.dlqUrl,
      '--json',
    ]);
    const text = await runDlqCliWith(cliSqs, ['stats', '--dlq-url', fixture.dlqUrl]);
    // Assess
    expect(JSON.parse(stats.stdout)).toMatchObject({
      total: 1,
      byCode: { UNKNOWN: 1 },
      unknownReasons: { [UNKNOWN_REASONS.movedBySqsWithForeignMetadata]: 1 },
    });
    expect(list.letters).toEqual([
      expect.objectContaining({
        messageId: movedId,
        code: 'UNKNOWN',
        message: UNKNOWN_REASONS.movedBySqsWithForeignMetadata,
        unknownReason: UNKNOWN_REASONS.movedBySqsWithForeignMetadata,
      }),
    ]);
    expect(text.stdout).toContain(`1 UNKNOWN: ${UNKNOWN_REASONS.movedBySqsWithForeignMetadata}`);
    expect(text.stdout).not.toContain('AMBERFLO_UNAVAILABLE');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ matched: 0, sent: 0 });
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(1);
    expect(countMessages(fixture.fauxqs, fixture.sourceName)).toBe(0);
  });
});
