import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { createAmberfloHttp } from './amberflo/http.ts';
import type { Config } from './config.ts';
import {
  createSqsDeadLetterQueue,
  type DeadLetterQueue,
} from './dead-letters/dead-letter-queue.ts';
import { DependencyUnavailableError, isAppError } from './errors.ts';
import {
  createProvisionAccount,
  type Provision,
  type RunProvisionWorkflow,
} from './provisioning/provision-account.ts';
import { createProvisionWorkflowRunner } from './provisioning/workflow-runner.ts';
import { PROVISION_ACCOUNT_WORKFLOW_ID } from './workflows/provision-account.ts';

/** Everything the handler, the local tools and the tests need, built in one place. */
export type Dependencies = {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly provision: Provision;
  readonly registerLambdaContext: (context: Context) => void;
  readonly deadLetters: DeadLetterQueue;
  readonly now: () => Date;
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
  const { awsClients = {}, fetch: fetchOverride, runWorkflow, ...replaced } = overrides;
  const lazy = <T>(make: () => T) => {
    let value: T | undefined;
    return () => {
      value ??= make();
      return value;
    };
  };
  const sqs = lazy(() => awsClients.sqs ?? new SQSClient({}));
  const dynamodb = lazy(() => awsClients.dynamodb ?? new DynamoDBClient({}));
  const ssm = lazy(() => awsClients.ssm ?? new SSMClient({}));

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
      ...(fetchOverride ? { fetch: fetchOverride } : {}),
    }),
  );

  let provision = replaced.provision;
  let registerLambdaContext = replaced.registerLambdaContext;
  if (!provision) {
    const provisioning = createProvisionAccount({
      run: runWorkflow ?? readKeyFirst(getApiKey(), createProvisionWorkflowRunner(http())),
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
    now: replaced.now ?? (() => new Date()),
  };
};
