import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig } from '../../lib/config.ts';
import type { Dependencies } from '../../lib/dependencies.ts';
import { envFactory } from '../helpers/factories.ts';
import { createFakeDeadLetterQueue } from './dead-letter-queue.ts';
import { createCapturedMetrics } from './metrics.ts';
import { createFakeProvision } from './provision.ts';

/**
 * Dependencies built from fakes only (no sockets): a recording provision function and dead-letter queue, a silent
 * logger, and a real Metrics whose EMF output `emittedMetrics` reads (see ./metrics.ts). Call it inside a test.
 */
export const createFakeDependencies = (env: Record<string, string | undefined> = {}) => {
  const config = loadConfig(envFactory(env));
  const provision = createFakeProvision();
  const deadLetters = createFakeDeadLetterQueue();
  const { metrics, emitted } = createCapturedMetrics({ namespace: 'Test', serviceName: 'test' });
  const registered: unknown[] = [];
  const deferred: { messageId: string; delaySeconds: number }[] = [];
  const deps: Dependencies = {
    config,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    metrics,
    provision: provision.provision,
    registerLambdaContext: (context) => registered.push(context),
    deadLetters,
    redelivery: {
      defer: async (record, delaySeconds) => {
        deferred.push({ messageId: record.messageId, delaySeconds });
      },
    },
    now: () => new Date('2026-01-01T00:00:00.000Z'),
  };
  return { deps, provision, deadLetters, emittedMetrics: emitted, registered, deferred };
};
