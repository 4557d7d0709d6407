import { ConfigError } from '../../lib/errors.ts';
import { readDeclaredResources } from './serverless-resources.ts';

/** How serverless.yml scales the consumer for one stage. */
export type DeployedScaling = {
  readonly stage: string;
  /** The SQS event's `maximumConcurrency`: concurrent invocations, so the number of local pollers. */
  readonly maximumConcurrency: number;
  /** `BATCH_CONCURRENCY`: records one invocation handles at once. */
  readonly batchConcurrency: number;
  readonly batchSize: number;
};

const positiveInteger = (value: unknown, what: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new ConfigError(
      `serverless.yml: ${what} must be a positive integer, got ${String(value)}`,
    );
  }
  return number;
};

/**
 * Reads the consumer's scaling as serverless.yml deploys it to `stage`: `maximumConcurrency` (a `${param:…}` is
 * looked up in the stage's params, then `default`, as osls does), `batchSize` and `BATCH_CONCURRENCY`, so local
 * runs and benchmarks use the deployed figures instead of copies. Throws ConfigError when one is missing.
 */
export const readDeployedScaling = async (
  path = 'serverless.yml',
  stage = 'dev',
): Promise<DeployedScaling> => {
  const declared = await readDeclaredResources(path, stage);
  return {
    stage,
    maximumConcurrency: positiveInteger(
      declared.maximumConcurrency,
      'the SQS event maximumConcurrency',
    ),
    batchConcurrency: positiveInteger(
      declared.environment['BATCH_CONCURRENCY'],
      'BATCH_CONCURRENCY',
    ),
    batchSize: positiveInteger(declared.batchSize, 'the SQS event batchSize'),
  };
};
