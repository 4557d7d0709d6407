import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  DEFAULT_CIRCUIT_COOL_DOWN_MS,
  DEFAULT_CIRCUIT_THRESHOLD,
} from './amberflo/circuit-breaker.ts';
import {
  type AmberfloHttpEvent,
  type AmberfloHttpOptions,
  createAmberfloHttp,
} from './amberflo/http.ts';
import { type Config, DEAD_LETTER_SEND_TIMEOUT_MS } from './config.ts';
import { createSqsDeadLetterQueue } from './dead-letters/dead-letter-queue.ts';
import { DependencyUnavailableError, isAppError } from './errors.ts';
import {
  createProvisionAccount,
  type RunProvisionWorkflow,
} from './provisioning/provision-account.ts';
import { createSqsRedelivery } from './provisioning/redelivery.ts';
import type { ProvisioningDependencies } from './provisioning/types.ts';
import { createProvisionWorkflowRunner } from './provisioning/workflow-runner.ts';
import { withRunOwnSignal, withWriteClaims } from './provisioning/write-claimed-http.ts';
import { PROVISION_ACCOUNT_WORKFLOW_ID } from './workflows/provision-account.ts';

/**
 * Everything the handler, the local tools and the tests need, built in one place: the slice provisioning asks for
 * (`ProvisioningDependencies`), with the whole configuration.
 */
export type Dependencies = ProvisioningDependencies & { readonly config: Config };

/** Metric names of the Amberflo limits; a contract with dashboards and alarms. */
export const AMBERFLO_LIMIT_METRICS = {
  paced: 'AmberfloRequestPaced',
  pacedWait: 'AmberfloPacingWait',
  throttled: 'AmberfloThrottled',
  refused: 'AmberfloRequestRefused',
  circuitOpened: 'AmberfloCircuitOpened',
} as const;

/** Turns the HTTP layer's events into metrics, and circuit changes into log lines. */
const reportHttpEvent = (logger: Logger, metrics: Metrics) => (event: AmberfloHttpEvent) => {
  switch (event.type) {
    case 'paced':
      metrics.addMetric(AMBERFLO_LIMIT_METRICS.paced, MetricUnit.Count, 1);
      metrics.addMetric(AMBERFLO_LIMIT_METRICS.pacedWait, MetricUnit.Milliseconds, event.waitedMs);
      return;
    case 'throttled':
      if (event.status === 429)
        metrics.addMetric(AMBERFLO_LIMIT_METRICS.throttled, MetricUnit.Count, 1);
      return;
    case 'refused':
      metrics.addMetric(AMBERFLO_LIMIT_METRICS.refused, MetricUnit.Count, 1);
      return;
    case 'circuit-opened':
      metrics.addMetric(AMBERFLO_LIMIT_METRICS.circuitOpened, MetricUnit.Count, 1);
      logger.warn('Amberflo circuit opened: no calls until the cool-down ends', {
        consecutiveFailures: event.failures,
        coolDownMs: event.coolDownMs,
      });
      return;
    case 'circuit-closed':
      logger.info('Amberflo circuit closed: Amberflo answered again');
      return;
  }
};

/** AWS SDK clients; tests and local runs pass clients bound to fauxqs and dynalite. */
export type AwsClients = {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly ssm: SSMClient;
};

/**
 * Replacements for any part of the graph. `awsClients`, `fetch` and `runWorkflow` replace the lower layers and keep
 * the real chain above them (idempotency, classification, dead-lettering).
 */
export type DependencyOverrides = Partial<Dependencies> & {
  readonly awsClients?: Partial<AwsClients>;
  /** The fetch the Amberflo HTTP layer uses. */
  readonly fetch?: typeof fetch;
  /** Replaces the interpreter run (the idempotency layer still wraps it). */
  readonly runWorkflow?: RunProvisionWorkflow;
  /** The circuit breaker's threshold and cool-down (time-scaled tests and benchmarks). */
  readonly circuit?: AmberfloHttpOptions['circuit'];
};

/** Bounds of one AWS SDK client: how long to wait for a connection and an answer, and how many attempts. */
export type AwsClientBounds = {
  readonly requestHandler: { readonly connectionTimeout: number; readonly requestTimeout: number };
  readonly maxAttempts: number;
};

/**
 * Every AWS call the function makes is bounded: without these the SDK waits forever for a stuck socket, and a record
 * could outlive its invocation. SQS only sends dead letters, so its attempts fit inside DEAD_LETTER_SEND_TIMEOUT_MS;
 * DynamoDB (idempotency) and SSM (the API key) get one retry, both before any write to Amberflo.
 */
export const AWS_CLIENT_BOUNDS = {
  sqs: {
    requestHandler: { connectionTimeout: 300, requestTimeout: DEAD_LETTER_SEND_TIMEOUT_MS / 2 },
    maxAttempts: 2,
  },
  dynamodb: { requestHandler: { connectionTimeout: 500, requestTimeout: 2_000 }, maxAttempts: 2 },
  ssm: { requestHandler: { connectionTimeout: 500, requestTimeout: 2_000 }, maxAttempts: 2 },
} as const satisfies Record<keyof AwsClients, AwsClientBounds>;

// Without throwOnRequestTimeout, smithy's handler only logs a warning when requestTimeout passes and keeps waiting.
const bounded = (bounds: AwsClientBounds) => ({
  requestHandler: { ...bounds.requestHandler, throwOnRequestTimeout: true },
  maxAttempts: bounds.maxAttempts,
});

