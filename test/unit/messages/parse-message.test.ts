import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InvalidMessageError, UnsupportedEventError } from '../../../lib/errors.ts';
import { MAX_BODY_BYTES, parseAccountCreatedMessage } from '../../../lib/messages/parse-message.ts';
import { accountCreatedFactory } from '../../helpers/factories.ts';

const fixtureBody = (name: string, index = 0): string => {
  const event = JSON.parse(readFileSync(`events/${name}.json`, 'utf8')) as SQSEvent;
  const record = event.Records[index];
  if (!record) throw new RangeError(`${name} has no record ${index}`);
  return record.body;
};

const thrownBy = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = { inner: value };
  return value;
};

describe('parseAccountCreatedMessage', () => {
  it.each([
    ['a raw message', 'account-created', 'acct-acme-001'],
    ['an SNS notification', 'sns-envelope', 'acct-soylent-007'],
    ['an EventBridge event', 'eventbridge-envelope', 'acct-wonka-008'],
    ['a message with a commitment', 'account-created-with-commitment', 'acct-globex-002'],
  ])('reads %s', (_what, fixture, customerId) => {
    // Act
    const message = parseAccountCreatedMessage(fixtureBody(fixture));
    // Assess
    expect(message.customerId).toBe(customerId);
  });

  it('keeps the fields of the contract and strips unknown ones', () => {
    // Prepare
    const body = accountCreatedFactory({
      customerId: 'acct-1',
      traits: { region: 'eu' },
      eventId: 'evt-1',
      commitment: {
        label: 'Annual',
        cycles: 12,
        trueup: { minimumPayment: 0, interval: 'MONTH' },
        reward: { value: 5, label: 'Launch' },
      },
    });
    // Act
    const message = parseAccountCreatedMessage(JSON.stringify({ ...body, internalNote: 'x' }));
    // Assess
    expect(message).toEqual({
      customerId: 'acct-1',
      customerName: 'Acme Corporation',
      customerEmail: 'billing@acme.example',
      productId: 'plan-pro',
      startTime: 1_767_225_600_000,
      traits: { region: 'eu' },
      eventId: 'evt-1',
      commitment: {
        label: 'Annual',
        cycles: 12,
        trueup: { minimumPayment: 0, interval: 'MONTH' },
        reward: { value: 5, label: 'Launch' },
      },
    });
  });

  it('accepts a message without productId, e-mail or start time', () => {
    // Act
    const message = parseAccountCreatedMessage(
      JSON.stringify({ customerId: 'acct-2', customerName: 'Two', customerEmail: '' }),
    );
    // Assess
    expect(message).toEqual({ customerId: 'acct-2', customerName: 'Two' });
  });

  it.each([
    ['a body that is not JSON', 'not json', 'Body'],
    ['a JSON array', '[1,2]', 'Body'],
    ['a missing customerId', { customerId: undefined }, 'customerId'],
    ['a missing customerName', { customerName: undefined }, 'customerName'],
    ['an empty customerName', { customerName: '   ' }, 'customerName'],
    ['a customerId with a slash', { customerId: 'acct/1' }, 'customerId'],
    ['a customerId with ..', { customerId: 'acct..1' }, 'customerId'],
    ['a customerId with ?', { customerId: 'acct?x=1' }, 'customerId'],
    ['a customerId with #', { customerId: 'acct#1' }, 'customerId'],
    ['a customerId with %', { customerId: 'acct%2F1' }, 'customerId'],
    ['a customerId that is too long', { customerId: 'a'.repeat(129) }, 'customerId'],
    ['a customerName that is too long', { customerName: 'n'.repeat(257) }, 'customerName'],
    ['a control character in a name', { customerName: 'Acme\u0000Corp' }, 'customerName'],
    ['a line separator in a name', { customerName: 'Acme\u2028Corp' }, 'customerName'],
    ['an invalid e-mail', { customerEmail: 'not-an-email' }, 'customerEmail'],
    ['a productId with a space', { productId: 'plan pro' }, 'productId'],
    ['a start time in seconds', { startTime: 1_767_225_600 }, 'startTime'],
    ['a negative start time', { startTime: -1 }, 'startTime'],
    ['a fractional start time', { startTime: 1_767_225_600_000.5 }, 'startTime'],
    ['an unsafe start time', { startTime: 2 ** 53 }, 'startTime'],
    ['a start time as text', { startTime: '1767225600000' }, 'startTime'],
    ['a non-string trait', { traits: { seats: 5 } }, 'traits.seats'],
    ['an empty trait', { traits: { region: '' } }, 'traits.region'],
    [
      'a commitment without cycles',
      { commitment: { label: 'A', trueup: { minimumPayment: 1, interval: 'M' } } },
      'commitment.cycles',
    ],
    [
      'zero commitment cycles',
      { commitment: { label: 'A', cycles: 0, trueup: { minimumPayment: 1, interval: 'M' } } },
      'commitment.cycles',
    ],
    [
      'a negative minimum payment',
      { commitment: { label: 'A', cycles: 1, trueup: { minimumPayment: -1, interval: 'M' } } },
      'commitment.trueup.minimumPayment',
    ],
    [
      'a reward without label',
      {
        commitment: {
          label: 'A',
          cycles: 1,
          trueup: { minimumPayment: 1, interval: 'M' },
          reward: { value: 1 },
        },
      },
      'commitment.reward.label',
    ],
  ])('rejects %s as INVALID_MESSAGE naming the field', (_what, change, field) => {
    // Prepare
    const body =
      typeof change === 'string' ? change : JSON.stringify(accountCreatedFactory(change));
    // Act
    const error = thrownBy(() => parseAccountCreatedMessage(body));
    // Assess
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as InvalidMessageError).code).toBe('INVALID_MESSAGE');
    expect(
      (error as InvalidMessageError).details.issues?.some((issue) => issue.startsWith(field)),
    ).toBe(true);
  });

  it('does not echo the rejected values', () => {
    // Act
    const error = thrownBy(() =>
      parseAccountCreatedMessage(
        JSON.stringify(accountCreatedFactory({ customerEmail: 'jane.doe@' })),
      ),
    );
    // Assess
    expect(JSON.stringify((error as InvalidMessageError).toJSON())).not.toContain('jane.doe');
  });

  it('rejects a body larger than the limit', () => {
    // Prepare
    const body = JSON.stringify(
      accountCreatedFactory({ customerName: 'x'.repeat(MAX_BODY_BYTES) }),
    );
    // Act
    const error = thrownBy(() => parseAccountCreatedMessage(body));
    // Assess
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as InvalidMessageError).message).toContain('larger than');
  });

  it('rejects nesting deeper than the limit', () => {
    // Prepare
    const body = JSON.stringify(accountCreatedFactory({ eventId: 'e', traits: nested(20) }));
    // Act
    const error = thrownBy(() => parseAccountCreatedMessage(body));
    // Assess
    expect((error as InvalidMessageError).message).toContain('nested deeper');
  });

  it.each([
    ['another event type', { type: 'AccountDeleted', customerId: 'a', customerName: 'A' }],
    ['another eventType', { eventType: 'account.updated', customerId: 'a', customerName: 'A' }],
    [
      'an SNS subscription confirmation',
      { Type: 'SubscriptionConfirmation', TopicArn: 'arn', Message: 'x' },
    ],
    ['another EventBridge detail-type', { 'detail-type': 'AccountClosed', detail: {} }],
  ])('rejects %s as UNSUPPORTED_EVENT', (_what, body) => {
    // Act
    const error = thrownBy(() => parseAccountCreatedMessage(JSON.stringify(body)));
    // Assess
    expect(error).toBeInstanceOf(UnsupportedEventError);
    expect((error as UnsupportedEventError).code).toBe('UNSUPPORTED_EVENT');
  });

  it.each([['AccountCreated'], ['account.created'], ['ACCOUNT_CREATED']])(
    'accepts the event name %s',
    (name) => {
      // Prepare
      const body = { 'detail-type': name, detail: accountCreatedFactory({ customerId: 'acct-9' }) };
      // Act
      const message = parseAccountCreatedMessage(JSON.stringify(body));
      // Assess
      expect(message.customerId).toBe('acct-9');
    },
  );

  it('rejects an SNS notification whose Message is not JSON', () => {
    // Act
    const error = thrownBy(() =>
      parseAccountCreatedMessage(JSON.stringify({ Type: 'Notification', Message: 'nope' })),
    );
    // Assess
    expect(error).toBeInstanceOf(InvalidMessageError);
  });
});
