import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../lib/errors.ts';
import { parseAccountCreatedMessage } from '../../../lib/messages/parse-message.ts';
import { toProvisionAccountInputs } from '../../../lib/workflows/provision-account.ts';
import { BAD_INPUTS, DELIVERABLE_BAD_INPUTS, reasonPattern } from '../../helpers/bad-inputs.ts';

/** What the handler does before any I/O: parse the body, then map it to workflow inputs (no default plan). */
const readAsHandlerDoes = (body: string) =>
  toProvisionAccountInputs(parseAccountCreatedMessage(body), { amberfloProductId: '1' });

const thrownBy = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('the bad-input corpus', () => {
  it('holds at least 60 bodies SQS can deliver, each with a distinct name', () => {
    // Prepare
    const names = new Set(BAD_INPUTS.map((entry) => entry.name));
    // Assess
    expect(DELIVERABLE_BAD_INPUTS.length).toBeGreaterThanOrEqual(60);
    expect(names.size).toBe(BAD_INPUTS.length);
  });

  it.each(BAD_INPUTS.map((entry) => [entry.name, entry] as const))(
    'rejects %s before any I/O with its code and reason',
    (_name, entry) => {
      // Act
      const error = thrownBy(() => readAsHandlerDoes(entry.body));
      // Assess
      expect(isAppError(error)).toBe(true);
      expect({
        code: (error as { code?: string }).code,
        message: (error as Error).message,
      }).toEqual({
        code: entry.code,
        message: expect.stringMatching(reasonPattern(entry.reason)),
      });
    },
  );

  it('reads a valid message whose id carries @, : and =, which are inert once URL-encoded', () => {
    // Act
    const inputs = readAsHandlerDoes(
      JSON.stringify({
        customerId: 'ops@acme.example:eu=1',
        customerName: 'Acme',
        productId: 'plan-pro',
      }),
    );
    // Assess
    expect(inputs.customerId).toBe('ops@acme.example:eu=1');
  });
});
