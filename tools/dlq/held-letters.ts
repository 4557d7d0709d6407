import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { changeVisibility } from './scan.ts';

/**
 * The letters a scan holds hidden until it ends, by message id. A message received again comes with a new receipt
 * handle and only the latest one can still change its visibility, so a repeat replaces the handle it had.
 */
export class HeldLetters {
  readonly #handles = new Map<string, string>();

  get size(): number {
    return this.#handles.size;
  }

  hold(letter: { readonly messageId: string; readonly receiptHandle: string }): void {
    this.#handles.set(letter.messageId, letter.receiptHandle);
  }

  holdRepeats(messages: readonly Message[]): void {
    for (const message of messages) {
      this.hold({ messageId: message.MessageId ?? '', receiptHandle: message.ReceiptHandle ?? '' });
    }
  }

  /** Makes every held letter visible again; returns how many could not be (they reappear when their hold ends). */
  release(sqs: SQSClient, queueUrl: string): Promise<number> {
    return changeVisibility(sqs, queueUrl, [...this.#handles.values()], 0);
  }
}
