import * as z from 'zod';
import { ConfigError } from './errors.ts';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** middy's early timeout in the deployed handler: it throws the whole batch this long before Lambda's timeout. */
export const MIDDY_TIMEOUT_EARLY_MS = 500;
/** The longest a dead-letter send may take (its abort signal); the SQS client's own timeouts fit inside it. */
export const DEAD_LETTER_SEND_TIMEOUT_MS = 1_000;
/** Time for Powertools to build the partial batch response once every record has settled. */
export const REPORT_TIME_MS = 250;
/**
 * The smallest DEADLINE_MARGIN_MS that lets a dead-letter send started at the work deadline finish before middy's
 * early timeout throws the batch (which would redeliver every record, dead-lettered ones included).
 */
export const MIN_DEADLINE_MARGIN_MS =
  MIDDY_TIMEOUT_EARLY_MS + DEAD_LETTER_SEND_TIMEOUT_MS + REPORT_TIME_MS;

/**
 * Every environment variable the function reads, with its meaning. The schema is the documentation: the README
 * table and the serverless.yml test are checked against it. AWS endpoints and region are not here on purpose: the
 * SDK reads AWS_REGION and AWS_ENDPOINT_URL_SQS / _DYNAMODB / _SSM by itself.
 */
export const EnvSchema = z
  .object({
    AMBERFLO_BASE_URL: z
      .url({ protocol: /^https?$/ })
      .default('https://app.amberflo.io')
      .describe('Amberflo API root (no version prefix); the emulator URL in tests and local runs'),
    AMBERFLO_API_KEY: z
      .string()
      .min(8)
      .optional()
      .describe(
        'The Amberflo API key itself; local runs and tests only. Exactly one of this and _PARAMETER',
      ),
    AMBERFLO_API_KEY_PARAMETER: z
      .string()
      .regex(/^\/?[A-Za-z0-9_.\-/]{1,2047}$/, 'must be an SSM parameter name')
      .optional()
      .describe(
        'Name of the SSM SecureString holding the Amberflo API key (read at first use, decrypted)',
      ),
    AMBERFLO_API_KEY_MAX_AGE_SECONDS: positiveInt(300).describe(
      'How long the API key read from SSM is cached before it is read again',
    ),
    AMBERFLO_PRODUCT_ID: z
      .string()
      .min(1)
      .default('1')
      .describe("Amberflo's product id (not the plan) sent with every plan assignment"),
    DEFAULT_PRODUCT_PLAN_ID: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Pricing plan assigned when a message names none; without it productId is required',
      ),
    REPLACEABLE_PLAN_IDS: z
      .string()
      .default('')
      .transform((text) =>
        text
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      )
      .pipe(z.array(z.string().regex(/^[A-Za-z0-9_.:@+=-]{1,128}$/, 'not a plan id')).max(50))
      .describe(
        "Comma-separated plans nobody chose (the account's Default Plan) that may be replaced; any other current plan is PLAN_CONFLICT",
      ),
    AMBERFLO_HTTP_TIMEOUT_MS: positiveInt(5_000).describe(
      'Timeout of one Amberflo request; capped by the remaining invocation time',
    ),
    AMBERFLO_MAX_REQUESTS_PER_SECOND: z.coerce
      .number()
      .positive()
      .max(10_000)
      .default(10)
      .describe('Amberflo requests per second for the whole deployment, all invocations together'),
    AMBERFLO_CONCURRENT_INVOCATIONS: positiveInt(2).describe(
      'Invocations that can run at once (the SQS event maximumConcurrency); each gets its share of the budget',
    ),
    RETRY_BACKOFF_BASE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(43_200)
      .default(60)
      .describe(
        "Redelivery delay after the first failed receive, doubling per receive; 0 keeps the queue's own timeout",
      ),
    RETRY_BACKOFF_MAX_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(43_200)
      .default(3_600)
      .describe(
        'Longest redelivery delay (SQS allows 12 h); each delay is jittered down by up to 20 %',
      ),
    SOURCE_QUEUE_URL: z
      .url()
      .optional()
      .describe("URL of the queue the records come from; default: derived from the record's ARN"),
    DEAD_LETTER_QUEUE_URL: z
      .url()
      .describe('Queue that receives failed messages, with the provisioning-failure attribute'),
    IDEMPOTENCY_TABLE_NAME: z
      .string()
      .min(3)
      .max(255)
      .describe(
        'DynamoDB table of the Powertools idempotency records (key `id`, TTL `expiration`)',
      ),
    IDEMPOTENCY_TTL_SECONDS: positiveInt(30 * 24 * 3600).describe(
      'How long a completed provisioning is remembered; longer than the DLQ retention',
    ),
    WRITE_SETTLE_SECONDS: positiveInt(900).describe(
      'How long Amberflo reads may lag a write: the same write is not sent again for a customer within this time',
    ),
    MAX_RECEIVE_COUNT: positiveInt(5).describe(
      'Receive count at which a retryable failure is dead-lettered by the function itself',
    ),
    BATCH_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .default(5)
      .describe('How many records of one batch are provisioned at the same time'),
    DEADLINE_MARGIN_MS: z.coerce
      .number()
      .int()
      .min(MIN_DEADLINE_MARGIN_MS, {
        error: `must be at least ${MIN_DEADLINE_MARGIN_MS} (middy's early timeout ${MIDDY_TIMEOUT_EARLY_MS} ms + a dead-letter send ${DEAD_LETTER_SEND_TIMEOUT_MS} ms + reporting ${REPORT_TIME_MS} ms)`,
      })
      .default(3_000)
      .describe(
        `Time kept back for reporting failures and dead-lettering; at least ${MIN_DEADLINE_MARGIN_MS}`,
      ),
    POWERTOOLS_SERVICE_NAME: z
      .string()
      .min(1)
      .default('billing-provisioning')
      .describe('Service name on every log line and metric'),
    POWERTOOLS_METRICS_NAMESPACE: z
      .string()
      .min(1)
      .default('BillingProvisioning')
      .describe('CloudWatch namespace of the metrics'),
    POWERTOOLS_LOG_LEVEL: z
      .enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'])
      .default('INFO')
      .describe('Minimum log level'),
  })
  .describe('Environment of the provisioning function');

