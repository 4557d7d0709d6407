/**
 * Course of events for one SQS record:
 * 1. Parse the body (raw, SNS or EventBridge envelope) into an account-created message.
 * 2. Provision it, idempotently on customerId (provision-account.ts).
 * 3. Success → acknowledged (the record is not returned as a failure).
 * 4. Failure → `toAppError`, then `decideOutcome`:
 *    - permanent, or retryable on the last allowed receive → dead-lettered with its reason, then acknowledged;
 *    - retryable → rethrown, so Powertools reports it in `batchItemFailures` and SQS redelivers it.
 *    A failed dead-letter send propagates: the record is retried, never lost. A send starts only if the batch's
 *    guard has not given the record up already (`claimDeadLetter`); once started, the guard waits for it.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { type AppError, DependencyUnavailableError } from '../errors.ts';
import { parseAccountCreatedMessage } from '../messages/parse-message.ts';
import { decideOutcome, receiveCountOf, toAppError } from './outcome.ts';
import type { RunOptions } from './provision-account.ts';
import { redeliveryDelaySeconds } from './redelivery.ts';
import type { ProvisioningDependencies } from './types.ts';

/** What the batch handler adds to a run: the invocation's signal, and the claim a dead-letter send needs. */
export type ProcessRecordOptions = RunOptions & {
  /** Aborts a dead-letter send still running when the invocation itself ends (middy's early timeout). */
  readonly invocationSignal?: AbortSignal;
  /**
   * True when the record may be dead-lettered now; false when the batch already reported it failed (it will be
   * redelivered, so dead-lettering it too would make two outcomes). Absent: always allowed.
   */
  readonly claimDeadLetter?: () => boolean;
};

/** Metric names; a contract with dashboards and alarms. */
export const METRICS = {
  provisioned: 'AccountProvisioned',
  alreadyProvisioned: 'AccountAlreadyProvisioned',
  deadLettered: 'MessageDeadLettered',
  retried: 'MessageRetried',
  deferred: 'MessageDeferred',
  deferredDelay: 'RedeliveryDelay',
} as const;

/**
 * Sets when a record left for redelivery comes back (redelivery backoff). A failure only logs: the queue's own
 * visibility timeout then applies, and the record is still reported failed.
 */
const deferRedelivery = async (
  record: SQSRecord,
  receiveCount: number,
  deps: ProvisioningDependencies,
  error: AppError,
  logFields: Record<string, unknown>,
): Promise<number | undefined> => {
  const delaySeconds = redeliveryDelaySeconds(
    receiveCount,
    deps.config.redelivery,
    Math.random,
    error.details.retryAfterSeconds,
  );
  if (delaySeconds === undefined) return undefined;
  try {
    await deps.redelivery.defer(record, delaySeconds);
  } catch (thrown) {
    deps.logger.warn("Could not delay the redelivery; the queue's visibility timeout applies", {
      ...logFields,
      delaySeconds,
      sqsError: thrown instanceof Error ? thrown.name : 'unknown',
    });
    return undefined;
  }
  deps.metrics.addMetric(METRICS.deferred, MetricUnit.Count, 1);
  deps.metrics.addMetric(METRICS.deferredDelay, MetricUnit.Seconds, delaySeconds);
  return delaySeconds;
};

const leaveForRedelivery = async (
  record: SQSRecord,
  receiveCount: number,
  deps: ProvisioningDependencies,
  error: AppError,
  logFields: Record<string, unknown>,
): Promise<never> => {
  deps.metrics.addMetric(METRICS.retried, MetricUnit.Count, 1);
  const delaySeconds = await deferRedelivery(record, receiveCount, deps, error, logFields);
  deps.logger.warn(`Provisioning failed, left for redelivery: ${error.message}`, {
    ...logFields,
    ...(delaySeconds === undefined ? {} : { redeliveryDelaySeconds: delaySeconds }),
  });
  throw error;
};

/**
 * Processes one record. Resolves when it is done (provisioned, or dead-lettered); rejects with an AppError when it
 * must be retried, including when the dead-letter send failed.
 */
export const processRecord = async (
  record: SQSRecord,
  deps: ProvisioningDependencies,
  options: ProcessRecordOptions,
): Promise<void> => {
  const receiveCount = receiveCountOf(record.attributes);
  const fields: Record<string, string | number> = { messageId: record.messageId, receiveCount };
  try {
    const message = parseAccountCreatedMessage(record.body);
    fields['customerId'] = message.customerId;
    if (message.eventId) fields['eventId'] = message.eventId;
    const result = await deps.provision(message, options);
    const already =
      result.replayed ||
      (result.customer === 'existing' &&
        result.plan === 'current' &&
        result.commitment !== 'created');
    deps.metrics.addMetric(
      already ? METRICS.alreadyProvisioned : METRICS.provisioned,
      MetricUnit.Count,
      1,
    );
    deps.logger.info(already ? 'Account already provisioned' : 'Account provisioned', {
      ...fields,
      replayed: result.replayed,
      customer: result.customer,
      plan: result.plan,
      commitment: result.commitment,
    });
  } catch (thrown) {
    const error = toAppError(thrown);
    const logFields = {
      ...fields,
      code: error.code,
      errorName: error.name,
      ...(error.details.step ? { step: error.details.step } : {}),
      ...(error.details.httpStatus ? { httpStatus: error.details.httpStatus } : {}),
    };
    if (decideOutcome(error, receiveCount, deps.config.maxReceiveCount) === 'retry') {
      return leaveForRedelivery(record, receiveCount, deps, error, logFields);
    }
    if (options.claimDeadLetter?.() === false) {
      deps.logger.warn(
        'Deadline passed before the dead-letter send; left for redelivery',
        logFields,
      );
      throw new DependencyUnavailableError(
        `Deadline passed before dead-lettering ${error.code}`,
        error.details,
        { cause: error },
      );
    }
    try {
      await deps.deadLetters.send(record, error, deps.now(), options.invocationSignal);
    } catch (sendFailure) {
      deps.logger.error('Dead-letter send failed; the record is reported failed', {
        ...logFields,
        sendError: sendFailure instanceof Error ? sendFailure.name : 'unknown',
      });
      throw new DependencyUnavailableError(
        `Dead-letter send failed after ${error.code}`,
        error.details,
        { cause: sendFailure },
      );
    }
    const single = deps.metrics.singleMetric();
    single.addDimension('code', error.code);
    single.addMetric(METRICS.deadLettered, MetricUnit.Count, 1);
    deps.logger.error(`Message dead-lettered: ${error.message}`, logFields);
  }
};
