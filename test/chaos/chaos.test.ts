import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_DEADLINE_MARGIN_MS } from '../../lib/config.ts';
import type { EmulatorState } from '../../tools/amberflo-emulator/api.ts';
import { createPrng } from '../../tools/amberflo-emulator/faults.ts';
import {
  type DeadLetter,
  type LocalPipeline,
  readDeadLetters,
  sendToSourceQueue,
  startLocalPipeline,
  waitForDrain,
} from '../../tools/local/pipeline.ts';
import { generateSignups, type Signup } from '../../tools/local/signups.ts';
import { type LocalStack, startLocalStack } from '../../tools/local/stack.ts';

const SIGNUPS = Number(process.env['CHAOS_SIGNUPS'] ?? 80);
const FAULT_RATE = Number(process.env['CHAOS_FAULT_RATE'] ?? 0.15);
const CRASH_RATE = Number(process.env['CHAOS_CRASH_RATE'] ?? 0.05);
const SEED = Number(process.env['CHAOS_SEED'] ?? 7);
const PLAN_PATH = '/payments/pricing/amberflo/customer-pricing/product-plan-cancellation';
const DEFAULT_PLAN = 'default-plan';
/** A valid signup ends acknowledged, or dead-lettered with one of these retryable codes after its last receive. */
const ALLOWED_CODES_FOR_A_VALID_SIGNUP = [
  'AMBERFLO_UNAVAILABLE',
  'DUPLICATE_IN_PROGRESS',
  'DEPENDENCY_UNAVAILABLE',
  'UNEXPECTED',
];
/**
 * Where one customer arrives twice with different plans, whichever message completes first wins (SQS keeps no order,
 * and a message that met the other's run in progress is retried, not refused): the other may end as its conflict,
 * against the completed provisioning or against the plan the winner left.
 */
const ALLOWED_CODES_FOR_A_CONFLICT = [
  ...ALLOWED_CODES_FOR_A_VALID_SIGNUP,
  'CONFLICTING_DUPLICATE',
  'PLAN_CONFLICT',
];
const COMMITMENT_PATH =
  '/payments/pricing/amberflo/customer-commitment/arrears_commitment_with_trueup';

/** A fetch that, after some successful writes, dies before the next step: a Lambda killed between steps. */
const createCrashingFetch = (rate: number, seed: number) => {
  const random = createPrng(seed);
  let crashes = 0;
  const crashingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
    if (method === 'POST' && response.status === 200 && random() < rate) {
      crashes += 1;
      throw new TypeError('simulated crash between steps');
    }
    return response;
  };
  return { fetch: crashingFetch, crashes: () => crashes };
};

