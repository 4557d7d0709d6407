/**
 * The local pipeline: the real batch handler (the same composition as handlers/provision-account.ts, with the
 * stack's SDK clients) behind one or more local event-source-mapping pollers. Shared by `npm start`, the chaos
 * suite and the benchmarks, which also take the helpers that feed the queue, wait for it to drain and count what
 * happened from here.
 */
import { loadConfig } from '../../lib/config.ts';
import { createDependencies, type DependencyOverrides } from '../../lib/dependencies.ts';
import { createBatchHandler } from '../../lib/provisioning/handle-batch.ts';
import { CountingMetrics } from './counting-metrics.ts';
import {
  type EventSourceMapping,
  type InvocationOutcome,
  startEventSourceMapping,
} from './event-source-mapping.ts';
import type { LocalStack } from './stack.ts';

export { CountingMetrics } from './counting-metrics.ts';
export { type DeployedScaling, readDeployedScaling } from './deployed-scaling.ts';
export { type DeadLetter, readDeadLetters } from './read-dead-letters.ts';
export {
  type OutgoingMessage,
  type QueueDepth,
  queueDepth,
  sendToSourceQueue,
  waitForDrain,
} from './source-queue.ts';

export type LocalPipelineOptions = {
  /** Concurrent pollers, as Lambda's `maximumConcurrency` (default 2). */
  readonly concurrency?: number;
  /** Local function timeout (ms) for each invocation's context. */
  readonly functionTimeoutMs?: number;
  /** Extra overrides for the composition (e.g. a fetch that crashes mid-run, a failing dead-letter queue). */
  readonly overrides?: DependencyOverrides;
  /** Called after every invocation with the ids it received and the ids it reported failed. */
  readonly onInvoke?: (outcome: InvocationOutcome) => void;
};

export type LocalPipeline = {
  readonly metrics: CountingMetrics;
  readonly invocations: () => number;
  readonly stop: () => Promise<void>;
};

/**
 * What the pipeline needs of a stack: its environment, clients, source queue and declared settings. A whole
 * `LocalStack` fits; so does a worker thread's own view of one (`pipeline-worker.ts`).
 */
export type PipelineStack = Pick<
  LocalStack,
  'env' | 'sqs' | 'dynamo' | 'sourceQueue' | 'resources'
>;

/** Starts the handler behind `concurrency` local pollers of the stack's source queue. */
export const startLocalPipeline = (
  stack: PipelineStack,
  options: LocalPipelineOptions = {},
): LocalPipeline => {
  const config = loadConfig(stack.env);
  const metrics = new CountingMetrics({
    namespace: 'BillingProvisioningLocal',
    serviceName: 'local',
  });
  let invocations = 0;
  // One dependency graph per poller: each poller is one Lambda container, with its own share of the request budget
  // and its own circuit breaker (AMBERFLO_CONCURRENT_INVOCATIONS says how many share the budget).
  const createHandler = () =>
    createBatchHandler(
      createDependencies(config, {
        awsClients: { sqs: stack.sqs, dynamodb: stack.dynamo },
        metrics,
        ...options.overrides,
      }),
      { timeoutEarlyInMillis: 0 },
    );
  const mappings: EventSourceMapping[] = Array.from({ length: options.concurrency ?? 2 }, () => {
    const handler = createHandler();
    return startEventSourceMapping({
      sqs: stack.sqs,
      queueUrl: stack.sourceQueue.url,
      queueArn: stack.sourceQueue.arn,
      handler: async (event, context) =>
        (await handler(event, context)) ?? { batchItemFailures: [] },
      batchSize: stack.resources.batchSize,
      functionTimeoutMs: options.functionTimeoutMs ?? stack.resources.functionTimeoutSeconds * 1000,
      waitTimeSeconds: 1,
      onInvoke: (outcome) => {
        invocations += 1;
        options.onInvoke?.(outcome);
      },
    });
  });
  return {
    metrics,
    invocations: () => invocations,
    stop: async () => {
      await Promise.all(mappings.map((mapping) => mapping.stop()));
    },
  };
};