/** The function's own SDK clients, bounded; endpoints, region and credentials come from the SDK's AWS_* variables. */
export const createBoundedAwsClients: { readonly [K in keyof AwsClients]: () => AwsClients[K] } = {
  sqs: () => new SQSClient(bounded(AWS_CLIENT_BOUNDS.sqs)),
  dynamodb: () => new DynamoDBClient(bounded(AWS_CLIENT_BOUNDS.dynamodb)),
  ssm: () => new SSMClient(bounded(AWS_CLIENT_BOUNDS.ssm)),
};

/**
 * Reads the API key: the configured value, or the SSM SecureString through Powertools Parameters (decrypted, cached
 * for `maxAgeSeconds`). A failed read throws DependencyUnavailableError, never the parameter's value.
 */
const createApiKeyReader = (config: Config, ssm: SSMClient): (() => Promise<string>) => {
  const source = config.amberflo.apiKey;
  if (source.kind === 'value') return async () => source.value;
  const provider = new SSMProvider({ awsSdkV3Client: ssm });
  return async () => {
    try {
      const value = await provider.get(source.name, {
        decrypt: true,
        maxAge: source.maxAgeSeconds,
      });
      if (typeof value !== 'string' || value === '') {
        throw new DependencyUnavailableError('Amberflo API key parameter is empty');
      }
      return value;
    } catch (cause) {
      if (isAppError(cause)) throw cause;
      throw new DependencyUnavailableError('Amberflo API key parameter unavailable', {}, { cause });
    }
  };
};

/**
 * Reads the API key (cached) before the workflow starts, so that an SSM outage fails the run at once with
 * DEPENDENCY_UNAVAILABLE instead of as a transport failure that the workflow's transient action retries.
 */
const readKeyFirst =
  (getApiKey: () => Promise<string>, run: RunProvisionWorkflow): RunProvisionWorkflow =>
  async (inputs, options) => {
    await getApiKey();
    return run(inputs, options);
  };

/**
 * The composition root: SDK clients (endpoints and region from the SDK's own AWS_* variables), Powertools logger,
 * metrics and idempotency, the Amberflo HTTP layer, the workflow runner and the dead-letter queue. Nothing is
 * created at import time; `overrides` replace any part.
 */
export const createDependencies = (
  config: Config,
  overrides: DependencyOverrides = {},
): Dependencies => {
  const { awsClients = {}, fetch: fetchOverride, runWorkflow, circuit, ...replaced } = overrides;
  const lazy = <T>(make: () => T) => {
    let value: T | undefined;
    return () => {
      value ??= make();
      return value;
    };
  };
  const sqs = lazy(() => awsClients.sqs ?? createBoundedAwsClients.sqs());
  const dynamodb = lazy(() => awsClients.dynamodb ?? createBoundedAwsClients.dynamodb());
  const ssm = lazy(() => awsClients.ssm ?? createBoundedAwsClients.ssm());

  const logger =
    replaced.logger ??
    new Logger({
      serviceName: config.powertools.serviceName,
      logLevel: config.powertools.logLevel,
    });
  const metrics =
    replaced.metrics ??
    new Metrics({
      namespace: config.powertools.metricsNamespace,
      serviceName: config.powertools.serviceName,
    });

  const getApiKey = lazy(() => createApiKeyReader(config, ssm()));
  // Built only when something needs it: a test that replaces `provision` needs no HTTP layer.
  const http = lazy(() =>
    createAmberfloHttp({
      baseUrl: config.amberflo.baseUrl,
      getApiKey: getApiKey(),
      timeoutMs: config.amberflo.httpTimeoutMs,
      requestsPerSecond: config.amberflo.requestsPerSecond,
      onEvent: reportHttpEvent(logger, metrics),
      circuit: {
        threshold: DEFAULT_CIRCUIT_THRESHOLD,
        coolDownMs: DEFAULT_CIRCUIT_COOL_DOWN_MS,
        ...circuit,
      },
      ...(fetchOverride ? { fetch: fetchOverride } : {}),
    }),
  );

  let provision = replaced.provision;
  let registerLambdaContext = replaced.registerLambdaContext;
  if (!provision) {
    const provisioning = createProvisionAccount({
      run:
        runWorkflow ??
        readKeyFirst(
          getApiKey(),
          withRunOwnSignal(
            createProvisionWorkflowRunner(
              withWriteClaims(http(), {
                dynamodb: dynamodb(),
                tableName: config.idempotency.tableName,
                settleSeconds: config.idempotency.writeSettleSeconds,
              }),
            ),
          ),
        ),
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: config.idempotency.tableName,
        awsSdkV3Client: dynamodb(),
      }),
      settings: {
        amberfloProductId: config.amberflo.productId,
        defaultProductPlanId: config.defaultProductPlanId,
        replaceablePlanIds: config.replaceablePlanIds,
      },
      expiresAfterSeconds: config.idempotency.ttlSeconds,
    });
    provision = provisioning.provision;
    registerLambdaContext ??= provisioning.registerLambdaContext;
  }
  const apiKey = config.amberflo.apiKey;
  const secrets = (): readonly string[] =>
    apiKey.kind === 'value' ? [apiKey.value] : runWorkflow ? [] : http().knownSecrets();

  return {
    config,
    logger,
    metrics,
    provision,
    registerLambdaContext: registerLambdaContext ?? (() => {}),
    deadLetters:
      replaced.deadLetters ??
      createSqsDeadLetterQueue(sqs(), {
        queueUrl: config.deadLetterQueueUrl,
        workflowId: PROVISION_ACCOUNT_WORKFLOW_ID,
        secrets,
      }),
    redelivery: replaced.redelivery ?? createSqsRedelivery(sqs(), config.redelivery.sourceQueueUrl),
    now: replaced.now ?? (() => new Date()),
  };
};
