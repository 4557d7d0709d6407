import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { isRecord } from '../../lib/arazzo/is-record.ts';
import {
  FAILURE_ATTRIBUTE,
  type FailureMetadata,
  parseFailureMetadata,
  REPLAY_COUNT_ATTRIBUTE,
} from '../../lib/dead-letters/failure-metadata.ts';

/** The code shown for a dead letter without readable `provisioning-failure` metadata (moved by the redrive policy). */
export const UNKNOWN_CODE = 'UNKNOWN';

/**
 * The system attribute SQS sets on every message its redrive policy moved (and never on a message someone sent):
 * such a letter was not dead-lettered by the function, so any `provisioning-failure` on it is not the function's.
 */
export const MOVED_BY_SQS_ATTRIBUTE = 'DeadLetterQueueSourceArn';

/** Why a dead letter is shown as UNKNOWN. */
export const UNKNOWN_REASONS = {
  movedBySqs:
    'moved by SQS after too many receives (crash, timeout or failed dead-letter send); reason unknown',
  movedBySqsWithForeignMetadata:
    'moved by SQS, not dead-lettered by the function: the provisioning-failure it carries came with the message and is ignored',
  noMetadata:
    'no provisioning-failure metadata and no mark of a move by SQS: sent to the DLQ directly, not by the function; reason unknown',
  unreadableMetadata: 'provisioning-failure metadata unreadable; reason unknown',
} as const;

/** One received DLQ message, with what the tools read from it. */
export type DeadLetter = {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** The message attributes as received, `provisioning-failure` included. */
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
  /** The function's failure metadata; undefined when absent, unreadable or not attributable to the function. */
  readonly failure: FailureMetadata | undefined;
  /** Why the letter counts as UNKNOWN (set exactly when `failure` is undefined). */
  readonly unknownReason: string | undefined;
  /** Best effort, from the body (plain, SNS or EventBridge envelope); undefined when absent or not JSON. */
  readonly customerId: string | undefined;
  /** Replays by `dlq replay` so far (the `replay-count` attribute), 0 when absent. */
  readonly replayCount: number;
  /** FIFO only: the group the message was sent with. */
  readonly messageGroupId: string | undefined;
};

type Envelope = { customerId?: unknown; Type?: unknown; Message?: unknown; detail?: unknown };

const asEnvelope = (value: unknown): Envelope | undefined =>
  isRecord(value) ? (value as Envelope) : undefined;

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Reads `customerId` from a body that may be wrapped in an SNS or EventBridge envelope; undefined when unreadable. */
export const extractCustomerId = (body: string): string | undefined => {
  let json = asEnvelope(parseJson(body));
  // A few levels at most: an SNS notification may carry an EventBridge event in its Message string.
  for (let depth = 0; depth < 3 && json !== undefined; depth += 1) {
    const { customerId, Type, Message, detail } = json;
    if (typeof customerId === 'string' && customerId.length > 0) return customerId;
    if (typeof customerId === 'number') return String(customerId);
    if (Type === 'Notification' && typeof Message === 'string') {
      json = asEnvelope(parseJson(Message));
    } else {
      json = asEnvelope(detail);
    }
  }
  return undefined;
};

const readReplayCount = (attribute: MessageAttributeValue | undefined): number => {
  const value = Number(attribute?.StringValue);
  return Number.isInteger(value) && value > 0 ? value : 0;
};

/**
 * The function's metadata on a message, or why there is none. Metadata counts only on a letter the function sent:
 * the function drops incoming copies of the attribute, and only its role may send to the DLQ (its queue policy), so a
 * `provisioning-failure` on a message SQS moved came from whoever sent the message.
 */
const attributeFailure = (
  message: Message,
): { failure: FailureMetadata | undefined; unknownReason: string | undefined } => {
  const raw = message.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue;
  if (message.Attributes?.[MOVED_BY_SQS_ATTRIBUTE] !== undefined) {
    return {
      failure: undefined,
      unknownReason:
        raw === undefined
          ? UNKNOWN_REASONS.movedBySqs
          : UNKNOWN_REASONS.movedBySqsWithForeignMetadata,
    };
  }
  if (raw === undefined) return { failure: undefined, unknownReason: UNKNOWN_REASONS.noMetadata };
  const failure = parseFailureMetadata(raw);
  return failure === undefined
    ? { failure, unknownReason: UNKNOWN_REASONS.unreadableMetadata }
    : { failure, unknownReason: undefined };
};

/** Turns an SDK message into a dead letter. Never throws: unreadable parts become undefined. */
export const toDeadLetter = (message: Message): DeadLetter => {
  const attributes = message.MessageAttributes ?? {};
  const body = message.Body ?? '';
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes,
    ...attributeFailure(message),
    customerId: extractCustomerId(body),
    replayCount: readReplayCount(attributes[REPLAY_COUNT_ATTRIBUTE]),
    messageGroupId: message.Attributes?.MessageGroupId,
  };
};

/** The failure code a dead letter is counted and filtered under (`UNKNOWN` without metadata). */
export const failureCodeOf = (letter: DeadLetter): string => letter.failure?.code ?? UNKNOWN_CODE;

/** SQS allows 10 message attributes; `replay-count` is left out rather than make the send fail. */
const MAX_MESSAGE_ATTRIBUTES = 10;

/**
 * The attributes a replayed message is sent with: the originals, without `provisioning-failure`, plus a Number
 * `replay-count` one higher than before (a guard against endless replay loops).
 */
export const replayAttributes = (letter: DeadLetter): Record<string, MessageAttributeValue> => {
  const result: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(letter.attributes)) {
    if (name === FAILURE_ATTRIBUTE || name === REPLAY_COUNT_ATTRIBUTE) continue;
    // Rebuilt field by field: the SDK's received shape may carry empty list fields that SendMessage rejects.
    const copy: MessageAttributeValue = { DataType: value.DataType ?? 'String' };
    if (value.StringValue !== undefined) copy.StringValue = value.StringValue;
    if (value.BinaryValue !== undefined) copy.BinaryValue = value.BinaryValue;
    result[name] = copy;
  }
  if (Object.keys(result).length < MAX_MESSAGE_ATTRIBUTES) {
    result[REPLAY_COUNT_ATTRIBUTE] = {
      DataType: 'Number',
      StringValue: String(letter.replayCount + 1),
    };
  }
  return result;
};

/** A JSON-safe view of the attributes (binary values as base64), for `export` and `--json`. */
export const attributesToJson = (
  attributes: Readonly<Record<string, MessageAttributeValue>>,
): Record<string, { dataType: string; stringValue?: string; binaryValue?: string }> => {
  const result: Record<string, { dataType: string; stringValue?: string; binaryValue?: string }> =
    {};
  for (const [name, value] of Object.entries(attributes)) {
    const entry: { dataType: string; stringValue?: string; binaryValue?: string } = {
      dataType: value.DataType ?? 'String',
    };
    if (value.StringValue !== undefined) entry.stringValue = value.StringValue;
    if (value.BinaryValue !== undefined)
      entry.binaryValue = Buffer.from(value.BinaryValue).toString('base64');
    result[name] = entry;
  }
  return result;
};
