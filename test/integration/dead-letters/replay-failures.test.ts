import type {
  DeleteMessageBatchRequest,
  SendMessageBatchRequest,
  SendMessageBatchResult,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isCompleteReplay, replayDeadLetters } from '../../../tools/dlq/replay.ts';
import { createSqsClient } from '../../../tools/dlq/sqs-client.ts';
import {
  countMessages,
  countVisible,
  type DlqFixture,
  seedDeadLetters,
  startDlqFixture,
} from './dlq-fixture.ts';

type Fault = 'some-sends' | 'all-sends' | 'deletes';

/** A real client whose SendMessageBatch / DeleteMessageBatch calls fail as told (the DLQ stays real). */
const faultyClient = (fixture: DlqFixture, fault: Fault): SQSClient => {
  const sqs = createSqsClient({
    endpoint: fixture.fauxqs.address,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendMessageBatchCommand' && fault === 'all-sends') {
        throw new Error('connect ECONNREFUSED');
      }
      if (context.commandName === 'DeleteMessageBatchCommand' && fault === 'deletes') {
        const input = args.input as DeleteMessageBatchRequest;
        return {
          response: {},
          output: {
            $metadata: {},
            Successful: [],
            Failed: (input.Entries ?? []).map((entry) => ({
              Id: entry.Id,
              Code: 'ReceiptHandleIsInvalid',
              SenderFault: true,
            })),
          },
        } as never;
      }
      if (context.commandName === 'SendMessageBatchCommand' && fault === 'some-sends') {
        const input = args.input as SendMessageBatchRequest;
        const entries = input.Entries ?? [];
        const poisoned = entries.filter((entry) => entry.MessageBody?.includes('fail-'));
        const kept = entries.filter((entry) => !poisoned.includes(entry));
        const result =
          kept.length > 0
            ? await next({ ...args, input: { ...input, Entries: kept } })
            : { response: {}, output: { $metadata: {}, Successful: [] } };
        const output = result.output as SendMessageBatchResult;
        output.Failed = poisoned.map((entry) => ({
          Id: entry.Id,
          Code: 'InternalError',
          SenderFault: false,
          Message: 'injected',
        }));
        return result as never;
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectFaults' },
  );
  return sqs;
};

describe('replayDeadLetters when SQS fails', () => {
  let fixture: DlqFixture;
  let sqs: SQSClient | undefined;

  beforeAll(async () => {
    fixture = await startDlqFixture();
  });
  beforeEach(() => {
    fixture.fauxqs.reset();
  });
  afterEach(() => {
    sqs?.destroy();
  });
  afterAll(async () => {
    await fixture.stop();
  });

  it('deletes only the messages whose own send succeeded', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [
      { customerId: 'ok-1', failure: {} },
      { customerId: 'fail-1', failure: {} },
      { customerId: 'ok-2', failure: {} },
      { customerId: 'fail-2', failure: {} },
    ]);
    sqs = faultyClient(fixture, 'some-sends');
    // Act
    const summary = await replayDeadLetters({
      sqs,
      queueUrl: fixture.dlqUrl,
      sourceQueueUrl: fixture.sourceUrl,
      waitTimeSeconds: 0,
    });
    // Assess
    expect(summary).toMatchObject({ matched: 4, sent: 2, deleted: 2, failed: 2 });
    expect(summary.failures.map((failure) => failure.reason)).toEqual([
      'InternalError: injected',
      'InternalError: injected',
    ]);
    expect(isCompleteReplay(summary)).toBe(false);
    expect(countMessages(fixture.fauxqs, fixture.sourceName)).toBe(2);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(2);
  });

  it('keeps every message in the DLQ when the whole send call fails', async () => {
    // Prepare
    await seedDeadLetters(
      fixture.sqs,
      fixture.dlqUrl,
      Array.from({ length: 12 }, () => ({ failure: {} })),
    );
    sqs = faultyClient(fixture, 'all-sends');
    // Act
    const summary = await replayDeadLetters({
      sqs,
      queueUrl: fixture.dlqUrl,
      sourceQueueUrl: fixture.sourceUrl,
      waitTimeSeconds: 0,
    });
    // Assess
    expect(summary).toMatchObject({ matched: 12, sent: 0, deleted: 0, failed: 12 });
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(12);
    expect(countMessages(fixture.fauxqs, fixture.sourceName)).toBe(0);
  });

  it('reports sent-but-not-deleted messages by id when the delete fails', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [{ failure: {} }, { failure: {} }]);
    sqs = faultyClient(fixture, 'deletes');
    // Act
    const summary = await replayDeadLetters({
      sqs,
      queueUrl: fixture.dlqUrl,
      sourceQueueUrl: fixture.sourceUrl,
      waitTimeSeconds: 0,
      visibilityTimeoutSeconds: 1,
    });
    // Assess
    expect(summary).toMatchObject({ matched: 2, sent: 2, deleted: 0, sentButNotDeleted: 2 });
    expect(summary.sentButNotDeletedIds).toHaveLength(2);
    expect(isCompleteReplay(summary)).toBe(false);
    expect(
      countMessages(fixture.fauxqs, fixture.dlqName) +
        countMessages(fixture.fauxqs, fixture.sourceName),
    ).toBe(4);
  });
});
