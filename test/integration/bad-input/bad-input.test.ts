import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import { createDependencies, type Dependencies } from '../../../lib/dependencies.ts';
import { createBatchHandler } from '../../../lib/provisioning/handle-batch.ts';
import { METRICS } from '../../../lib/provisioning/process-record.ts';
import {
  type AmberfloEmulator,
  type RequestLogEntry,
  startAmberfloEmulator,
} from '../../../tools/amberflo-emulator/server.ts';
import { toSqsRecord } from '../../../tools/local/event-source-mapping.ts';
import {
  CountingMetrics,
  type DeadLetter,
  readDeadLetters,
  sendToSourceQueue,
} from '../../../tools/local/pipeline.ts';
import { type LocalStack, startLocalStack } from '../../../tools/local/stack.ts';
import {
  BAD_CUSTOMER_ID_PREFIX,
  type BadInput,
  DELIVERABLE_BAD_INPUTS,
  reasonPattern,
} from '../../helpers/bad-inputs.ts';
import { accountCreatedFactory, lambdaContextFactory } from '../../helpers/factories.ts';
import { captureLogs, type LogCapture } from '../../helpers/log-capture.ts';

const API_KEY = 'sk-live-BAD-INPUT-SUITE-0123456789';
const REGION = 'us-east-1';
/** One valid message after every this many bad ones, so that most batches mix both. */
const BAD_PER_VALID = 9;

type Invocation = { readonly records: SQSRecord[]; readonly response: SQSBatchResponse };

type Harness = {
  readonly handler: ReturnType<typeof createBatchHandler>;
  readonly metrics: CountingMetrics;
  /** Every error a record failed with: thrown by provisioning, or handed to the dead-letter queue. */
  readonly errors: unknown[];
};

/** Everything a customer id can travel in towards Amberflo: query, path and body. */
const customerIdsIn = (entry: RequestLogEntry): string[] => {
  const body = entry.body as { customerId?: unknown } | undefined;
  return [
    entry.query['customerId'],
    entry.query['CustomerId'],
    typeof body === 'object' && body !== null ? body.customerId : undefined,
    entry.path.startsWith('/customers/') ? decodeURIComponent(entry.path.slice(11)) : undefined,
  ].filter((value): value is string => typeof value === 'string');
};

/** The error, its cause chain and every own property, as a text to search for secrets. */
const everythingIn = (error: unknown): string =>
  [inspect(error, { depth: 20, showHidden: true }), JSON.stringify(error) ?? ''].join('\n');

/** Every 12-character window of the key: a key cut in half by a length limit is still a leak. */
const KEY_FRAGMENTS = Array.from({ length: API_KEY.length - 11 }, (_, start) =>
  API_KEY.slice(start, start + 12),
);
const keyFragmentsIn = (text: string): string[] =>
  KEY_FRAGMENTS.filter((fragment) => text.includes(fragment));

const deadLetterText = (letter: DeadLetter) =>
  [letter.body, ...Object.entries(letter.attributes).flat()].join('\n');

