import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import {
  AWS_CLIENT_BOUNDS,
  createBoundedAwsClients,
  createDependencies,
} from '../../../lib/dependencies.ts';
import { DependencyUnavailableError, InvalidMessageError } from '../../../lib/errors.ts';
import { envFactory, sqsRecordFactory } from '../../helpers/factories.ts';

/** A loopback server that accepts every connection and never answers: a stuck AWS endpoint. */
const startSilentServer = async () => {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => sockets.length,
    reset: () => {
      for (const socket of sockets.splice(0)) socket.destroy();
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

describe('the function’s AWS clients against an endpoint that never answers', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;

  beforeAll(async () => {
    silent = await startSilentServer();
  });

  afterAll(async () => {
    await silent?.stop();
  });

  beforeEach(() => {
    silent.reset();
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    for (const service of ['SQS', 'DYNAMODB', 'SSM']) {
      vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, silent.url);
    }
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ['sqs', () => createBoundedAwsClients.sqs().send(new GetQueueUrlCommand({ QueueName: 'q' }))],
    [
      'dynamodb',
      () =>
        createBoundedAwsClients
          .dynamodb()
          .send(new DescribeTableCommand({ TableName: 'idempotency' })),
    ],
    ['ssm', () => createBoundedAwsClients.ssm().send(new GetParameterCommand({ Name: '/key' }))],
  ] as const)(
    '%s gives up after its request timeout and maxAttempts attempts',
    async (name, call) => {
      // Act
      const outcome = await call().then(
        () => 'answered',
        (error: unknown) => error,
      );
      // Assess
      expect(outcome).toBeInstanceOf(Error);
      expect(String((outcome as Error).message)).toMatch(/timeout|timed out/i);
      expect(silent.connections()).toBe(AWS_CLIENT_BOUNDS[name].maxAttempts);
      expect(AWS_CLIENT_BOUNDS[name].maxAttempts).toBeLessThanOrEqual(3);
    },
  );

  it('fails a dead-letter send with DEPENDENCY_UNAVAILABLE instead of waiting forever', async () => {
    // Prepare
    const deps = createDependencies(
      loadConfig(envFactory({ DEAD_LETTER_QUEUE_URL: `${silent.url}/000000000000/dlq` })),
      { provision: async () => Promise.reject(new Error('not used')) },
    );
    // Act
    const sending = deps.deadLetters.send(
      sqsRecordFactory('x'),
      new InvalidMessageError('bad'),
      new Date(),
    );
    // Assess
    await expect(sending).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(silent.connections()).toBeGreaterThanOrEqual(1);
    expect(silent.connections()).toBeLessThanOrEqual(AWS_CLIENT_BOUNDS.sqs.maxAttempts);
  });
});
