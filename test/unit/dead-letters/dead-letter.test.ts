import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  extractCustomerId,
  failureCodeOf,
  MOVED_BY_SQS_ATTRIBUTE,
  replayAttributes,
  toDeadLetter,
  UNKNOWN_REASONS,
} from '../../../tools/dlq/dead-letter.ts';

const failure = JSON.stringify({
  code: 'AMBERFLO_REJECTED',
  message: 'Amberflo answered 400',
  step: 'assignPlan',
  httpStatus: 400,
  receiveCount: 1,
  failedAt: '2026-02-01T10:00:00.000Z',
  sourceMessageId: 'm-1',
  sourceQueueArn: 'arn:aws:sqs:us-east-1:000000000000:account-created',
  workflowId: 'provision-account',
});

const messageFactory = (overrides: Partial<Message> = {}): Message => ({
  MessageId: 'dlq-1',
  ReceiptHandle: 'handle-1',
  Body: '{"customerId":"c-1"}',
  MessageAttributes: {
    'event-type': { DataType: 'String', StringValue: 'account.created' },
    'provisioning-failure': { DataType: 'String', StringValue: failure },
  },
  ...overrides,
});

describe('extractCustomerId', () => {
  it.each([
    ['plain body', '{"customerId":"c-1"}', 'c-1'],
    ['numeric id', '{"customerId":42}', '42'],
    [
      'SNS envelope',
      JSON.stringify({ Type: 'Notification', Message: '{"customerId":"c-2"}' }),
      'c-2',
    ],
    [
      'EventBridge envelope',
      JSON.stringify({ 'detail-type': 'AccountCreated', detail: { customerId: 'c-3' } }),
      'c-3',
    ],
    [
      'SNS carrying EventBridge',
      JSON.stringify({
        Type: 'Notification',
        Message: JSON.stringify({ detail: { customerId: 'c-4' } }),
      }),
      'c-4',
    ],
    ['invalid JSON', 'not json', undefined],
    ['JSON without customerId', '{"name":"x"}', undefined],
    ['JSON array', '[1,2]', undefined],
    [
      'SNS with invalid inner JSON',
      JSON.stringify({ Type: 'Notification', Message: '{' }),
      undefined,
    ],
  ])('reads the %s', (_, body, expected) => {
    // Prepare
    // Act
    const customerId = extractCustomerId(body);
    // Assess
    expect(customerId).toBe(expected);
  });
});

describe('toDeadLetter', () => {
  it('reads the failure metadata, customer and replay count', () => {
    // Prepare
    const message = messageFactory({
      MessageAttributes: {
        ...messageFactory().MessageAttributes,
        'replay-count': { DataType: 'Number', StringValue: '2' },
      },
    });
    // Act
    const letter = toDeadLetter(message);
    // Assess
    expect(letter).toMatchObject({
      messageId: 'dlq-1',
      customerId: 'c-1',
      replayCount: 2,
      failure: { code: 'AMBERFLO_REJECTED', step: 'assignPlan' },
    });
  });

  it.each([
    ['absent', {}],
    ['unreadable', { 'provisioning-failure': { DataType: 'String', StringValue: '{oops' } }],
    [
      'off-schema',
      { 'provisioning-failure': { DataType: 'String', StringValue: '{"code":"NOPE"}' } },
    ],
  ])('counts a message with %s metadata as UNKNOWN', (_, attributes) => {
    // Prepare
    const message = messageFactory({ MessageAttributes: attributes });
    // Act
    const letter = toDeadLetter(message);
    // Assess
    expect(letter.failure).toBeUndefined();
    expect(failureCodeOf(letter)).toBe('UNKNOWN');
    expect(letter.unknownReason).toMatch(/reason unknown/);
  });

  it('ignores well-formed metadata on a letter SQS moved: it did not come from the function', () => {
    // Prepare
    const message = messageFactory({
      Attributes: {
        [MOVED_BY_SQS_ATTRIBUTE]: 'arn:aws:sqs:us-east-1:000000000000:account-created',
      },
    });
    // Act
    const letter = toDeadLetter(message);
    // Assess
    expect(letter.failure).toBeUndefined();
    expect(failureCodeOf(letter)).toBe('UNKNOWN');
    expect(letter.unknownReason).toBe(UNKNOWN_REASONS.movedBySqsWithForeignMetadata);
  });

  it('says a letter SQS moved without metadata was moved by SQS', () => {
    // Prepare
    const message = messageFactory({
      MessageAttributes: {},
      Attributes: { [MOVED_BY_SQS_ATTRIBUTE]: 'arn:aws:sqs:us-east-1:000000000000:q' },
    });
    // Act
    const letter = toDeadLetter(message);
    // Assess
    expect(letter.unknownReason).toBe(UNKNOWN_REASONS.movedBySqs);
  });

  it('does not claim SQS moved a letter without metadata that lacks SQS’s mark', () => {
    // Prepare
    const message = messageFactory({ MessageAttributes: {} });
    // Act
    const letter = toDeadLetter(message);
    // Assess
    expect(letter.unknownReason).toBe(UNKNOWN_REASONS.noMetadata);
    expect(letter.unknownReason).not.toMatch(/moved by SQS\)/);
    expect(letter.unknownReason).toMatch(/sent to the DLQ directly/);
  });

  it('attributes the metadata of a letter the function sent', () => {
    // Act
    const letter = toDeadLetter(messageFactory());
    // Assess
    expect(letter.unknownReason).toBeUndefined();
    expect(failureCodeOf(letter)).toBe('AMBERFLO_REJECTED');
  });
});

describe('replayAttributes', () => {
  it('drops provisioning-failure, keeps the rest and sets replay-count to 1', () => {
    // Prepare
    const letter = toDeadLetter(messageFactory());
    // Act
    const attributes = replayAttributes(letter);
    // Assess
    expect(attributes).toEqual({
      'event-type': { DataType: 'String', StringValue: 'account.created' },
      'replay-count': { DataType: 'Number', StringValue: '1' },
    });
  });

  it('increments a previous replay-count and keeps binary attributes', () => {
    // Prepare
    const letter = toDeadLetter(
      messageFactory({
        MessageAttributes: {
          trace: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
          'replay-count': { DataType: 'Number', StringValue: '4' },
        },
      }),
    );
    // Act
    const attributes = replayAttributes(letter);
    // Assess
    expect(attributes['replay-count']?.StringValue).toBe('5');
    expect(attributes['trace']).toEqual({
      DataType: 'Binary',
      BinaryValue: new Uint8Array([1, 2]),
    });
  });

  it('leaves replay-count out rather than exceed the 10-attribute limit', () => {
    // Prepare
    const tenAttributes = Object.fromEntries(
      Array.from({ length: 10 }, (_, index) => [
        `a${index}`,
        { DataType: 'String', StringValue: String(index) },
      ]),
    );
    const letter = toDeadLetter(messageFactory({ MessageAttributes: tenAttributes }));
    // Act
    const attributes = replayAttributes(letter);
    // Assess
    expect(Object.keys(attributes)).toHaveLength(10);
    expect(attributes['replay-count']).toBeUndefined();
  });
});
