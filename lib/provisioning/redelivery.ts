/**
 * Redelivery backoff: a record that failed for a retryable reason comes back after
 * `min(max, base × 2^(receiveCount−1))` seconds, jittered down by at most 20 % (so that the span the receives cover
 * stays predictable: README "Limits and outages"), instead of after the queue's fixed visibility timeout.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** SQS's ceiling for a visibility timeout. */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
/** The largest share by which a delay is shortened at random. */
export const REDELIVERY_JITTER = 0.2;

export type RedeliveryBackoff = { readonly baseSeconds: number; readonly maxSeconds: number };

/**
 * Whole seconds until the record should come back after its `receiveCount`-th receive failed; undefined when the
 * backoff is off (`baseSeconds` 0). The failed answer's `retryAfterSeconds` is a floor (Amberflo asked us to stay
 * away that long), still capped by `maxSeconds`. `random` is uniform in [0, 1).
 */
export const redeliveryDelaySeconds = (
  receiveCount: number,
  backoff: RedeliveryBackoff,
  random: () => number = Math.random,
  retryAfterSeconds?: number,
): number | undefined => {
  if (backoff.baseSeconds <= 0) return undefined;
  const cap = Math.min(backoff.maxSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS);
  const exponential = Math.min(cap, backoff.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
  // Rounded up, so that no delay is ever shorter than 80 % of its step.
  const jittered = Math.max(1, Math.ceil(exponential * (1 - REDELIVERY_JITTER * random())));
  return Math.min(cap, Math.max(jittered, Math.ceil(retryAfterSeconds ?? 0)));
};

/** Changes when a received record becomes visible again. */
export type Redelivery = {
  readonly defer: (record: SQSRecord, delaySeconds: number) => Promise<void>;
};

/** `arn:aws:sqs:eu-west-1:123456789012:name` → `https://sqs.eu-west-1.amazonaws.com/123456789012/name`. */
export const queueUrlFromArn = (arn: string): string | undefined => {
  const match = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,80})$/.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, name] = match;
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
};

/**
 * The SQS implementation: ChangeMessageVisibility on `sourceQueueUrl`, else on the URL derived from the record's
 * `eventSourceARN`. Throws when neither gives a URL or SQS refuses; the caller only logs that.
 */
export const createSqsRedelivery = (sqs: SQSClient, sourceQueueUrl?: string): Redelivery => ({
  defer: async (record, delaySeconds) => {
    const queueUrl = sourceQueueUrl ?? queueUrlFromArn(record.eventSourceARN ?? '');
    if (queueUrl === undefined) throw new TypeError('No queue URL for the record');
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: delaySeconds,
      }),
    );
  },
});
