import type { CompiledDocument } from '../arazzo/compiled-document.ts';
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
    document.format !== 'arazzo-compiled/1' ||
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
};

/**
 * The typed input-mapping step (amberflo-api.md §7): the message's `productId` is the plan to assign,
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
  readonly plan: 'assigned' | 'current';
  readonly commitment: 'created' | 'existing' | 'none';
  readonly planRelationId?: string;
  readonly commitmentId?: string;
};

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/**
 * Reads the workflow's outputs into a summary. A write whose response was lost (5xx after the write happened) is
 * reported as already present: the re-read found it, and this run's own request is not known to have made it.
 */
export const summariseProvisionAccount = (
  customerId: string,
  outputs: Readonly<Record<string, unknown>>,
): ProvisionAccountSummary => {
  const planRelationId = asText(outputs['planRelationId']);
  const commitmentId = asText(outputs['commitmentId']);
  const existingCommitmentId = asText(outputs['existingCommitmentId']);
  return {
    customerId,
    customer: asText(outputs['createdCustomerId']) ? 'created' : 'existing',
    plan: planRelationId ? 'assigned' : 'current',
    commitment: commitmentId ? 'created' : existingCommitmentId ? 'existing' : 'none',
    ...(planRelationId ? { planRelationId } : {}),
    ...(commitmentId ? { commitmentId } : {}),
  };
};
