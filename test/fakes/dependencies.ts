import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../../lib/config.ts';
import type { Dependencies } from '../../lib/dependencies.ts';
import { envFactory } from '../helpers/factories.ts';
import { createFakeDeadLetterQueue } from './dead-letter-queue.ts';
import { createFakeProvision } from './provision.ts';

/**
 * Dependencies built from fakes only (no sockets): a recording provision function and dead-letter queue, a silent
 * logger, and metrics whose calls the returned `metricCalls` records.
 */
export const createFakeDependencies = (env: Record<string, string | undefined> = {}) => {
  const config = loadConfig(envFactory(env));
  const provision = createFakeProvision();
  const deadLetters = createFakeDeadLetterQueue();
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const metricCalls: { name: string; code?: string }[] = [];
  metrics.addMetric = function addMetric(name) {
    metricCalls.push({ name });
    return this;
  };
  metrics.singleMetric = () => {
    let code: string | undefined;
    const single = new Metrics({ namespace: 'Test', serviceName: 'test' });
    single.addDimension = function addDimension(_name, value) {
      code = value;
      return this;
    };
    single.addMetric = function addMetric(name) {
      metricCalls.push({ name, ...(code ? { code } : {}) });
      return this;
    };
    return single;
  };
  metrics.publishStoredMetrics = function publishStoredMetrics() {
    return this;
  };
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
  return { deps, provision, deadLetters, metricCalls, registered, deferred };
};
