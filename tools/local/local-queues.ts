/** The queues serverless.yml declares, created on fauxqs with their redrive policies. */
import type { FauxqsServer } from 'fauxqs';
import { LOCAL_REGION } from './local-aws.ts';
import type { DeclaredResources } from './serverless-resources.ts';

export type LocalQueue = { readonly name: string; readonly url: string; readonly arn: string };

/** fauxqs answers with URLs on a host that does not resolve; it finds queues by path, so use its own address. */
const onFauxqsAddress = (fauxqs: FauxqsServer, queueUrl: string): string =>
  queueUrl.replace(/^https?:\/\/[^/]+/, fauxqs.address);

/**
 * Creates the declared DLQ and source queue (a queue's dead-letter target first, so its redrive policy can name
 * it). `visibilityTimeoutSeconds` overrides the timeout of a queue that has a dead-letter target.
 */
export const createDeclaredQueues = (
  fauxqs: FauxqsServer,
  resources: DeclaredResources,
  visibilityTimeoutSeconds: number | undefined,
): { readonly deadLetterQueue: LocalQueue; readonly sourceQueue: LocalQueue } => {
  const created = new Map<string, LocalQueue>();
  const createQueue = (logicalId: string): LocalQueue => {
    const existing = created.get(logicalId);
    if (existing) return existing;
    const declared = resources.queues.find((queue) => queue.logicalId === logicalId);
    if (!declared) throw new TypeError(`serverless.yml declares no queue ${logicalId}`);
    const attributes: Record<string, string> = { ...declared.attributes };
    if (declared.deadLetterLogicalId) {
      const deadLetter = createQueue(declared.deadLetterLogicalId);
      attributes['RedrivePolicy'] = JSON.stringify({
        deadLetterTargetArn: deadLetter.arn,
        maxReceiveCount: declared.maxReceiveCount,
      });
      if (visibilityTimeoutSeconds !== undefined) {
        attributes['VisibilityTimeout'] = String(visibilityTimeoutSeconds);
      }
    }
    const queue = fauxqs.createQueue(declared.name, { region: LOCAL_REGION, attributes });
    const local = {
      name: queue.queueName,
      url: onFauxqsAddress(fauxqs, queue.queueUrl),
      arn: queue.queueArn,
    };
    created.set(logicalId, local);
    return local;
  };
  const deadLetterQueue = createQueue(resources.deadLetterQueue.logicalId);
  const sourceQueue = createQueue(resources.sourceQueue.logicalId);
  return { deadLetterQueue, sourceQueue };
};
