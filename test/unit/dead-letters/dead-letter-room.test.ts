import { describe, expect, it } from 'vitest';
import { FAILURE_METADATA_MAX_BYTES } from '../../../lib/dead-letters/failure-metadata.ts';
import {
  checkDeadLetterRoom,
  type DeclaredQueue,
  type DeclaredResources,
  readDeclaredResources,
} from '../../../tools/local/serverless-resources.ts';

const queue = (logicalId: string, maximumMessageSize?: number): DeclaredQueue => ({
  logicalId,
  name: logicalId,
  attributes:
    maximumMessageSize === undefined ? {} : { MaximumMessageSize: String(maximumMessageSize) },
});

const resourcesWith = (source: DeclaredQueue, deadLetter: DeclaredQueue): DeclaredResources => ({
  service: 's',
  queues: [source, deadLetter],
  sourceQueue: source,
  deadLetterQueue: deadLetter,
  table: { logicalId: 'T', name: 'table', keyAttribute: 'id' },
  functionTimeoutSeconds: 30,
  batchSize: 10,
  maximumConcurrency: 2,
  maxReceiveCount: 5,
  environment: {},
});

describe('checkDeadLetterRoom', () => {
  it('accepts serverless.yml: the DLQ holds a full-size message plus our metadata', async () => {
    // Act
    const spare = checkDeadLetterRoom(await readDeclaredResources('serverless.yml'));
    // Assess
    expect(spare).toBe(1_048_576 - 262_144 - FAILURE_METADATA_MAX_BYTES);
  });

  it.each([
    ['both at the SQS default', queue('Q'), queue('DLQ')],
    ['equal sizes', queue('Q', 262_144), queue('DLQ', 262_144)],
    [
      'room for less than the metadata',
      queue('Q', 262_144),
      queue('DLQ', 262_144 + FAILURE_METADATA_MAX_BYTES),
    ],
  ])('refuses %s', (_, source, deadLetter) => {
    // Act
    const check = () => checkDeadLetterRoom(resourcesWith(source, deadLetter));
    // Assess
    expect(check).toThrow(
      /MaximumMessageSize must exceed the source queue's by more than 4096 bytes/,
    );
  });
});
