import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import { createDependencies } from '../../../lib/dependencies.ts';
import type { AmberfloEmulator } from '../../../tools/amberflo-emulator/server.ts';
import { CountingMetrics } from '../../../tools/local/pipeline.ts';
import { accountCreatedFactory, envFactory } from '../../helpers/factories.ts';
import { type LocalAws, startLocalAws } from '../../helpers/local-aws.ts';
import { captureLogs } from '../../helpers/log-capture.ts';
import { API_KEY, startEmulator } from './limits-fixture.ts';

describe('circuit breaker logs and metrics (real dependencies, emulator in an outage)', () => {
  let aws: LocalAws;
  let amberflo: AmberfloEmulator;

  beforeAll(async () => {
    aws = await startLocalAws();
    amberflo = await startEmulator();
  });
  afterAll(async () => {
    await amberflo?.stop();
    await aws?.stop();
  });

  it('logs when the circuit opens and when a probe closes it, and counts the opening', async () => {
    // Prepare
    const metrics = new CountingMetrics({ namespace: 'LimitsTest', serviceName: 'test' });
    const deps = createDependencies(
      loadConfig(
        envFactory({
          AMBERFLO_BASE_URL: amberflo.url,
          AMBERFLO_API_KEY: API_KEY,
          DEAD_LETTER_QUEUE_URL: aws.deadLetterQueue.queueUrl,
          IDEMPOTENCY_TABLE_NAME: aws.tableName,
          POWERTOOLS_LOG_LEVEL: 'INFO',
        }),
      ),
      {
        awsClients: { sqs: aws.sqs, dynamodb: aws.dynamodb },
        metrics,
        circuit: { threshold: 2, coolDownMs: 100 },
      },
    );
    const message = accountCreatedFactory({ customerId: 'acct-circuit' }) as never;
    const options = () => ({ signal: new AbortController().signal, deadline: Date.now() + 10_000 });
    const logs = captureLogs();
    let failed: string | undefined;
    try {
      // Act
      amberflo.setOutage({ seconds: 60 });
      failed = await deps.provision(message, options()).then(
        () => 'provisioned',
        (thrown: { code?: string }) => thrown.code,
      );
      amberflo.setOutage(null);
      await new Promise((resolve) => setTimeout(resolve, 150));
      await deps.provision(message, options());
    } finally {
      logs.restore();
    }
    // Assess
    const messages = logs.entries().map((entry) => [entry['level'], entry['message']]);
    expect(messages).toContainEqual([
      'WARN',
      'Amberflo circuit opened: no calls until the cool-down ends',
    ]);
    expect(messages).toContainEqual(['INFO', 'Amberflo circuit closed: Amberflo answered again']);
    expect(failed).toBe('AMBERFLO_UNAVAILABLE');
    // The retry that comes after the cool-down is the probe: still down, so the circuit opens a second time.
    expect(metrics.count('AmberfloCircuitOpened')).toBeGreaterThanOrEqual(1);
    expect(amberflo.state().customers.map((customer) => customer.customerId)).toEqual([
      'acct-circuit',
    ]);
  });
});