describe('hostile and malformed messages through the real handler', () => {
  let stack: LocalStack;
  let emulator: AmberfloEmulator;

  beforeAll(async () => {
    stack = await startLocalStack({
      visibilityTimeoutSeconds: 60,
      emulator: { apiKey: API_KEY },
    });
    emulator = stack.emulator as AmberfloEmulator;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const buildHarness = (env: Record<string, string> = {}): Harness => {
    const metrics = new CountingMetrics({ namespace: 'BadInputSuite', serviceName: 'bad-input' });
    const deps = createDependencies(
      loadConfig({ ...stack.env, POWERTOOLS_LOG_LEVEL: 'DEBUG', ...env }),
      { awsClients: { sqs: stack.sqs, dynamodb: stack.dynamo }, metrics },
    );
    const errors: unknown[] = [];
    const observed: Dependencies = {
      ...deps,
      provision: async (message, options) => {
        try {
          return await deps.provision(message, options);
        } catch (error) {
          errors.push(error);
          throw error;
        }
      },
      deadLetters: {
        send: async (record, error, failedAt) => {
          errors.push(error);
          await deps.deadLetters.send(record, error, failedAt);
        },
      },
    };
    return {
      handler: createBatchHandler(observed, { timeoutEarlyInMillis: 0 }),
      metrics,
      errors,
    };
  };

  /**
   * Drains the source queue as Lambda's event source mapping would: receive up to ten, invoke the handler with
   * Lambda-shaped records, delete what it did not report failed. Bounded in rounds and time.
   */
  const drainThroughHandler = async (harness: Harness, expected: number): Promise<Invocation[]> => {
    const invocations: Invocation[] = [];
    const endsAt = Date.now() + 20_000;
    let received = 0;
    for (let round = 0; round < 100 && received < expected && Date.now() < endsAt; round++) {
      const { Messages = [] } = await stack.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: stack.sourceQueue.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      received += Messages.length;
      const records = Messages.map((message) =>
        toSqsRecord(message, stack.sourceQueue.arn, REGION),
      );
      const response = await harness.handler({ Records: records }, lambdaContextFactory());
      invocations.push({ records, response });
      const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
      const done = Messages.filter((message) => !failed.has(message.MessageId ?? ''));
      if (done.length > 0) {
        await stack.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: stack.sourceQueue.url,
            Entries: done.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle ?? '',
            })),
          }),
        );
      }
    }
    return invocations;
  };

  describe('the corpus, mixed with valid messages in the same batches', () => {
    const validIds = Array.from(
      { length: Math.ceil(DELIVERABLE_BAD_INPUTS.length / BAD_PER_VALID) },
      (_, index) => `valid-mixed-${String(index).padStart(3, '0')}`,
    );
    let callsPerValidMessage = 0;
    let harness: Harness;
    let logs: LogCapture;
    let invocations: Invocation[];
    let badBySqsId: Map<string, BadInput>;
    let lettersBySource: Map<string, DeadLetter[]>;
    let requests: RequestLogEntry[];

    beforeAll(async () => {
      stack.fauxqs.reset();
      emulator.reset();
      logs = captureLogs();
      try {
        // Calibration: the calls one fresh valid account costs, with the same emulator and workflow.
        const calibration = buildHarness();
        await sendToSourceQueue(stack, [
          { body: JSON.stringify(accountCreatedFactory({ customerId: 'valid-calibration' })) },
        ]);
        await drainThroughHandler(calibration, 1);
        callsPerValidMessage = emulator.requestLog().length;
        emulator.clearRequestLog();

        const outgoing: { body: string; bad?: BadInput }[] = [];
        DELIVERABLE_BAD_INPUTS.forEach((bad, index) => {
          outgoing.push({ body: bad.body, bad });
          const validId = validIds[Math.floor(index / BAD_PER_VALID)];
          if (
            index % BAD_PER_VALID === BAD_PER_VALID - 1 ||
            index === DELIVERABLE_BAD_INPUTS.length - 1
          ) {
            outgoing.push({ body: JSON.stringify(accountCreatedFactory({ customerId: validId })) });
          }
        });
        const sqsIds = await sendToSourceQueue(stack, outgoing);
        badBySqsId = new Map(
          outgoing.flatMap((message, index) =>
            message.bad ? [[sqsIds[index] ?? '', message.bad] as const] : [],
          ),
        );
        harness = buildHarness();
        invocations = await drainThroughHandler(harness, outgoing.length);
      } finally {
        logs.restore();
      }
      const letters = await readDeadLetters(stack);
      lettersBySource = new Map();
      for (const letter of letters) {
        lettersBySource.set(letter.sourceMessageId, [
          ...(lettersBySource.get(letter.sourceMessageId) ?? []),
          letter,
        ]);
      }
      requests = emulator.requestLog();
    }, 30_000);

    it('processes every message exactly once, on its first receive', () => {
      // Prepare
      const records = invocations.flatMap((invocation) => invocation.records);
      // Assess
      expect(records).toHaveLength(DELIVERABLE_BAD_INPUTS.length + validIds.length);
      expect(new Set(records.map((record) => record.messageId)).size).toBe(records.length);
      expect(records.every((record) => record.attributes.ApproximateReceiveCount === '1')).toBe(
        true,
      );
    });

    it('mixes valid and bad messages in the same batches and reports no batch item failure', () => {
      // Prepare
      const mixed = invocations.filter(
        (invocation) =>
          invocation.records.some((record) => badBySqsId.has(record.messageId)) &&
          invocation.records.some((record) => !badBySqsId.has(record.messageId)),
      );
      // Assess
      expect(mixed.length).toBeGreaterThanOrEqual(Math.floor(validIds.length / 2));
      expect(invocations.flatMap((invocation) => invocation.response.batchItemFailures)).toEqual(
        [],
      );
    });

    it.each(DELIVERABLE_BAD_INPUTS.map((bad) => [bad.name, bad] as const))(
      'dead-letters %s once, at once, with its code, its reason and its body unchanged',
      (_name, bad) => {
        // Prepare
        const sqsId = [...badBySqsId].find(([, entry]) => entry === bad)?.[0] ?? '';
        // Act
        const letters = lettersBySource.get(sqsId) ?? [];
        // Assess
        expect(letters).toHaveLength(1);
        expect(letters[0]).toMatchObject({
          code: bad.code,
          message: expect.stringMatching(reasonPattern(bad.reason)),
          receiveCount: 1,
          body: bad.body,
        });
      },
    );

    it('dead-letters nothing but the bad messages, and counts them by code', () => {
      // Prepare
      const expectedByCode: Record<string, number> = {};
      for (const bad of DELIVERABLE_BAD_INPUTS) {
        expectedByCode[bad.code] = (expectedByCode[bad.code] ?? 0) + 1;
      }
      // Assess
      expect([...lettersBySource.keys()].sort()).toEqual([...badBySqsId.keys()].sort());
      expect(harness.metrics.deadLetteredByCode()).toEqual(expectedByCode);
    });

    it('sends Amberflo nothing about a bad message: only the valid accounts, call for call', () => {
      // Prepare
      const named = new Set(requests.flatMap(customerIdsIn));
      // Assess
      expect([...named].sort()).toEqual([...validIds].sort());
      expect(requests.some((entry) => JSON.stringify(entry).includes(BAD_CUSTOMER_ID_PREFIX))).toBe(
        false,
      );
      expect(requests).toHaveLength(callsPerValidMessage * validIds.length);
      expect(callsPerValidMessage).toBeGreaterThan(0);
    });

    it('provisions every valid message of the mixed batches', () => {
      // Prepare
      const state = emulator.state();
      // Assess
      expect(state.customers.map((customer) => customer.customerId).sort()).toEqual(
        ['valid-calibration', ...validIds].sort(),
      );
      for (const id of validIds) {
        expect(state.relations[id]?.at(-1)).toMatchObject({ productPlanId: 'plan-pro' });
      }
      expect(harness.metrics.count(METRICS.provisioned)).toBe(validIds.length);
    });

    it('writes no log line, error or dead letter that holds the API key', () => {
      // Prepare
      const letters = [...lettersBySource.values()].flat();
      // Assess
      expect(logs.entries().length).toBeGreaterThanOrEqual(DELIVERABLE_BAD_INPUTS.length);
      expect(keyFragmentsIn(logs.text())).toEqual([]);
      expect(new Set(harness.errors).size).toBe(DELIVERABLE_BAD_INPUTS.length);
      expect(keyFragmentsIn(harness.errors.map(everythingIn).join('\n'))).toEqual([]);
      expect(keyFragmentsIn(letters.map(deadLetterText).join('\n'))).toEqual([]);
    });
  });

  describe('Amberflo answers that quote the API key', () => {
    const OTHER_KEY = 'the-only-key-this-emulator-accepts';
    let wrongKeyEmulator: AmberfloEmulator;
    let echoServer: Server;
    let echoUrl: string;
    const keysSeenByEcho: string[] = [];

    beforeAll(async () => {
      wrongKeyEmulator = await startAmberfloEmulator({
        port: 0,
        apiKey: OTHER_KEY,
        echoApiKeyInErrors: true,
      });
      // The worst Amberflo imaginable: a 400 quoting the key and every request header.
      echoServer = createServer((req, res) => {
        const key = String(req.headers['x-api-key'] ?? '');
        keysSeenByEcho.push(key);
        const body = JSON.stringify({
          // Placed so that the 300-character error and 256-character dead-letter limits cut a copy in half.
          errorMessage: `Invalid request: ${'.'.repeat(180)} ${key} ${'.'.repeat(20)} ${key} headers ${JSON.stringify(req.headers)}`,
        });
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(body);
      });
      echoServer.listen(0, '127.0.0.1');
      await once(echoServer, 'listening');
      echoUrl = `http://127.0.0.1:${(echoServer.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await wrongKeyEmulator?.stop();
      echoServer?.closeAllConnections();
      await new Promise<void>((resolve) =>
        echoServer ? echoServer.close(() => resolve()) : resolve(),
      );
    });

    /** One message, sent through fauxqs and drained through a handler built with `env`, logs captured. */
    const runScenario = async (
      env: Record<string, string>,
      customerId: string,
      body: object,
      prepare: () => void = () => {},
    ) => {
      stack.fauxqs.reset();
      emulator.reset();
      prepare();
      const harness = buildHarness(env);
      await stack.sqs.send(
        new SendMessageCommand({
          QueueUrl: stack.sourceQueue.url,
          MessageBody: JSON.stringify(accountCreatedFactory({ customerId, ...body })),
        }),
      );
      const logs = captureLogs();
      let invocations: Invocation[];
      try {
        invocations = await drainThroughHandler(harness, 1);
      } finally {
        logs.restore();
      }
      const letters = await readDeadLetters(stack);
      const everything = [
        logs.text(),
        ...harness.errors.map(everythingIn),
        ...letters.map(deadLetterText),
        JSON.stringify(invocations.map((invocation) => invocation.response)),
      ].join('\n');
      return { harness, logs, invocations, letters, everything };
    };

    it('has Amberflo stand-ins that really quote the key they are sent', async () => {
      // Act
      const answer = await fetch(`${wrongKeyEmulator.url}/customers?customerId=probe`, {
        headers: { 'x-api-key': API_KEY },
      });
      // Assess
      expect(answer.status).toBe(401);
      expect(await answer.text()).toContain(API_KEY);
    });

    it('retries a 401 that quotes the key, and no log, error or response holds the key', async () => {
      // Act
      const run = await runScenario(
        { AMBERFLO_BASE_URL: wrongKeyEmulator.url },
        'key-leak-401-retry',
        {},
      );
      // Assess
      expect(
        run.invocations.flatMap((invocation) => invocation.response.batchItemFailures),
      ).toHaveLength(1);
      expect(run.harness.errors).toContainEqual(expect.objectContaining({ code: 'AMBERFLO_AUTH' }));
      expect(wrongKeyEmulator.requestLog().some((entry) => entry.apiKey === 'invalid')).toBe(true);
      expect(run.letters).toEqual([]);
      expect(keyFragmentsIn(run.everything)).toEqual([]);
    });

    it('dead-letters a 401 on the last receive, and the dead letter does not hold the key', async () => {
      // Act
      const run = await runScenario(
        { AMBERFLO_BASE_URL: wrongKeyEmulator.url, MAX_RECEIVE_COUNT: '1' },
        'key-leak-401-last',
        {},
      );
      // Assess
      expect(run.letters).toEqual([
        expect.objectContaining({
          code: 'AMBERFLO_AUTH',
          message: expect.stringContaining('[REDACTED]'),
        }),
      ]);
      expect(keyFragmentsIn(run.everything)).toEqual([]);
    });

    it('dead-letters a 400 from the emulator without the key', async () => {
      // Act
      const run = await runScenario({}, 'key-leak-400-plan', { productId: 'plan-unknown' }, () =>
        emulator.setSwitches({ echoApiKeyInErrors: true, planCatalogue: [{ id: 'plan-pro' }] }),
      );
      // Assess
      expect(run.letters).toEqual([
        expect.objectContaining({ code: 'AMBERFLO_REJECTED', receiveCount: 1 }),
      ]);
      expect(keyFragmentsIn(run.everything)).toEqual([]);
    });

    it('dead-letters a 400 that quotes the key and every header, with the key redacted', async () => {
      // Act
      const run = await runScenario({ AMBERFLO_BASE_URL: echoUrl }, 'key-leak-400-echo', {});
      // Assess
      expect(keysSeenByEcho).toContain(API_KEY);
      expect(run.letters).toEqual([
        expect.objectContaining({
          code: 'AMBERFLO_REJECTED',
          receiveCount: 1,
          message: expect.stringContaining('[REDACTED]'),
        }),
      ]);
      expect(keyFragmentsIn(run.everything)).toEqual([]);
    });
  });
});
