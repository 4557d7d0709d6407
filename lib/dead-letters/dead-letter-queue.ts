import {
  type MessageAttributeValue,
  SendMessageCommand,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { DEAD_LETTER_SEND_TIMEOUT_MS } from '../config.ts';
import { type AppError, DependencyUnavailableError, redactSecrets } from '../errors.ts';
import {
  FAILURE_ATTRIBUTE,
  FAILURE_METADATA_MAX_BYTES,
  type FailureMetadata,
  REPLAY_COUNT_ATTRIBUTE,
} from './failure-metadata.ts';

/**
 * Port: sends one failed record to the dead-letter queue with its reason. Rejects when the send failed. `signal`
 * (the invocation's) aborts a send still running when the invocation ends.
 */
export interface DeadLetterQueue {
  send(record: SQSRecord, error: AppError, failedAt: Date, signal?: AbortSignal): Promise<void>;
}

/** SQS allows 10 attributes per message; one is ours. */
const MAX_FOREIGN_ATTRIBUTES = 9;
const MAX_MESSAGE = 256;
/**
 * Attribute names only the function and `dlq replay` may write. Incoming copies are never carried into the dead
 * letter: a producer's `provisioning-failure` or `replay-count` would otherwise read as ours (README, "Whose reason").
 */
const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set([
  FAILURE_ATTRIBUTE,
  REPLAY_COUNT_ATTRIBUTE,
]);

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

const ellipsis = (text: string, length: number): string =>
  text.length > length ? `${text.slice(0, length)}…` : text;

/** Bytes SQS counts for our attribute: name, data type and value. */
export const failureAttributeSize = (json: string): number =>
  Buffer.byteLength(FAILURE_ATTRIBUTE) + Buffer.byteLength('String') + Buffer.byteLength(json);

/**
 * Serialises the metadata within FAILURE_METADATA_MAX_BYTES, shortening the message text (the only free-form field)
 * until it fits, so a dead letter is never larger than the source message by more than that.
 */
export const serializeFailureMetadata = (metadata: FailureMetadata): string => {
  let json = JSON.stringify(metadata);
  let length = metadata.message.length;
  while (failureAttributeSize(json) > FAILURE_METADATA_MAX_BYTES && length > 0) {
    length = Math.floor(length / 2);
    json = JSON.stringify({ ...metadata, message: ellipsis(metadata.message, length) });
  }
  return json;
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
    message: ellipsis(message, MAX_MESSAGE),
    step: error.details.step === undefined ? null : ellipsis(error.details.step, MAX_MESSAGE),
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
 * shape (incoming `provisioning-failure` and `replay-count` dropped, ours added), and on a FIFO queue the group and
 * deduplication ids.
 */
export const toDeadLetterMessage = (
  record: SQSRecord,
  error: AppError,
  failedAt: Date,
  options: DeadLetterMessageOptions,
): SendMessageCommandInput => {
  const attributes: Record<string, MessageAttributeValue> = {};
  const names = Object.keys(record.messageAttributes ?? {})
    .filter((name) => !RESERVED_ATTRIBUTES.has(name))
    .sort();
  // More than nine producer attributes cannot all be kept next to ours; keep the first nine by name.
  for (const name of names.slice(0, MAX_FOREIGN_ATTRIBUTES)) {
    const original = record.messageAttributes[name];
    const converted = original ? toSdkAttribute(original) : undefined;
    if (converted) attributes[name] = converted;
  }
  attributes[FAILURE_ATTRIBUTE] = {
    DataType: 'String',
    StringValue: serializeFailureMetadata(toFailureMetadata(record, error, failedAt, options)),
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
 * The SQS adapter of the DeadLetterQueue port. A send is bounded by DEAD_LETTER_SEND_TIMEOUT_MS and by the
 * invocation's signal. A failed send rejects with DependencyUnavailableError, so the record is reported as a batch
 * item failure and stays in the source queue.
 */
export const createSqsDeadLetterQueue = (
  sqs: SQSClient,
  options: DeadLetterMessageOptions,
): DeadLetterQueue => ({
  async send(record, error, failedAt, signal) {
    const timeout = AbortSignal.timeout(DEAD_LETTER_SEND_TIMEOUT_MS);
    const abortSignal = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    try {
      await sqs.send(
        new SendMessageCommand(toDeadLetterMessage(record, error, failedAt, options)),
        { abortSignal },
      );
    } catch (cause) {
      throw new DependencyUnavailableError(
        'Dead-letter send failed; the message stays in the source queue',
        {},
        { cause },
      );
    }
  },
});
