import {
  type MessageAttributeValue,
  SendMessageCommand,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { DEAD_LETTER_SEND_TIMEOUT_MS } from '../config.ts';
import { type AppError, DependencyUnavailableError, redactSecrets } from '../errors.ts';
import { truncate } from '../truncate.ts';
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

/** SQS allows 10 attributes per message; ours are `provisioning-failure` and, when the record had one, `replay-count`. */
const MAX_ATTRIBUTES = 10;
const MAX_MESSAGE = 256;
/**
 * Attribute names only the function and `dlq replay` may write. Incoming copies are never carried into the dead
 * letter as they came: a producer's `provisioning-failure` would otherwise read as ours (README, "Whose reason"), and
 * `replay-count` is written anew from the incoming count (`carriedReplayCount`).
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

/** Bytes SQS counts for our attribute: name, data type and value. */
export const failureAttributeSize = (json: string): number =>
  Buffer.byteLength(FAILURE_ATTRIBUTE) + Buffer.byteLength('String') + Buffer.byteLength(json);

/** The string fields whose length comes from outside (the error, the record, the configuration). */
const SHORTENABLE_FIELDS = [
  'message',
  'step',
  'sourceMessageId',
  'sourceQueueArn',
  'workflowId',
] as const;
type ShortenableField = (typeof SHORTENABLE_FIELDS)[number];

const withLengths = (
  metadata: FailureMetadata,
  lengths: ReadonlyMap<ShortenableField, number>,
): FailureMetadata => {
  const copy: Record<string, unknown> = { ...metadata };
  for (const [field, length] of lengths) {
    const value = metadata[field];
    if (value !== null) copy[field] = truncate(value, length);
  }
  return copy as FailureMetadata;
};

/**
 * Serialises the metadata within FAILURE_METADATA_MAX_BYTES, halving the longest string field (the message text,
 * usually) until the serialised attribute fits, so a dead letter is never larger than the source message by more
 * than that. The size checked is the final JSON's, whatever field made it large.
 */
export const serializeFailureMetadata = (metadata: FailureMetadata): string => {
  const lengths = new Map<ShortenableField, number>(
    SHORTENABLE_FIELDS.map((field) => [field, metadata[field]?.length ?? 0]),
  );
  let json = JSON.stringify(metadata);
  while (failureAttributeSize(json) > FAILURE_METADATA_MAX_BYTES) {
    const [field, length] = [...lengths].reduce((longest, entry) =>
      entry[1] > longest[1] ? entry : longest,
    );
    // Unreachable in practice: with every string field emptied, the rest is a code, two numbers and a date.
    if (length === 0) break;
    lengths.set(field, Math.floor(length / 2));
    json = JSON.stringify(withLengths(metadata, lengths));
  }
  return json;
};

/**
 * The incoming `replay-count`, carried into the dead letter so that `dlq replay --max-replays` sees how often this
 * letter went round already. Only a positive integer is carried, rewritten as ours: a count a producer forged can
 * only make the guard stricter, never looser.
 */
export const carriedReplayCount = (record: SQSRecord): MessageAttributeValue | undefined => {
  const count = Number(record.messageAttributes?.[REPLAY_COUNT_ATTRIBUTE]?.stringValue);
  return Number.isSafeInteger(count) && count > 0
    ? { DataType: 'Number', StringValue: String(count) }
    : undefined;
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
    message: truncate(message, MAX_MESSAGE),
    step: error.details.step === undefined ? null : truncate(error.details.step, MAX_MESSAGE),
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
 * shape (incoming `provisioning-failure` dropped, ours added, an incoming `replay-count` carried as ours), and on a
 * FIFO queue the group and deduplication ids.
 */
export const toDeadLetterMessage = (
  record: SQSRecord,
  error: AppError,
  failedAt: Date,
  options: DeadLetterMessageOptions,
): SendMessageCommandInput => {
  const attributes: Record<string, MessageAttributeValue> = {};
  const replayCount = carriedReplayCount(record);
  if (replayCount !== undefined) attributes[REPLAY_COUNT_ATTRIBUTE] = replayCount;
  const names = Object.keys(record.messageAttributes ?? {})
    .filter((name) => !RESERVED_ATTRIBUTES.has(name))
    .sort();
  // Producer attributes that do not all fit next to ours: keep the first ones by name.
  const room = MAX_ATTRIBUTES - 1 - Object.keys(attributes).length;
  for (const name of names.slice(0, room)) {
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
