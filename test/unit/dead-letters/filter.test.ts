import { describe, expect, it } from 'vitest';
import { type DeadLetter, toDeadLetter } from '../../../tools/dlq/dead-letter.ts';
import { type DeadLetterFilter, matchesFilter } from '../../../tools/dlq/filter.ts';

const letterFactory = (
  failure: Record<string, unknown> | undefined,
  customerId = 'c-1',
): DeadLetter =>
  toDeadLetter({
    MessageId: 'm',
    ReceiptHandle: 'h',
    Body: JSON.stringify({ customerId }),
    MessageAttributes:
      failure === undefined
        ? {}
        : {
            'provisioning-failure': {
              DataType: 'String',
              StringValue: JSON.stringify({
                code: 'AMBERFLO_UNAVAILABLE',
                message: 'm',
                step: 'createCustomer',
                httpStatus: 503,
                receiveCount: 5,
                failedAt: '2026-03-01T12:00:00.000Z',
                sourceMessageId: 's',
                sourceQueueArn: 'arn',
                workflowId: 'provision-account',
                ...failure,
              }),
            },
          },
  });

const withMetadata = letterFactory({});
const withoutMetadata = letterFactory(undefined);

describe('matchesFilter', () => {
  it.each<[string, DeadLetter, DeadLetterFilter, boolean]>([
    ['empty filter', withMetadata, {}, true],
    ['empty filter, no metadata', withoutMetadata, {}, true],
    ['matching code', withMetadata, { codes: ['AMBERFLO_AUTH', 'AMBERFLO_UNAVAILABLE'] }, true],
    ['other code', withMetadata, { codes: ['AMBERFLO_AUTH'] }, false],
    ['UNKNOWN for no metadata', withoutMetadata, { codes: ['UNKNOWN'] }, true],
    ['UNKNOWN for metadata', withMetadata, { codes: ['UNKNOWN'] }, false],
    ['matching step', withMetadata, { step: 'createCustomer' }, true],
    ['other step', withMetadata, { step: 'assignPlan' }, false],
    ['matching customer', withMetadata, { customerId: 'c-1' }, true],
    ['other customer', withMetadata, { customerId: 'c-2' }, false],
    ['since on the instant', withMetadata, { since: new Date('2026-03-01T12:00:00.000Z') }, true],
    ['since after', withMetadata, { since: new Date('2026-03-01T12:00:00.001Z') }, false],
    ['until on the instant', withMetadata, { until: new Date('2026-03-01T12:00:00.000Z') }, true],
    ['until before', withMetadata, { until: new Date('2026-03-01T11:59:59.999Z') }, false],
    ['time bound without metadata', withoutMetadata, { since: new Date(0) }, false],
  ])('%s', (_, letter, filter, expected) => {
    // Prepare
    // Act
    const matches = matchesFilter(letter, filter);
    // Assess
    expect(matches).toBe(expected);
  });
});
