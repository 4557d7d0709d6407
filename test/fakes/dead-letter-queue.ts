import type { SQSRecord } from 'aws-lambda';
import type { DeadLetterQueue } from '../../lib/dead-letters/dead-letter-queue.ts';
import { type AppError, DependencyUnavailableError } from '../../lib/errors.ts';

export type RecordedDeadLetter = { record: SQSRecord; error: AppError; failedAt: Date };

/** An in-memory DeadLetterQueue that records what it was given and can be told to fail. */
export const createFakeDeadLetterQueue = (): DeadLetterQueue & {
  sent: RecordedDeadLetter[];
  failNext: (count?: number) => void;
} => {
  const sent: RecordedDeadLetter[] = [];
  let failures = 0;
  return {
    sent,
    failNext(count = 1) {
      failures = count;
    },
    async send(record, error, failedAt) {
      if (failures > 0) {
        failures -= 1;
        throw new DependencyUnavailableError('Fake dead-letter queue refused the send');
      }
      sent.push({ record, error, failedAt });
    },
  };
};
