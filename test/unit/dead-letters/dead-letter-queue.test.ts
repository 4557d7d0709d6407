import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSqsDeadLetterQueue,
  failureAttributeSize,
  toDeadLetterMessage,
} from '../../../lib/dead-letters/dead-letter-queue.ts';
import {
  FAILURE_ATTRIBUTE,
  FAILURE_METADATA_MAX_BYTES,
  parseFailureMetadata,
  REPLAY_COUNT_ATTRIBUTE,
} from '../../../lib/dead-letters/failure-metadata.ts';
import {
  AmberfloUnavailableError,
  DependencyUnavailableError,
  InvalidMessageError,
} from '../../../lib/errors.ts';
import { accountCreatedFactory, sqsRecordFactory } from '../../helpers/factories.ts';

const queueUrl = 'http://127.0.0.1:9/000000000000/account-created-dlq';
const failedAt = new Date('2026-01-01T00:00:00.000Z');
const options = { queueUrl, workflowId: 'provision-account' };

describe('toDeadLetterMessage', () => {
  it('keeps the body and attributes and adds the failure metadata', () => {
    // Prepare
    const record = sqsRecordFactory(accountCreatedFactory(), {
      messageId: 'msg-1',
      attributes: { ApproximateReceiveCount: '5' },
      messageAttributes: {
        source: { stringValue: 'accounts', dataType: 'String' },
        priority: { stringValue: '3', dataType: 'Number' },
        blob: { binaryValue: Buffer.from('hi').toString('base64'), dataType: 'Binary' },
        [FAILURE_ATTRIBUTE]: { stringValue: '{"old":true}', dataType: 'String' },
      },
    });
    const error = new AmberfloUnavailableError('Amberflo unavailable (createCustomer): HTTP 503', {
      step: 'createCustomer',
      httpStatus: 503,
    });
    // Act
    const input = toDeadLetterMessage(record, error, failedAt, options);
    // Assess
    expect(input.MessageBody).toBe(record.body);
    expect(input.MessageAttributes?.['source']).toEqual({
      DataType: 'String',
      StringValue: 'accounts',
    });
    expect(input.MessageAttributes?.['priority']).toEqual({ DataType: 'Number', StringValue: '3' });
    expect(Buffer.from(input.MessageAttributes?.['blob']?.BinaryValue ?? []).toString()).toBe('hi');
    expect(parseFailureMetadata(input.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue)).toEqual(
      {
        code: 'AMBERFLO_UNAVAILABLE',
        message: 'Amberflo unavailable (createCustomer): HTTP 503',
        step: 'createCustomer',
        httpStatus: 503,
        receiveCount: 5,
        failedAt: '2026-01-01T00:00:00.000Z',
        sourceMessageId: 'msg-1',
        sourceQueueArn: record.eventSourceARN,
        workflowId: 'provision-account',
      },
    );
    expect(input.MessageGroupId).toBeUndefined();
  });

  it('keeps the group and deduplication ids on a FIFO queue', () => {
    // Prepare
    const record = sqsRecordFactory('x', {
      attributes: { MessageGroupId: 'acct-1', MessageDeduplicationId: 'dedup-1' },
    });
    // Act
    const input = toDeadLetterMessage(record, new InvalidMessageError('bad'), failedAt, {
      ...options,
      queueUrl: `${queueUrl}.fifo`,
    });
    // Assess
    expect(input.MessageGroupId).toBe('acct-1');
    expect(input.MessageDeduplicationId).toBe('dedup-1');
  });

  it('never writes the API key into the metadata', () => {
    // Prepare
    const error = new AmberfloUnavailableError('proxy said key=test-api-key-0123456789');
    // Act
    const input = toDeadLetterMessage(sqsRecordFactory('x'), error, failedAt, {
      ...options,
      secrets: () => ['test-api-key-0123456789'],
    });
    // Assess
    expect(JSON.stringify(input.MessageAttributes)).not.toContain('test-api-key-0123456789');
  });

  it('drops a producer-set provisioning-failure and carries the incoming replay-count as its own', () => {
    // Prepare
    const record = sqsRecordFactory('x', {
      messageAttributes: {
        [FAILURE_ATTRIBUTE]: { stringValue: '{"code":"AMBERFLO_UNAVAILABLE"}', dataType: 'String' },
        [REPLAY_COUNT_ATTRIBUTE]: { stringValue: '7', dataType: 'Number' },
        source: { stringValue: 'accounts', dataType: 'String' },
      },
    });
    // Act
    const input = toDeadLetterMessage(record, new InvalidMessageError('bad'), failedAt, options);
    // Assess
    expect(Object.keys(input.MessageAttributes ?? {}).sort()).toEqual([
      FAILURE_ATTRIBUTE,
      REPLAY_COUNT_ATTRIBUTE,
      'source',
    ]);
    expect(input.MessageAttributes?.[REPLAY_COUNT_ATTRIBUTE]).toEqual({
      DataType: 'Number',
      StringValue: '7',
    });
    expect(
      parseFailureMetadata(input.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue)?.code,
    ).toBe('INVALID_MESSAGE');
  });

  it.each([['0'], ['-2'], ['1.5'], ['many'], ['']])(
    'drops an incoming replay-count of %j that is not a positive integer',
    (value) => {
      // Prepare
      const record = sqsRecordFactory('x', {
        messageAttributes: { [REPLAY_COUNT_ATTRIBUTE]: { stringValue: value, dataType: 'Number' } },
      });
      // Act
      const input = toDeadLetterMessage(record, new InvalidMessageError('bad'), failedAt, options);
      // Assess
      expect(Object.keys(input.MessageAttributes ?? {})).toEqual([FAILURE_ATTRIBUTE]);
    },
  );

  it('caps the failure metadata at FAILURE_METADATA_MAX_BYTES by shortening the message', () => {
    // Prepare: control characters make every character six bytes of JSON
    const error = new InvalidMessageError('\u0001'.repeat(300), { step: 's'.repeat(300) });
    const record = sqsRecordFactory('x', { messageId: 'm'.repeat(1_000) });
    // Act
    const input = toDeadLetterMessage(record, error, failedAt, options);
    // Assess
    const json = input.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue ?? '';
    expect(failureAttributeSize(json)).toBeLessThanOrEqual(FAILURE_METADATA_MAX_BYTES);
    expect(parseFailureMetadata(json)?.code).toBe('INVALID_MESSAGE');
  });

  it('holds the 4 KiB cap when fields other than the message are large', () => {
    // Prepare
    const record = sqsRecordFactory('x', {
      messageId: 'é'.repeat(5_000),
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${'q'.repeat(3_000)}`,
    });
    const error = new InvalidMessageError('short reason', { step: 'parse' });
    // Act
    const input = toDeadLetterMessage(record, error, failedAt, {
      ...options,
      workflowId: 'w'.repeat(3_000),
    });
    // Assess
    const json = input.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue ?? '';
    expect(failureAttributeSize(json)).toBeLessThanOrEqual(FAILURE_METADATA_MAX_BYTES);
    expect(parseFailureMetadata(json)).toMatchObject({
      code: 'INVALID_MESSAGE',
      message: 'short reason',
      step: 'parse',
    });
  });

  it('keeps eight producer attributes next to a carried replay-count', () => {
    // Prepare
    const messageAttributes = {
      ...Object.fromEntries(
        Array.from({ length: 12 }, (_, index) => [
          `a${index.toString().padStart(2, '0')}`,
          { stringValue: 'v', dataType: 'String' },
        ]),
      ),
      [REPLAY_COUNT_ATTRIBUTE]: { stringValue: '3', dataType: 'Number' },
    };
    // Act
    const input = toDeadLetterMessage(
      sqsRecordFactory('x', { messageAttributes }),
      new InvalidMessageError('bad'),
      failedAt,
      options,
    );
    // Assess
    const names = Object.keys(input.MessageAttributes ?? {});
    expect(names).toHaveLength(10);
    expect(names).toContain(REPLAY_COUNT_ATTRIBUTE);
    expect(names).not.toContain('a08');
  });

  it('keeps at most nine producer attributes next to its own', () => {
    // Prepare
    const messageAttributes = Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [
        `a${index.toString().padStart(2, '0')}`,
        { stringValue: 'v', dataType: 'String' },
      ]),
    );
    // Act
    const input = toDeadLetterMessage(
      sqsRecordFactory('x', { messageAttributes }),
      new InvalidMessageError('bad'),
      failedAt,
      options,
    );
    // Assess
    expect(Object.keys(input.MessageAttributes ?? {})).toHaveLength(10);
  });
});

describe('createSqsDeadLetterQueue', () => {
  const sqsMock = mockClient(SQSClient);
  beforeEach(() => sqsMock.reset());

  it('sends the dead letter to the configured queue', async () => {
    // Prepare
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    const queue = createSqsDeadLetterQueue(new SQSClient({ region: 'us-east-1' }), options);
    // Act
    await queue.send(sqsRecordFactory('body'), new InvalidMessageError('bad'), failedAt);
    // Assess
    expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: queueUrl,
      MessageBody: 'body',
    });
  });

  it('rejects with DEPENDENCY_UNAVAILABLE when the send fails', async () => {
    // Prepare
    sqsMock.on(SendMessageCommand).rejects(new Error('connection reset'));
    const queue = createSqsDeadLetterQueue(new SQSClient({ region: 'us-east-1' }), options);
    // Act
    const sending = queue.send(sqsRecordFactory('body'), new InvalidMessageError('bad'), failedAt);
    // Assess
    await expect(sending).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
