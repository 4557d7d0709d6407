import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { createPrng } from '../amberflo-emulator/faults.ts';
import type { OutgoingMessage } from './pipeline.ts';

/**
 * Synthetic account-created traffic for the local run, the chaos suite and the benchmarks: deterministic from a
 * seed, with what each message should become, so a run can be checked message by message.
 */

export type Expectation =
  | 'provisioned'
  | 'duplicate'
  | 'INVALID_MESSAGE'
  | 'UNSUPPORTED_EVENT'
  | 'CONFLICTING_DUPLICATE';

export type Signup = OutgoingMessage & {
  readonly customerId?: string;
  readonly expect: Expectation;
};

export type SignupMix = {
  /** Share of messages that repeat an earlier valid one unchanged. */
  readonly duplicates?: number;
  /** Share of messages that repeat an earlier customer with another plan. */
  readonly conflicts?: number;
  /** Share of malformed or unsupported messages. */
  readonly invalid?: number;
  /** Share of valid accounts that also request an arrears commitment. */
  readonly commitments?: number;
};

const PLANS = ['plan-starter', 'plan-pro', 'plan-enterprise'];

const INVALID_BODIES: ReadonlyArray<readonly [string, Expectation]> = [
  ['{"customerId": "broken"', 'INVALID_MESSAGE'],
  ['{"customerName":"No Id","productId":"plan-pro"}', 'INVALID_MESSAGE'],
  [
    '{"customerId":"acct-bad-time","customerName":"Seconds","productId":"plan-pro","startTime":1767225600}',
    'INVALID_MESSAGE',
  ],
  [
    '{"customerId":"acct-\\u0007bell","customerName":"Bell","productId":"plan-pro"}',
    'INVALID_MESSAGE',
  ],
  [
    '{"customerId":"../../admin","customerName":"Traversal","productId":"plan-pro"}',
    'INVALID_MESSAGE',
  ],
  [
    '{"version":"0","detail-type":"AccountDeleted","source":"signup","detail":{"customerId":"acct-x","customerName":"X"}}',
    'UNSUPPORTED_EVENT',
  ],
];

/** `count` synthetic signups; the same seed gives the same messages. */
export const generateSignups = (count: number, seed = 1, mix: SignupMix = {}): Signup[] => {
  const { duplicates = 0.15, conflicts = 0.03, invalid = 0.1, commitments = 0.1 } = mix;
  const random = createPrng(seed);
  const valid: Array<{ customerId: string; body: string; plan: string }> = [];
  const signups: Signup[] = [];
  for (let index = 0; index < count; index++) {
    const roll = random();
    const earlier = valid.length > 0 ? valid[Math.floor(random() * valid.length)] : undefined;
    if (earlier && roll < duplicates) {
      signups.push({ body: earlier.body, customerId: earlier.customerId, expect: 'duplicate' });
      continue;
    }
    if (earlier && roll < duplicates + conflicts) {
      const plan = PLANS.find((candidate) => candidate !== earlier.plan) as string;
      signups.push({
        body: JSON.stringify({
          customerId: earlier.customerId,
          customerName: 'Conflict',
          productId: plan,
        }),
        customerId: earlier.customerId,
        expect: 'CONFLICTING_DUPLICATE',
      });
      continue;
    }
    if (roll < duplicates + conflicts + invalid) {
      const [body, expect] = INVALID_BODIES[index % INVALID_BODIES.length] as readonly [
        string,
        Expectation,
      ];
      signups.push({ body, expect });
      continue;
    }
    const customerId = `acct-${seed}-${String(index).padStart(6, '0')}`;
    const plan = PLANS[Math.floor(random() * PLANS.length)] as string;
    const message = {
      customerId,
      customerName: `Customer ${index}`,
      customerEmail: `billing+${index}@example.com`,
      productId: plan,
      startTime: 1_767_225_600_000 + index * 1000,
      ...(random() < commitments
        ? {
            commitment: {
              label: 'Annual',
              cycles: 12,
              trueup: { minimumPayment: 1000, interval: 'MONTHLY' },
            },
          }
        : {}),
    };
    const body =
      index % 10 === 7
        ? JSON.stringify({
            Type: 'Notification',
            MessageId: `sns-${index}`,
            Message: JSON.stringify(message),
          })
        : JSON.stringify(message);
    valid.push({ customerId, body, plan });
    signups.push({ body, customerId, expect: 'provisioned' });
  }
  return signups;
};

/** The record bodies and attributes of every sample event in `events/`, ready to send again. */
export const readSampleEvents = async (directory = 'events'): Promise<OutgoingMessage[]> => {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.json')).sort();
  const messages: OutgoingMessage[] = [];
  for (const file of files) {
    const event = JSON.parse(await readFile(join(directory, file), 'utf8')) as SQSEvent;
    for (const record of event.Records) {
      const attributes = Object.fromEntries(
        Object.entries(record.messageAttributes ?? {})
          .filter(([, value]) => value.stringValue !== undefined)
          .map(([name, value]) => [
            name,
            { DataType: value.dataType, StringValue: value.stringValue },
          ]),
      );
      messages.push({
        body: record.body,
        ...(Object.keys(attributes).length ? { attributes } : {}),
      });
    }
  }
  return messages;
};
