import {
  type MessageAttributeValue,
  SendMessageCommand,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { type AppError, DependencyUnavailableError, redactSecrets } from '../errors.ts';
import { FAILURE_ATTRIBUTE, type FailureMetadata } from './failure-metadata.ts';

/** Port: sends one failed record to the dead-letter queue with its reason. Rejects when the send failed. */
export interface DeadLetterQueue {
  send(record: SQSRecord, error: AppError, failedAt: Date): Promise<void>;
}

/** SQS allows 10 attributes per message; one is ours. */
const MAX_FOREIGN_ATTRIBUTES = 9;
const MAX_MESSAGE = 256;

/** Where dead letters go, and what they must never contain. */
export type DeadLetterMessageOptions = {
  readonly queueUrl: string;
  readonly workflowId: string;
  /** Values that must never reach the queue (the API key); a function covers keys learnt later. */
  readonly secrets?: readonly string[] | (() => readonly string[]);
};

const toSdkAttribute = (
  attribute: SQSMessageAttributes[string],
): MessageAttributeValue | undefined => {
  if (attribute.binaryValue !== undefined) {
    // Lambda hands binary attributes over base64-encoded; the SDK wants the bytes.
    return {
      DataType: attribute.dataType,
      BinaryValue: Buffer.from(attribute.binaryValue, 'base64'),
    };
  }
  if (attribute.stringValue !== undefined) {
    return { DataType: attribute.dataType, StringValue: attribute.stringValue };
  }
  return undefined;
};

/** Builds the failure metadata held by the `provisioning-failure` attribute. */
export const toFailureMetadata = (
  record: SQSRecord,
  error: AppError,
  failedAt: Date,
  options: Pick<DeadLetterMessageOptions, 'workflowId' | 'secrets'>,
): FailureMetadata => {
  const secrets = typeof options.secrets === 'function' ? options.secrets() : options.secrets;
  const message = redactSecrets(error.message, secrets ?? []);
  return {
    code: error.code,
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
    step: error.details.step ?? null,
    httpStatus: error.details.httpStatus ?? null,
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    failedAt: failedAt.toISOString(),
    sourceMessageId: record.messageId,
    sourceQueueArn: record.eventSourceARN,
    workflowId: options.workflowId,
  };
};

/**
 * Builds the SendMessage input for a dead letter: the original body unchanged, the original attributes in the SDK's
 * shape (an incoming `provisioning-failure` replaced by ours), and on a FIFO queue the group and deduplication ids.
 */
export const toDeadLetterMessage = (
  record: SQSRecord,
  error: AppError,
  failedAt: Date,
  options: DeadLetterMessageOptions,
): SendMessageCommandInput => {
  const attributes: Record<string, MessageAttributeValue> = {};
  const names = Object.keys(record.messageAttributes ?? {})
    .filter((name) => name !== FAILURE_ATTRIBUTE)
    .sort();
  // More than nine producer attributes cannot all be kept next to ours; keep the first nine by name.
  for (const name of names.slice(0, MAX_FOREIGN_ATTRIBUTES)) {
    const original = record.messageAttributes[name];
    const converted = original ? toSdkAttribute(original) : undefined;
    if (converted) attributes[name] = converted;
  }
  attributes[FAILURE_ATTRIBUTE] = {
    DataType: 'String',
    StringValue: JSON.stringify(toFailureMetadata(record, error, failedAt, options)),
  };
  const fifo = options.queueUrl.endsWith('.fifo');
  return {
    QueueUrl: options.queueUrl,
    MessageBody: record.body,
    MessageAttributes: attributes,
    ...(fifo
      ? {
          MessageGroupId: record.attributes.MessageGroupId ?? record.messageId,
          MessageDeduplicationId: record.attributes.MessageDeduplicationId ?? record.messageId,
        }
      : {}),
  };
};

/**
 * The SQS adapter of the DeadLetterQueue port. A failed send rejects with DependencyUnavailableError, so the record
 * is reported as a batch item failure and stays in the source queue.
 */
export const createSqsDeadLetterQueue = (
  sqs: SQSClient,
  options: DeadLetterMessageOptions,
): DeadLetterQueue => ({
  async send(record, error, failedAt) {
    try {
      await sqs.send(new SendMessageCommand(toDeadLetterMessage(record, error, failedAt, options)));
    } catch (cause) {
      throw new DependencyUnavailableError(
        'Dead-letter send failed; the message stays in the source queue',
        {},
        { cause },
      );
    }
  },
});