/** The parsed environment, SCREAMING_SNAKE as in the schema. */
export type Env = z.infer<typeof EnvSchema>;

/** Where the Amberflo API key comes from. */
export type ApiKeySource =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'parameter'; readonly name: string; readonly maxAgeSeconds: number };

/** The typed configuration the code sees (nested camelCase), parsed once at cold start. */
export type Config = {
  readonly amberflo: {
    readonly baseUrl: string;
    readonly apiKey: ApiKeySource;
    readonly productId: string;
    readonly httpTimeoutMs: number;
    /** The deployment's budget divided by the concurrent invocations: this container's share. */
    readonly requestsPerSecond: number;
  };
  /** Redelivery backoff of retryable failures (ChangeMessageVisibility). */
  readonly redelivery: {
    /** 0: no backoff, the queue's own visibility timeout applies. */
    readonly baseSeconds: number;
    readonly maxSeconds: number;
    readonly sourceQueueUrl?: string;
  };
  readonly defaultProductPlanId?: string;
  /** REPLACEABLE_PLAN_IDS: the only current plans the workflow may replace. */
  readonly replaceablePlanIds: readonly string[];
  readonly deadLetterQueueUrl: string;
  readonly idempotency: {
    readonly tableName: string;
    readonly ttlSeconds: number;
    /** WRITE_SETTLE_SECONDS: how long a write claim forbids the same write (lib/provisioning/write-claims.ts). */
    readonly writeSettleSeconds: number;
  };
  readonly maxReceiveCount: number;
  readonly batchConcurrency: number;
  readonly deadlineMarginMs: number;
  readonly powertools: {
    readonly serviceName: string;
    readonly metricsNamespace: string;
    readonly logLevel: Env['POWERTOOLS_LOG_LEVEL'];
  };
};

