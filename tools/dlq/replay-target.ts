import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DependencyUnavailableError } from '../../lib/errors.ts';
import { toDependencyError } from './scan.ts';

/** Whether `replay` may send the dead-letter queue's letters to a target queue, and if not, why. */
export type ReplayTargetCheck =
  | { readonly allowed: true; readonly targetArn: string }
  | { readonly allowed: false; readonly reason: string };

type QueueFacts = { readonly arn: string; readonly redriveTargetArn: string | undefined };

/**
 * The queue a URL names, as `<account>/<name>`: SQS addresses a queue by this path whatever the host (regional,
 * legacy or a local endpoint), so two URLs with the same path are treated as the same queue.
 */
export const queuePathOf = (queueUrl: string): string | undefined => {
  try {
    const segments = new URL(queueUrl).pathname.split('/').filter((part) => part.length > 0);
    return segments.length >= 2 ? segments.slice(-2).map(decodeURIComponent).join('/') : undefined;
  } catch {
    return undefined;
  }
};

const redriveTargetOf = (policy: string | undefined): string | undefined => {
  if (policy === undefined || policy === '') return undefined;
  try {
    const target = (JSON.parse(policy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof target === 'string' ? target : undefined;
  } catch {
    return undefined;
  }
};

const readQueue = async (sqs: SQSClient, queueUrl: string): Promise<QueueFacts> => {
  let attributes: Record<string, string> | undefined;
  try {
    const response = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['QueueArn', 'RedrivePolicy'],
      }),
    );
    attributes = response.Attributes;
  } catch (error) {
    throw toDependencyError(`GetQueueAttributes of ${queueUrl}`, error);
  }
  const arn = attributes?.['QueueArn'];
  if (arn === undefined) throw new DependencyUnavailableError(`No QueueArn for ${queueUrl}`);
  return { arn, redriveTargetArn: redriveTargetOf(attributes?.['RedrivePolicy']) };
};

/**
 * Decides whether replaying into `targetUrl` is safe. Refused: the DLQ itself (same URL path or same ARN: every
 * letter would lose its reason and come straight back), a queue whose failures do not go to this DLQ (not its source:
 * its letters would end somewhere nobody looks, or loop through another DLQ), and a target this DLQ itself redrives
 * to (SQS would move the letters back and forth on its own). Throws DependencyUnavailableError when the queues cannot
 * be read: a target that cannot be checked is not used.
 */
export const checkReplayTarget = async (
  sqs: SQSClient,
  dlqUrl: string,
  targetUrl: string,
): Promise<ReplayTargetCheck> => {
  const targetPath = queuePathOf(targetUrl);
  if (targetPath !== undefined && targetPath === queuePathOf(dlqUrl)) {
    return { allowed: false, reason: `the target ${targetUrl} is the dead-letter queue itself` };
  }
  const [dlq, target] = await Promise.all([readQueue(sqs, dlqUrl), readQueue(sqs, targetUrl)]);
  if (target.arn === dlq.arn) {
    return { allowed: false, reason: `the target ${target.arn} is the dead-letter queue itself` };
  }
  if (dlq.redriveTargetArn === target.arn) {
    return {
      allowed: false,
      reason: `the dead-letter queue redrives to ${target.arn} itself: the letters would loop between them`,
    };
  }
  if (target.redriveTargetArn !== dlq.arn) {
    return {
      allowed: false,
      reason:
        target.redriveTargetArn === undefined
          ? `${target.arn} has no redrive policy to ${dlq.arn}: it is not this dead-letter queue's source`
          : `${target.arn} redrives to ${target.redriveTargetArn}, not to ${dlq.arn}: it is not this dead-letter queue's source`,
    };
  }
  return { allowed: true, targetArn: target.arn };
};
