import { COMPILED_FORMAT, type CompiledDocument } from '../arazzo/compiled-document.ts';
import { InvalidMessageError, WorkflowDocumentError } from '../errors.ts';
import compiledDocument from './provision-account.compiled.json' with { type: 'json' };

/** The workflow id inside `provision-account.arazzo.yaml`; also part of the idempotency key and DLQ metadata. */
export const PROVISION_ACCOUNT_WORKFLOW_ID = 'provision-account';

/**
 * The compiled provision-account document (built by `npm run workflows:build` from the YAML beside it; a test
 * fails when it is stale). JSON only: the Lambda bundle carries no YAML parser and no schema compiler.
 * Throws WorkflowDocumentError when the file is not a compiled document of the expected format.
 */
export const loadProvisionAccountWorkflow = (): CompiledDocument => {
  const document = compiledDocument as unknown as CompiledDocument;
  if (
    document.format !== COMPILED_FORMAT ||
    !document.workflows.some((workflow) => workflow.workflowId === PROVISION_ACCOUNT_WORKFLOW_ID)
  ) {
    throw new WorkflowDocumentError(
      'provision-account.compiled.json is not a compiled provision-account document',
    );
  }
  return document;
};

/** What the mapping needs from an account-created message (structural, so the message module stays independent). */
export type ProvisionAccountMessage = {
  readonly customerId: string;
  readonly customerName: string;
  readonly customerEmail?: string | undefined;
  /** The pricing plan to assign (the seed's name for Amberflo's `productPlanId`). */
  readonly productId?: string | undefined;
  /** Plan start, Unix milliseconds. */
  readonly startTime?: number | undefined;
  readonly traits?: Readonly<Record<string, string>> | undefined;
  readonly commitment?:
    | {
        readonly planId?: string | undefined;
        readonly label: string;
        readonly cycles: number;
        readonly trueup: { readonly minimumPayment: number; readonly interval: string };
        readonly reward?: { readonly value: number; readonly label: string } | undefined;
      }
    | undefined;
};

/** The workflow's inputs, as its `provisionAccountInputs` schema declares them. Absent optionals are left out. */
export type ProvisionAccountInputs = {
  customerId: string;
  customerName: string;
  customerEmail?: string;
  productId: string;
  startTime?: number;
  startTimeInSeconds?: number;
  amberfloProductId: string;
  replaceablePlanIds?: string[];
  traits?: Record<string, string>;
  commitment?: {
    planId: string;
    label: string;
    cycles: number;
    trueup: { minimumPayment: number; interval: string };
    reward?: { value: number; label: string };
  };
};

export type ProvisionAccountSettings = {
  /** Amberflo's product (not the plan); `AMBERFLO_PRODUCT_ID`, default "1". */
  readonly amberfloProductId: string;
  /** Plan used when a message names none; `DEFAULT_PRODUCT_PLAN_ID`. */
  readonly defaultProductPlanId?: string | undefined;
  /** Plans nobody chose (the account's Default Plan) that the workflow may replace; `REPLACEABLE_PLAN_IDS`. */
  readonly replaceablePlanIds?: readonly string[] | undefined;
};

/**
 * The typed input-mapping step (docs/amberflo-api.md §12): the message's `productId` is the plan to assign,
 * `startTime` (ms) becomes `startTimeInSeconds`, the Amberflo product comes from configuration, and a commitment
 * without its own plan commits to the assigned one. Empty e-mail and traits are omitted, never sent as "" or null.
 * Throws InvalidMessageError when no plan can be determined.
 */
export const toProvisionAccountInputs = (
  message: ProvisionAccountMessage,
  settings: ProvisionAccountSettings,
): ProvisionAccountInputs => {
  const productId = message.productId ?? settings.defaultProductPlanId;
  if (productId === undefined || productId === '') {
    throw new InvalidMessageError(
      'No pricing plan: productId is missing and no default plan is configured',
      {
        issues: ['productId: required unless DEFAULT_PRODUCT_PLAN_ID is configured'],
      },
    );
  }
  const inputs: ProvisionAccountInputs = {
    customerId: message.customerId,
    customerName: message.customerName,
    productId,
    amberfloProductId: settings.amberfloProductId,
  };
  if (settings.replaceablePlanIds && settings.replaceablePlanIds.length > 0) {
    inputs.replaceablePlanIds = [...settings.replaceablePlanIds];
  }
  if (message.customerEmail) inputs.customerEmail = message.customerEmail;
  if (message.startTime !== undefined) {
    inputs.startTime = message.startTime;
    inputs.startTimeInSeconds = Math.floor(message.startTime / 1000);
  }
  if (message.traits && Object.keys(message.traits).length > 0)
    inputs.traits = { ...message.traits };
  if (message.commitment) {
    const { planId, label, cycles, trueup, reward } = message.commitment;
    inputs.commitment = {
      planId: planId ?? productId,
      label,
      cycles,
      trueup: { minimumPayment: trueup.minimumPayment, interval: trueup.interval },
      ...(reward ? { reward: { value: reward.value, label: reward.label } } : {}),
    };
  }
  return inputs;
};

/** What exists after a successful run, and which parts this run wrote. */
export type ProvisionAccountSummary = {
  readonly customerId: string;
  readonly customer: 'created' | 'existing';
  /** `replaced`: a replaceable plan (REPLACEABLE_PLAN_IDS) was changed to the requested one. */
  readonly plan: 'assigned' | 'replaced' | 'current';
  readonly commitment: 'created' | 'existing' | 'none';
  readonly planRelationId?: string;
  readonly commitmentId?: string;
};

