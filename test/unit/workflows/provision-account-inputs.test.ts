import { describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../../../lib/errors.ts';
import {
  planConflictOf,
  reportedFailure,
  summariseProvisionAccount,
  toProvisionAccountInputs,
} from '../../../lib/workflows/provision-account.ts';

const settings = { amberfloProductId: '1' };

describe('toProvisionAccountInputs', () => {
  it('maps the plan, the product and milliseconds to seconds', () => {
    // Act
    const inputs = toProvisionAccountInputs(
      {
        customerId: 'acct-1',
        customerName: 'Acme',
        productId: 'plan-a',
        startTime: 1_767_225_600_999,
      },
      settings,
    );
    // Assess
    expect(inputs).toEqual({
      customerId: 'acct-1',
      customerName: 'Acme',
      productId: 'plan-a',
      amberfloProductId: '1',
      startTime: 1_767_225_600_999,
      startTimeInSeconds: 1_767_225_600,
    });
  });

  it('omits an empty e-mail and empty traits instead of sending them', () => {
    // Act
    const inputs = toProvisionAccountInputs(
      { customerId: 'a', customerName: 'A', productId: 'p', customerEmail: '', traits: {} },
      settings,
    );
    // Assess
    expect(Object.keys(inputs).sort()).toEqual([
      'amberfloProductId',
      'customerId',
      'customerName',
      'productId',
    ]);
  });

  it('uses the configured default plan when the message names none', () => {
    // Act
    const inputs = toProvisionAccountInputs(
      { customerId: 'a', customerName: 'A' },
      { amberfloProductId: '7', defaultProductPlanId: 'starter' },
    );
    // Assess
    expect(inputs.productId).toBe('starter');
    expect(inputs.amberfloProductId).toBe('7');
  });

  it('rejects a message without a plan when no default is configured', () => {
    // Act
    const act = () => toProvisionAccountInputs({ customerId: 'a', customerName: 'A' }, settings);
    // Assess
    expect(act).toThrow(InvalidMessageError);
  });

  it('commits to the assigned plan when the commitment names no plan', () => {
    // Act
    const inputs = toProvisionAccountInputs(
      {
        customerId: 'a',
        customerName: 'A',
        productId: 'plan-a',
        commitment: {
          label: 'Annual',
          cycles: 12,
          trueup: { minimumPayment: 1000, interval: 'MONTHLY' },
        },
      },
      settings,
    );
    // Assess
    expect(inputs.commitment).toEqual({
      planId: 'plan-a',
      label: 'Annual',
      cycles: 12,
      trueup: { minimumPayment: 1000, interval: 'MONTHLY' },
    });
  });
});

describe('summariseProvisionAccount', () => {
  it.each([
    [
      { createdCustomerId: 'a', planRelationId: 'r1', commitmentId: 'c1' },
      {
        customer: 'created',
        plan: 'assigned',
        commitment: 'created',
        planRelationId: 'r1',
        commitmentId: 'c1',
      },
    ],
    [
      { existingCustomerId: 'a', previousPlanId: 'p' },
      { customer: 'existing', plan: 'current', commitment: 'none' },
    ],
    [
      { existingCustomerId: 'a', replacedPlanRelationId: 'r2' },
      { customer: 'existing', plan: 'replaced', commitment: 'none', planRelationId: 'r2' },
    ],
  ])('reads what exists and what this run wrote from %o', (outputs, expected) => {
    // Act
    const summary = summariseProvisionAccount('a', { status: 'completed', outputs });
    // Assess
    expect(summary).toEqual({ customerId: 'a', ...expected });
  });

  it('reads an existing commitment from the end action that found it', () => {
    // Act
    const summary = summariseProvisionAccount('a', {
      status: 'ended',
      outputs: { existingCustomerId: 'a' },
      endAction: { stepId: 'readCommitments', name: 'commitmentExists' },
    });
    // Assess
    expect(summary).toEqual({
      customerId: 'a',
      customer: 'existing',
      plan: 'current',
      commitment: 'existing',
    });
  });
});

describe('planConflictOf and reportedFailure', () => {
  const inputs = {
    customerId: 'a',
    customerName: 'A',
    productId: 'plan-pro',
    amberfloProductId: '1',
  };

  it('names both plans when the run ended at readPlan/planConflict', () => {
    // Act
    const conflict = planConflictOf(inputs, {
      status: 'ended',
      outputs: { previousPlanId: 'plan-sales' },
      endAction: { stepId: 'readPlan', name: 'planConflict' },
    });
    // Assess
    expect(conflict).toEqual({ currentPlanId: 'plan-sales', requestedPlanId: 'plan-pro' });
  });

  it('sees no conflict in any other end', () => {
    // Act
    const conflict = planConflictOf(inputs, {
      status: 'ended',
      outputs: { previousPlanId: 'plan-pro' },
      endAction: { stepId: 'readPlan', name: 'planCurrentNoCommitment' },
    });
    // Assess
    expect(conflict).toBeUndefined();
  });

  it("reports a refused create's own failure when the re-check still finds nothing", () => {
    // Prepare
    const refusal = {
      stepId: 'createCustomer',
      statusCode: 400,
      reason: 'criteria',
      code: 'AMBERFLO_REJECTED',
      message: 'Amberflo rejected the request: HTTP 400: customerEmail domain is blocked',
    };
    // Act
    const failure = reportedFailure({
      status: 'failed',
      outputs: {},
      failure: { stepId: 'recheckCustomer', statusCode: 200, reason: 'criteria' },
      handledFailures: [refusal],
    });
    // Assess
    expect(failure).toEqual(refusal);
  });

  it("keeps the re-check's own failure when it could not read", () => {
    // Prepare
    const own = { stepId: 'recheckCustomer', statusCode: 503, reason: 'criteria' };
    // Act
    const failure = reportedFailure({
      status: 'failed',
      outputs: {},
      failure: own,
      handledFailures: [{ stepId: 'createCustomer', statusCode: 400, reason: 'criteria' }],
    });
    // Assess
    expect(failure).toEqual(own);
  });
});
