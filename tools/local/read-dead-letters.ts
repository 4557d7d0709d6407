/** The local DLQ read back: what a local run or a test reports of the messages that were dead-lettered. */
import {
  ChangeMessageVisibilityBatchCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import {
  FAILURE_ATTRIBUTE,
  parseFailureMetadata,
} from '../../lib/dead-letters/failure-metadata.ts';
import type { LocalStack } from './stack.ts';

export type DeadLetter = {
  readonly messageId: string;
  /** The source queue's message id: from the failure metadata, else (moved by SQS) the message's own id. */
  readonly sourceMessageId: string;
  readonly receiveCount: number | undefined;
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: string;
  /** `UNKNOWN` when the message carries no failure metadata (moved by the queue's own redrive). */
  readonly code: string;
  readonly message: string;
};

const toDeadLetter = (message: Message): DeadLetter => {
  const metadata = parseFailureMetadata(
    message.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue,
  );
  return {
    messageId: message.MessageId ?? '',
    sourceMessageId: metadata?.sourceMessageId ?? message.MessageId ?? '',
    receiveCount: metadata?.receiveCount,
    attributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        value.StringValue ?? '',
      ]),
    ),
    body: message.Body ?? '',
    code: metadata?.code ?? 'UNKNOWN',
    message: metadata?.message ?? 'moved by SQS, reason unknown',
  };
};

/** Makes the received messages visible again at once, ten per call. */
const giveBack = async (stack: LocalStack, handles: readonly string[]): Promise<void> => {
  for (let offset = 0; offset < handles.length; offset += 10) {
    await stack.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: stack.deadLetterQueue.url,
        Entries: handles.slice(offset, offset + 10).map((handle, index) => ({
          Id: String(index),
          ReceiptHandle: handle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
};

/**
 * Reads every message in the DLQ without deleting it, then gives them all back (visibility 0).
 * Meant for the end of a local run or a test; bounded by `max` and by two empty receives in a row.
 */
export const readDeadLetters = async (stack: LocalStack, max = 10_000): Promise<DeadLetter[]> => {
  const letters = new Map<string, DeadLetter>();
  const handles: string[] = [];
  let emptyInARow = 0;
  while (letters.size < max && emptyInARow < 2) {
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.deadLetterQueue.url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    emptyInARow = Messages.length === 0 ? emptyInARow + 1 : 0;
    for (const message of Messages) {
      if (message.ReceiptHandle) handles.push(message.ReceiptHandle);
      letters.set(message.MessageId ?? '', toDeadLetter(message));
    }
  }
  await giveBack(stack, handles);
  return [...letters.values()];
};