/** Names of every variable the schema knows, for documentation and template checks. */
export const ENV_VARIABLE_NAMES = Object.keys(EnvSchema.shape) as readonly (keyof Env)[];

const toApiKeySource = (env: Env): ApiKeySource =>
  env.AMBERFLO_API_KEY_PARAMETER
    ? {
        kind: 'parameter',
        name: env.AMBERFLO_API_KEY_PARAMETER,
        maxAgeSeconds: env.AMBERFLO_API_KEY_MAX_AGE_SECONDS,
      }
    : { kind: 'value', value: env.AMBERFLO_API_KEY ?? '' };

/**
 * Parses the environment into a Config. Throws ConfigError listing every problem at once (never the values:
 * one of them may be the API key).
 */
export const loadConfig = (env: Readonly<Record<string, string | undefined>>): Config => {
  const parsed = EnvSchema.safeParse(env);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map(
        (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
      );
  // Checked outside the schema so that it is reported together with every other problem.
  const keySources = [env['AMBERFLO_API_KEY'], env['AMBERFLO_API_KEY_PARAMETER']].filter(Boolean);
  if (keySources.length !== 1) {
    issues.push(
      keySources.length === 0
        ? 'AMBERFLO_API_KEY_PARAMETER: required (or AMBERFLO_API_KEY for local runs)'
        : 'AMBERFLO_API_KEY_PARAMETER: set only one of AMBERFLO_API_KEY and AMBERFLO_API_KEY_PARAMETER',
    );
  }
  if (!parsed.success || issues.length > 0) {
    throw new ConfigError(`Invalid environment: ${issues.join('; ')}`, { issues });
  }
  const data = parsed.data;
  return {
    amberflo: {
      baseUrl: data.AMBERFLO_BASE_URL.replace(/\/+$/, ''),
      apiKey: toApiKeySource(data),
      productId: data.AMBERFLO_PRODUCT_ID,
      httpTimeoutMs: data.AMBERFLO_HTTP_TIMEOUT_MS,
      requestsPerSecond:
        data.AMBERFLO_MAX_REQUESTS_PER_SECOND / data.AMBERFLO_CONCURRENT_INVOCATIONS,
    },
    redelivery: {
      baseSeconds: data.RETRY_BACKOFF_BASE_SECONDS,
      maxSeconds: data.RETRY_BACKOFF_MAX_SECONDS,
      ...(data.SOURCE_QUEUE_URL ? { sourceQueueUrl: data.SOURCE_QUEUE_URL } : {}),
    },
    ...(data.DEFAULT_PRODUCT_PLAN_ID ? { defaultProductPlanId: data.DEFAULT_PRODUCT_PLAN_ID } : {}),
    replaceablePlanIds: data.REPLACEABLE_PLAN_IDS,
    deadLetterQueueUrl: data.DEAD_LETTER_QUEUE_URL,
    idempotency: {
      tableName: data.IDEMPOTENCY_TABLE_NAME,
      ttlSeconds: data.IDEMPOTENCY_TTL_SECONDS,
      writeSettleSeconds: data.WRITE_SETTLE_SECONDS,
    },
    maxReceiveCount: data.MAX_RECEIVE_COUNT,
    batchConcurrency: data.BATCH_CONCURRENCY,
    deadlineMarginMs: data.DEADLINE_MARGIN_MS,
    powertools: {
      serviceName: data.POWERTOOLS_SERVICE_NAME,
      metricsNamespace: data.POWERTOOLS_METRICS_NAMESPACE,
      logLevel: data.POWERTOOLS_LOG_LEVEL,
    },
  };
};
