import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HttpRequest, isSendRefusal, type Send } from '../../../lib/arazzo/http-port.ts';
import { isAppError } from '../../../lib/errors.ts';
import { createClaimedSend } from '../../../lib/provisioning/claimed-send.ts';
import {
  createWriteClaimStore,
  type WriteClaimKey,
  writeClaimId,
} from '../../../lib/provisioning/write-claims.ts';
import { type LocalAws, startLocalAws } from '../../helpers/local-aws.ts';

const SETTLE_SECONDS = 900;
const KEY: WriteClaimKey = { scope: 'provision-account', customerId: 'acct-1', operation: 'op' };
const BASE_URL = 'http://127.0.0.1:9/';
const OPERATIONS = {
  createCustomer: { method: 'POST', path: '/customers' },
  getCustomer: { method: 'GET', path: '/customers' },
};

describe('write claims (dynalite)', () => {
  let aws: LocalAws;
  let clock: number;

  beforeAll(async () => {
    aws = await startLocalAws();
  });
  beforeEach(async () => {
    await aws.reset();
    clock = Date.parse('2026-01-01T00:00:00Z');
  });
  afterAll(async () => {
    await aws?.stop();
  });

  const store = () =>
    createWriteClaimStore({
      dynamodb: aws.dynamodb,
      tableName: aws.tableName,
      settleSeconds: SETTLE_SECONDS,
      now: () => new Date(clock),
    });

  describe('the store', () => {
    it('grants the first claim and stores its time, fingerprint, holder and TTL', async () => {
      // Act
      const claim = await store().claim(KEY, 'fp-1', 'run-a');
      // Assess
      expect(claim).toEqual({ granted: true, replacedWrittenAt: undefined });
      const { Item } = await aws.dynamodb.send(
        new GetItemCommand({ TableName: aws.tableName, Key: { id: { S: writeClaimId(KEY) } } }),
      );
      expect(Item?.['id']?.S).toBe('provision-account#write#acct-1#op');
      expect(Item?.['writtenAt']?.N).toBe(String(clock));
      expect(Item?.['fingerprint']?.S).toBe('fp-1');
      expect(Item?.['holder']?.S).toBe('run-a');
      expect(Number(Item?.['expiration']?.N)).toBeGreaterThan(clock / 1000 + SETTLE_SECONDS);
    });

    it('refuses another holder within the settle time, naming the earlier write time', async () => {
      // Prepare
      await store().claim(KEY, 'fp-1', 'run-a');
      clock += (SETTLE_SECONDS - 1) * 1000;
      // Act
      const claim = await store().claim(KEY, 'fp-1', 'run-b');
      // Assess
      expect(claim).toEqual({
        granted: false,
        writtenAt: new Date(clock - (SETTLE_SECONDS - 1) * 1000),
      });
    });

    it('grants the same holder again, and another holder after the settle time, with the replaced time', async () => {
      // Prepare
      const first = clock;
      await store().claim(KEY, 'fp-1', 'run-a');
      clock += 1000;
      // Act
      const again = await store().claim(KEY, 'fp-1', 'run-a');
      clock += (SETTLE_SECONDS + 1) * 1000;
      const later = await store().claim(KEY, 'fp-1', 'run-b');
      // Assess
      expect(again).toEqual({ granted: true, replacedWrittenAt: new Date(first) });
      expect(later).toEqual({ granted: true, replacedWrittenAt: new Date(first + 1000) });
    });

    it('keeps claims of other customers and operations apart, and release removes one', async () => {
      // Prepare
      await store().claim(KEY, 'fp', 'run-a');
      // Act
      const otherOperation = await store().claim({ ...KEY, operation: 'op2' }, 'fp', 'run-b');
      const otherCustomer = await store().claim({ ...KEY, customerId: 'acct-2' }, 'fp', 'run-b');
      await store().release(KEY);
      const afterRelease = await store().claim(KEY, 'fp', 'run-b');
      // Assess
      expect(otherOperation.granted).toBe(true);
      expect(otherCustomer.granted).toBe(true);
      expect(afterRelease).toEqual({ granted: true, replacedWrittenAt: undefined });
    });

    it('throws DEPENDENCY_UNAVAILABLE when DynamoDB fails, and release swallows its failure', async () => {
      // Prepare
      const name = 'failDynamo';
      aws.dynamodb.middlewareStack.add(
        () => async () => {
          throw new Error('DynamoDB is down');
        },
        { step: 'initialize', name },
      );
      // Act
      let thrown: unknown;
      try {
        thrown = await store()
          .claim(KEY, 'fp', 'run-a')
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        await store().release(KEY);
      } finally {
        aws.dynamodb.middlewareStack.remove(name);
      }
      // Assess
      expect(isAppError(thrown) && thrown.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(await aws.writeClaims()).toEqual([]);
    });
  });

  describe('the claiming send', () => {
    const post: HttpRequest = {
      method: 'POST',
      url: `${BASE_URL}customers`,
      source: 'amberflo',
      headers: {},
      body: JSON.stringify({ customerId: 'acct-1', customerName: 'A' }),
    };
    const answering = (...statuses: number[]): Send & { calls: HttpRequest[] } => {
      const calls: HttpRequest[] = [];
      const send = async (request: HttpRequest) => {
        calls.push(request);
        const status = statuses[Math.min(calls.length - 1, statuses.length - 1)] ?? 200;
        return {
          status,
          headers: {},
          bodyText: status === 400 ? '{"errorMessage":"customer acct-1 already exists"}' : '{}',
        };
      };
      return Object.assign(send, { calls });
    };
    const claimed = (send: Send) =>
      createClaimedSend({
        send,
        store: store(),
        scope: 'provision-account',
        baseUrl: BASE_URL,
        operations: OPERATIONS,
        secrets: () => [],
      });
    const run = () => ({ signal: new AbortController().signal, timeoutMs: 1_000 });
    const refusalOf = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(isSendRefusal(error)).toBe(true);
      return error as Error & { code: string };
    };

    it('lets reads through without a claim', async () => {
      // Prepare
      const send = answering(200);
      // Act
      await claimed(send)({ method: 'GET', url: post.url, source: 'amberflo', headers: {} }, run());
      // Assess
      expect(send.calls).toHaveLength(1);
      expect(await aws.writeClaims()).toEqual([]);
    });

    it('keeps the claim after a 2xx and refuses the same write from another run', async () => {
      // Prepare
      const send = answering(200);
      const claimedSend = claimed(send);
      // Act
      await claimedSend(post, run());
      const refusal = await refusalOf(claimedSend(post, run()));
      // Assess
      expect(send.calls).toHaveLength(1);
      expect(refusal.code).toBe('AMBERFLO_UNAVAILABLE');
      expect(refusal.message).toContain(
        'An earlier createCustomer for this customer at 2026-01-01T00:00:00.000Z',
      );
      expect(await aws.writeClaims()).toHaveLength(1);
    });

    it.each([408, 429, 500, 503])('keeps the claim after a %i', async (status) => {
      // Prepare
      const send = answering(status);
      // Act
      const response = await claimed(send)(post, run());
      // Assess
      expect(response.status).toBe(status);
      expect(await aws.writeClaims()).toHaveLength(1);
    });

    it('keeps the claim when no answer arrived', async () => {
      // Prepare
      const send: Send = async () => {
        throw new Error('socket hang up');
      };
      // Act
      await claimed(send)(post, run()).catch(() => undefined);
      // Assess
      expect(await aws.writeClaims()).toHaveLength(1);
    });

    it('releases a fresh claim when the transport refused to send the write', async () => {
      // Prepare: the request budget or an open circuit refuses before anything goes out.
      const send: Send = async () => {
        throw Object.assign(new Error('not sent: request budget'), { sendRefused: true as const });
      };
      // Act
      const error = await refusalOf(claimed(send)(post, run()));
      // Assess
      expect(error.message).toContain('not sent');
      expect(await aws.writeClaims()).toEqual([]);
    });

    it('releases the claim after a 4xx and returns the answer', async () => {
      // Prepare
      const send = answering(400);
      // Act
      const response = await claimed(send)(post, run());
      // Assess
      expect(response.status).toBe(400);
      expect(await aws.writeClaims()).toEqual([]);
    });

    it("does not believe a 4xx that follows the run's own uncertain attempt, and keeps the claim", async () => {
      // Prepare
      const send = answering(503, 400);
      const claimedSend = claimed(send);
      const options = run();
      // Act
      const first = await claimedSend(post, options);
      const refusal = await refusalOf(claimedSend(post, options));
      // Assess
      expect(first.status).toBe(503);
      expect(send.calls).toHaveLength(2);
      expect(refusal.code).toBe('AMBERFLO_UNAVAILABLE');
      expect(refusal.message).toContain('customer acct-1 already exists');
      expect(refusal.message).toContain('may have taken effect');
      expect(await aws.writeClaims()).toHaveLength(1);
    });

    it('refuses a write that names no customer, without sending it', async () => {
      // Prepare
      const send = answering(200);
      // Act
      const refusal = await refusalOf(claimed(send)({ ...post, body: '{}' }, run()));
      // Assess
      expect(refusal.code).toBe('UNEXPECTED');
      expect(send.calls).toEqual([]);
    });
  });
});