/** A run's result as far as this module reads it (the interpreter's `RunResult`, structurally). */
export type ProvisionRunView = {
  readonly status: string;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly failure?: StepFailureView | undefined;
  readonly endAction?: { readonly stepId: string; readonly name: string } | undefined;
  readonly handledFailures?: readonly StepFailureView[] | undefined;
};

/** One classified step failure, as the interpreter reports it. */
export type StepFailureView = {
  readonly stepId?: string | undefined;
  readonly statusCode?: number | null | undefined;
  readonly reason?: string | undefined;
  readonly code?: string | undefined;
  readonly message?: string | undefined;
  readonly retryAfterMs?: number | undefined;
};

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

const endedAt = (result: ProvisionRunView, stepId: string, name: string): boolean =>
  result.status === 'ended' &&
  result.endAction?.stepId === stepId &&
  result.endAction.name === name;

/** Re-check steps, and the refused write each one confirms. */
const RECHECKED_WRITES: Readonly<Record<string, string>> = {
  recheckCustomer: 'createCustomer',
  recheckCommitments: 'createCommitment',
};

const COMMITMENT_LIST_STEPS: ReadonlySet<string> = new Set([
  'readCommitments',
  'recheckCommitments',
]);
const LIST_CAP_RE = /must have at most (\d+) items/;

/**
 * The commitment list is read whole and capped by its response schema (docs/amberflo-api.md §4.3). Past the cap the
 * whole account is affected, not this message: every signup with a commitment fails (retryably) until the list is
 * paginated or the cap raised, so the reason says so instead of "a body that is not the documented JSON".
 */
const listCapFailure = (failure: StepFailureView): StepFailureView => {
  const cap = failure.message === undefined ? undefined : LIST_CAP_RE.exec(failure.message)?.[1];
  if (cap === undefined || !COMMITMENT_LIST_STEPS.has(failure.stepId ?? '')) return failure;
  return {
    ...failure,
    message: `The account's commitment list has more than ${cap} commitments, the most this function reads; this customer's commitment cannot be looked for, so nothing was written. Every signup with a commitment fails this way until the list is paginated or the cap (maxItems in lib/workflows/amberflo.openapi.yaml) is raised`,
  };
};

/**
 * The failure to report for a failed run. A refused create routes to its re-check (`recheckCustomer`,
 * `recheckCommitments`); when the re-check answers but finds nothing, the truth is the create's refusal (its status,
 * Amberflo's errorMessage, its step), not the re-check's empty answer.
 */
export const reportedFailure = (result: ProvisionRunView): StepFailureView => {
  const failure = listCapFailure(result.failure ?? {});
  const refusedStep =
    failure.stepId !== undefined && Object.hasOwn(RECHECKED_WRITES, failure.stepId)
      ? RECHECKED_WRITES[failure.stepId]
      : undefined;
  if (refusedStep !== undefined && failure.reason === 'criteria' && failure.statusCode === 200) {
    const refusal = result.handledFailures?.findLast((item) => item.stepId === refusedStep);
    if (refusal !== undefined) return refusal;
  }
  return failure;
};

/** The two plans of a PLAN_CONFLICT: the run ended at `readPlan/planConflict` and wrote nothing. */
export const planConflictOf = (
  inputs: ProvisionAccountInputs,
  result: ProvisionRunView,
): { readonly currentPlanId: string; readonly requestedPlanId: string } | undefined => {
  if (!endedAt(result, 'readPlan', 'planConflict')) return undefined;
  return {
    currentPlanId: asText(result.outputs['previousPlanId']) ?? '(unknown)',
    requestedPlanId: inputs.productId,
  };
};

/**
 * Whether the run ended at `readPlan/planNotVisible`: "no plan" where a plan must exist (a customer created in this
 * run, or an account with a Default Plan). Reads lag; the caller fails retryably and writes nothing.
 */
export const planNotVisibleOf = (result: ProvisionRunView): boolean =>
  endedAt(result, 'readPlan', 'planNotVisible');

/**
 * Reads a successful run into a summary. A write whose response was lost (5xx after the write happened) and that a
 * later delivery found in place is reported as already present: this run's request is not known to have made it.
 */
export const summariseProvisionAccount = (
  customerId: string,
  result: ProvisionRunView,
): ProvisionAccountSummary => {
  const { outputs } = result;
  const assignedRelationId = asText(outputs['planRelationId']);
  const replacedRelationId = asText(outputs['replacedPlanRelationId']);
  const planRelationId = assignedRelationId ?? replacedRelationId;
  const commitmentId = asText(outputs['commitmentId']);
  const commitmentExists =
    endedAt(result, 'readCommitments', 'commitmentExists') ||
    endedAt(result, 'recheckCommitments', 'commitmentExists');
  return {
    customerId,
    customer: asText(outputs['createdCustomerId']) ? 'created' : 'existing',
    plan: assignedRelationId ? 'assigned' : replacedRelationId ? 'replaced' : 'current',
    commitment: commitmentId ? 'created' : commitmentExists ? 'existing' : 'none',
    ...(planRelationId ? { planRelationId } : {}),
    ...(commitmentId ? { commitmentId } : {}),
  };
};
