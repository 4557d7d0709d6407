/**
 * Course of events for one account-created message:
 * 1. The message becomes the workflow's inputs (plan from the message or the default, ms → s, Amberflo product).
 * 2. Powertools idempotency, keyed on workflow id + customerId (never the SQS messageId, which a redrive changes):
 *    - completed record with the same plan/start/commitment → its stored summary, zero Amberflo calls;
 *    - completed record with different ones → IdempotencyValidationError (CONFLICTING_DUPLICATE);
 *    - in-progress record, same payload or not → DUPLICATE_IN_PROGRESS (retried: the holder may yet fail); the lock
 *      expires with the invocation that holds it (registerLambdaContext);
 *    - otherwise the workflow runs. A failed run throws, Powertools deletes the record, and the next delivery runs
 *      again; the workflow's read-before-write is the second line of defence against repeated writes.
 * 3. The run's end is read: a failure keeps its true reason (a refused create stays the create's), an end at
 *    `readPlan/planConflict` is PLAN_CONFLICT (thrown, so no record is kept), anything else is the summary.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { isRecord } from '../arazzo/is-record.ts';
import { AmberfloUnavailableError, PlanConflictError } from '../errors.ts';
import type { AccountCreatedMessage } from '../messages/account-created-message.ts';
import {
  PROVISION_ACCOUNT_WORKFLOW_ID,
  type ProvisionAccountInputs,
  type ProvisionAccountSettings,
  type ProvisionAccountSummary,
  type ProvisionRunView,
  planConflictOf,
  planNotVisibleOf,
  reportedFailure,
  summariseProvisionAccount,
  toProvisionAccountInputs,
} from '../workflows/provision-account.ts';
import { fromWorkflowFailure, type WorkflowFailure } from './outcome.ts';

/** Cancellation for one run: the invocation's signal and the absolute deadline (epoch ms). */
export type RunOptions = { readonly signal: AbortSignal; readonly deadline: number };

/** What the interpreter's `run` resolves with, as far as provisioning needs it. */
export type WorkflowRunResult = ProvisionRunView & {
  readonly failure?: WorkflowFailure | undefined;
};

/** Runs the provision-account workflow once (the interpreter bound to the Amberflo HTTP layer). */
export type RunProvisionWorkflow = (
  inputs: ProvisionAccountInputs,
  options: RunOptions,
) => Promise<WorkflowRunResult>;

/** A successful provisioning: what exists now, and whether this delivery was answered from the idempotency store. */
export type ProvisionResult = ProvisionAccountSummary & { readonly replayed: boolean };

/** Provisions one account. Throws AppErrors and Powertools idempotency errors; `toAppError` classifies both. */
export type Provision = (
  message: AccountCreatedMessage,
  options: RunOptions,
) => Promise<ProvisionResult>;

/** What `createProvisionAccount` needs: the workflow run, the idempotency store and the input settings. */
export type ProvisionAccountOptions = {
  readonly run: RunProvisionWorkflow;
  readonly persistenceStore: BasePersistenceLayer;
  readonly settings: ProvisionAccountSettings;
  /** How long a completed record is kept (`IDEMPOTENCY_TTL_SECONDS`). */
  readonly expiresAfterSeconds: number;
};

const isRecordCleanupFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'IdempotencyPersistenceLayerError';

/** The fields that must not change for a customer once provisioned. */
export const PAYLOAD_VALIDATION_JMESPATH = '[productId, startTime, commitment]';

/**
 * Builds the idempotent `provision` function and the `registerLambdaContext` hook that makes in-progress locks
 * expire with the invocation. Give each instance its own persistence layer: a layer keeps the first config it sees.
 */
export const createProvisionAccount = ({
  run,
  persistenceStore,
  settings,
  expiresAfterSeconds,
}: ProvisionAccountOptions): {
  provision: Provision;
  registerLambdaContext: (context: Context) => void;
} => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'customerId',
    payloadValidationJmesPath: PAYLOAD_VALIDATION_JMESPATH,
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds,
    // Called only when a stored result answers the call: the workflow did not run for this delivery.
    responseHook: (response) => (isRecord(response) ? { ...response, replayed: true } : response),
  });

  // A throw makes Powertools delete the record so that the next delivery runs again. The error is also kept in
  // `failed`: when that delete fails, Powertools throws the delete's error instead and the original reason is lost.
  const runOnce = async (
    inputs: ProvisionAccountInputs,
    options: RunOptions,
    failed: { error?: unknown },
  ): Promise<ProvisionResult> => {
    try {
      return await provisionOnce(inputs, options);
    } catch (error) {
      failed.error = error;
      throw error;
    }
  };

  const provisionOnce = async (
    inputs: ProvisionAccountInputs,
    options: RunOptions,
  ): Promise<ProvisionResult> => {
    const result = await run(inputs, options);
    if (result.status === 'failed') throw fromWorkflowFailure(reportedFailure(result));
    if (planNotVisibleOf(result)) {
      throw new AmberfloUnavailableError(
        'Amberflo shows no current plan for a customer that must have one (just created, or the account has a Default Plan); reads may lag writes, so nothing was assigned',
        { step: 'readPlan' },
      );
    }
    const conflict = planConflictOf(inputs, result);
    if (conflict !== undefined) {
      throw new PlanConflictError(
        `The customer is on plan "${conflict.currentPlanId}", which was not chosen by this function; the message asks for plan "${conflict.requestedPlanId}". Nothing was written`,
        { step: 'readPlan', ...conflict },
      );
    }
    return { ...summariseProvisionAccount(inputs.customerId, result), replayed: false };
  };

  const idempotentRun = makeIdempotent(runOnce, {
    persistenceStore,
    config,
    keyPrefix: PROVISION_ACCOUNT_WORKFLOW_ID,
    dataIndexArgument: 0,
  });

  return {
    provision: async (message, options) => {
      const inputs = toProvisionAccountInputs(message, settings);
      const failed: { error?: unknown } = {};
      try {
        return (await idempotentRun(inputs, options, failed)) as ProvisionResult;
      } catch (error) {
        // The run's own reason outranks a failed clean-up of its record (the lock then expires by itself).
        throw failed.error !== undefined && isRecordCleanupFailure(error) ? failed.error : error;
      }
    },
    registerLambdaContext: (context) => config.registerLambdaContext(context),
  };
};
