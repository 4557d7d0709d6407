/**
 * What the batch handler and the per-record outcome need from the composition root. Defined here, not in
 * `lib/dependencies.ts`, so that provisioning does not import the module that builds it; `Dependencies` satisfies it.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Config } from '../config.ts';
import type { DeadLetterQueue } from '../dead-letters/dead-letter-queue.ts';
import type { Provision } from './provision-account.ts';
import type { Redelivery } from './redelivery.ts';

export type ProvisioningDependencies = {
  readonly config: Pick<
    Config,
    'deadlineMarginMs' | 'batchConcurrency' | 'redelivery' | 'maxReceiveCount'
  >;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly provision: Provision;
  readonly registerLambdaContext: (context: Context) => void;
  readonly deadLetters: DeadLetterQueue;
  /** Delays the next delivery of a record that failed for a retryable reason. */
  readonly redelivery: Redelivery;
  readonly now: () => Date;
};