describe(`chaos: ${SIGNUPS} signups, ${FAULT_RATE} fault rate, ${CRASH_RATE} crash rate`, () => {
  let stack: LocalStack;
  let pipeline: LocalPipeline;
  let signups: Signup[];
  let sentIds: string[];
  let acknowledged: Set<string>;
  let deadLetters: DeadLetter[];
  let drained: boolean;
  let crashes: () => number;
  const delivered = new Set<string>();
  let redeliveries = 0;

  beforeAll(async () => {
    // Prepare
    stack = await startLocalStack({
      visibilityTimeoutSeconds: 4,
      env: {
        DEADLINE_MARGIN_MS: String(MIN_DEADLINE_MARGIN_MS),
        AMBERFLO_HTTP_TIMEOUT_MS: '400',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        // Unpaced: the chaos is faults and crashes; the request budget has its own suite (test/integration/limits).
        AMBERFLO_MAX_REQUESTS_PER_SECOND: '10000',
      },
      emulator: {
        seed: SEED,
        defaultPlanId: DEFAULT_PLAN,
        // Reads lag writes by less than the visibility timeout (2 s), as the design assumes (README).
        staleReadMs: 300,
        requestLogLimit: 1_000_000,
        faults: {
          global: {
            error500: FAULT_RATE * 0.2,
            error503: FAULT_RATE * 0.2,
            error429: FAULT_RATE * 0.15,
            hang: FAULT_RATE * 0.05,
            drop: FAULT_RATE * 0.1,
            malformedJson: FAULT_RATE * 0.1,
            html200: FAULT_RATE * 0.1,
            empty200: FAULT_RATE * 0.1,
            // Half the faults drawn for a write happen after it took effect: uncertain writes.
            afterWrite: 0.5,
          },
          retryAfterSeconds: 0,
          hangMaxMs: 1_000,
          scripted: [
            { route: `POST ${PLAN_PATH}`, kind: 'error-503', phase: 'after', times: 3 },
            { route: 'POST /customers', kind: 'error-500', phase: 'after', times: 3 },
            { route: `POST ${COMMITMENT_PATH}`, kind: 'error-503', phase: 'after', times: 1 },
            { route: `POST ${PLAN_PATH}`, kind: 'html-200', phase: 'after', times: 2 },
            { route: `POST ${COMMITMENT_PATH}`, kind: 'empty-200', phase: 'after', times: 1 },
            { route: 'GET /customers', kind: 'malformed-json', times: 2 },
          ],
        },
      },
    });
    const crashing = createCrashingFetch(CRASH_RATE, SEED);
    crashes = crashing.crashes;
    acknowledged = new Set();
    pipeline = startLocalPipeline(stack, {
      concurrency: 2,
      functionTimeoutMs: 1_500 + MIN_DEADLINE_MARGIN_MS,
      overrides: { fetch: crashing.fetch },
      onInvoke: (outcome) => {
        const failed = new Set(outcome.failedIds);
        for (const id of outcome.messageIds) {
          if (delivered.has(id)) redeliveries += 1;
          delivered.add(id);
          if (!failed.has(id)) acknowledged.add(id);
        }
      },
    });
    signups = generateSignups(SIGNUPS, SEED, {
      duplicates: 0.2,
      conflicts: 0.03,
      invalid: 0.1,
      commitments: 0.2,
    });
    // Act
    sentIds = await sendToSourceQueue(stack, signups);
    drained = await waitForDrain(stack, { timeoutMs: 150_000 });
    await pipeline.stop();
    deadLetters = await readDeadLetters(stack);
  }, 200_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('drains the queue', () => {
    // Assess
    expect(drained).toBe(true);
  });

  it('accounts for every message: acknowledged after processing, or in the DLQ', () => {
    // Prepare
    const deadLettered = new Set(deadLetters.map((letter) => letter.sourceMessageId));
    // Act
    const lost = sentIds.filter((id) => !acknowledged.has(id) && !deadLettered.has(id));
    // Assess
    expect(lost).toEqual([]);
  });

  it('dead-letters every invalid message with its code and never retries it', () => {
    // Prepare
    const bySource = new Map(deadLetters.map((letter) => [letter.sourceMessageId, letter]));
    const invalid = signups
      .map((signup, index) => ({ signup, id: sentIds[index] as string }))
      .filter(
        ({ signup }) =>
          signup.expect === 'INVALID_MESSAGE' || signup.expect === 'UNSUPPORTED_EVENT',
      );
    // Assess
    expect(invalid.length).toBeGreaterThan(0);
    for (const { signup, id } of invalid) {
      expect(bySource.get(id)).toMatchObject({
        code: signup.expect,
        receiveCount: 1,
        body: signup.body,
      });
    }
  });

  it('provisions every valid account exactly once, or dead-letters it with a code', () => {
    // Prepare
    const state = stack.emulator?.state();
    const deadLetteredCustomers = new Set(
      deadLetters
        .filter((letter) => letter.code !== 'CONFLICTING_DUPLICATE')
        .map((letter) => letter.body),
    );
    const firstBody = new Map<string, string>();
    for (const signup of signups) {
      if (signup.expect === 'provisioned' && signup.customerId)
        firstBody.set(signup.customerId, signup.body);
    }
    const contested = new Set(
      signups
        .filter((signup) => signup.expect === 'CONFLICTING_DUPLICATE')
        .map((s) => s.customerId),
    );
    // Act
    const problems: string[] = [];
    for (const [customerId, body] of firstBody) {
      if (contested.has(customerId)) {
        problems.push(...atMostOnce(state, customerId));
        continue;
      }
      if (deadLetteredCustomers.has(body)) continue;
      const customers =
        state?.customers.filter((customer) => customer.customerId === customerId) ?? [];
      const plans = (state?.relations[customerId] ?? []).filter(
        (relation) => relation.productPlanId !== DEFAULT_PLAN,
      );
      const commitments =
        state?.commitments.filter((c) => c.contract.customerId === customerId) ?? [];
      const wantsCommitment = body.includes('commitment');
      if (customers.length !== 1) problems.push(`${customerId}: ${customers.length} customers`);
      if (plans.length !== 1) problems.push(`${customerId}: ${plans.length} plan assignments`);
      if (commitments.length !== (wantsCommitment ? 1 : 0)) {
        problems.push(`${customerId}: ${commitments.length} commitments`);
      }
    }
    // Assess
    expect(problems).toEqual([]);
  });

  it('never duplicates a write to Amberflo', () => {
    // Prepare
    const log = stack.emulator?.requestLog() ?? [];
    const successfulWrites = new Map<string, number>();
    for (const entry of log) {
      // What Amberflo did, not what the client was told: a 200 fault before the handler wrote nothing, a 503
      // after it hides a write.
      if (entry.method !== 'POST' || entry.handledStatus !== 200) continue;
      const customerId = (entry.body as { customerId?: string } | undefined)?.customerId;
      const key = `${entry.path} ${customerId}`;
      successfulWrites.set(key, (successfulWrites.get(key) ?? 0) + 1);
    }
    // Act
    const duplicated = [...successfulWrites].filter(([, count]) => count > 1);
    // Assess
    expect(successfulWrites.size).toBeGreaterThan(0);
    expect(duplicated).toEqual([]);
    expect(deadLetters.filter((letter) => letter.code === 'AMBERFLO_REJECTED')).toEqual([]);
  });

  it('ends every valid signup acknowledged or with an allowed code, and never replaces a plan it did not set', () => {
    // Prepare
    const bySource = new Map(deadLetters.map((letter) => [letter.sourceMessageId, letter]));
    const state = stack.emulator?.state();
    const contested = new Set(
      signups
        .filter((signup) => signup.expect === 'CONFLICTING_DUPLICATE')
        .map((s) => s.customerId),
    );
    // Act
    const unexpected = signups.flatMap((signup, index) => {
      const letter = bySource.get(sentIds[index] as string);
      if (letter === undefined) return [];
      const allowed =
        signup.expect === 'CONFLICTING_DUPLICATE' || contested.has(signup.customerId)
          ? ALLOWED_CODES_FOR_A_CONFLICT
          : signup.expect === 'provisioned' || signup.expect === 'duplicate'
            ? ALLOWED_CODES_FOR_A_VALID_SIGNUP
            : [signup.expect];
      return allowed.includes(letter.code) ? [] : [`${signup.customerId}: ${letter.code}`];
    });
    const replacedTwice = Object.entries(state?.relations ?? {}).filter(
      ([, relations]) => relations.filter((r) => r.productPlanId !== DEFAULT_PLAN).length > 1,
    );
    // Assess
    expect(unexpected).toEqual([]);
    expect(replacedTwice).toEqual([]);
  });

  it('exercised the failure paths it claims to test', () => {
    // Assess
    const faults = (stack.emulator?.requestLog() ?? []).filter(
      (entry) => entry.fault !== undefined,
    );
    expect(faults.length).toBeGreaterThan(0);
    const kinds = new Set(faults.map((entry) => entry.fault));
    for (const kind of ['html-200', 'empty-200', 'malformed-json', 'error-503']) {
      expect(kinds).toContain(kind);
    }
    // Retryable failures really went back to SQS and came again.
    expect(redeliveries).toBeGreaterThan(0);
    expect(signups.some((signup) => signup.expect === 'duplicate')).toBe(true);
    expect(CRASH_RATE === 0 || crashes() > 0).toBe(true);
    process.stdout.write(
      `chaos figures: signups=${signups.length} acknowledged=${acknowledged.size} deadLettered=${deadLetters.length}` +
        ` byCode=${JSON.stringify(countBy(deadLetters.map((letter) => letter.code)))}` +
        ` faults=${faults.length} crashes=${crashes()} redeliveries=${redeliveries} invocations=${pipeline.invocations()}` +
        ` amberfloCalls=${stack.emulator?.requestLog().length}\n`,
    );
  });
});

/** Problems of a contested customer: whichever message won, one customer, at most one plan and one commitment. */
const atMostOnce = (state: EmulatorState | undefined, customerId: string): string[] => {
  const customers = state?.customers.filter((c) => c.customerId === customerId) ?? [];
  const plans = (state?.relations[customerId] ?? []).filter(
    (r) => r.productPlanId !== DEFAULT_PLAN,
  );
  const commitments = state?.commitments.filter((c) => c.contract.customerId === customerId) ?? [];
  return [
    ...(customers.length === 1 ? [] : [`${customerId}: ${customers.length} customers`]),
    ...(plans.length <= 1 ? [] : [`${customerId}: ${plans.length} plan assignments`]),
    ...(commitments.length <= 1 ? [] : [`${customerId}: ${commitments.length} commitments`]),
  ];
};

const countBy = (values: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};
