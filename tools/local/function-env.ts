/** The function's environment on the local stack: what serverless.yml would set, pointed at loopback. */
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws.ts';
import type { LocalQueue } from './local-queues.ts';
import type { DeclaredResources } from './serverless-resources.ts';

/** Where the stack's services listen, its queues, and what the caller asked for. */
export type LocalFunctionSettings = {
  readonly sqsEndpoint: string;
  readonly dynamoEndpoint: string;
  readonly amberfloUrl: string;
  readonly apiKey: string;
  readonly deadLetterQueue: LocalQueue;
  readonly sourceQueue: LocalQueue;
  /** The emulator's Default Plan; undefined against a real Amberflo. */
  readonly emulatorDefaultPlan: string | null | undefined;
  readonly visibilityTimeoutSeconds: number | undefined;
  /** Extra function environment, applied last. */
  readonly extra: Record<string, string> | undefined;
};

/** The environment the handler runs with locally; `settings.extra` wins over everything. */
export const localFunctionEnv = (
  resources: DeclaredResources,
  settings: LocalFunctionSettings,
): Record<string, string> => {
  // The deployed environment, minus the SSM parameter name: locally the key is handed over directly.
  const { AMBERFLO_API_KEY_PARAMETER: _parameterName, ...declaredEnv } = resources.environment;
  const { visibilityTimeoutSeconds, emulatorDefaultPlan } = settings;
  return {
    ...declaredEnv,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: settings.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: settings.dynamoEndpoint,
    AMBERFLO_BASE_URL: settings.amberfloUrl,
    AMBERFLO_API_KEY: settings.apiKey,
    DEAD_LETTER_QUEUE_URL: settings.deadLetterQueue.url,
    SOURCE_QUEUE_URL: settings.sourceQueue.url,
    IDEMPOTENCY_TABLE_NAME: resources.table.name,
    MAX_RECEIVE_COUNT: String(resources.maxReceiveCount),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    // The redelivery backoff at the same local scale as the visibility timeout: seconds instead of minutes.
    ...(visibilityTimeoutSeconds === undefined
      ? {}
      : {
          RETRY_BACKOFF_BASE_SECONDS: '1',
          RETRY_BACKOFF_MAX_SECONDS: String(visibilityTimeoutSeconds),
        }),
    // The emulator's Default Plan is the one plan nobody chose (README, REPLACEABLE_PLAN_IDS); a sandbox keeps the
    // deployed value.
    ...(emulatorDefaultPlan ? { REPLACEABLE_PLAN_IDS: emulatorDefaultPlan } : {}),
    ...settings.extra,
  };
};
