import type { Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** Maps a received SQS message into the record shape Lambda passes (attribute names change case). */
export const toSqsRecord = (message: Message, queueArn: string, region: string): SQSRecord => {
  const attributes = (message.Attributes ?? {}) as Record<string, string>;
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
        : {}),
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes['ApproximateReceiveCount'] ?? '1',
      SentTimestamp: attributes['SentTimestamp'] ?? String(Date.now()),
      SenderId: attributes['SenderId'] ?? 'local',
      ApproximateFirstReceiveTimestamp:
        attributes['ApproximateFirstReceiveTimestamp'] ?? String(Date.now()),
      ...(attributes['MessageGroupId'] ? { MessageGroupId: attributes['MessageGroupId'] } : {}),
      ...(attributes['MessageDeduplicationId']
        ? { MessageDeduplicationId: attributes['MessageDeduplicationId'] }
        : {}),
      ...(attributes['SequenceNumber'] ? { SequenceNumber: attributes['SequenceNumber'] } : {}),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes
      ? { md5OfMessageAttributes: message.MD5OfMessageAttributes }
      : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
};
