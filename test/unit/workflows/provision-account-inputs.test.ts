import { describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../../../lib/errors.ts';
import {
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
      { existingCustomerId: 'a', existingCommitmentId: 'c0' },
      { customer: 'existing', plan: 'current', commitment: 'existing' },
    ],
  ])('reads what exists and what this run wrote from %o', (outputs, expected) => {
    // Act
    const summary = summariseProvisionAccount('a', outputs);
    // Assess
    expect(summary).toEqual({ customerId: 'a', ...expected });
  });
});
