import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

/** Options a test or a local run may set; production passes none and the SDK reads its standard variables. */
export type SqsClientOptions = {
  /** An explicit endpoint (tests hand out queue URLs on this same address, see toolchain.md §2). */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
};

/**
 * Builds the one SQS client the DLQ tools use. Region, credentials and `AWS_ENDPOINT_URL_SQS` come from the SDK's
 * standard variables unless given. Every request is bounded in time, so a stuck call cannot hang a replay.
 */
export const createSqsClient = (options: SqsClientOptions = {}): SQSClient => {
  const config: SQSClientConfig = {
    // Bounded per request: a replay finishes its in-flight batch on Ctrl-C, and that batch must end.
    // throwOnRequestTimeout: without it smithy only logs a warning when requestTimeout passes and keeps waiting.
    requestHandler: {
      connectionTimeout: 3_000,
      requestTimeout: 25_000,
      throwOnRequestTimeout: true,
    },
    maxAttempts: 3,
    // A scan sends thousands of identical commands; resolving the middleware stack once per command class
    // instead of per call removes about a tenth of the SDK's per-request garbage (we add no per-command middleware).
    cacheMiddleware: true,
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.region !== undefined) config.region = options.region;
  if (options.credentials !== undefined) config.credentials = { ...options.credentials };
  return new SQSClient(config);
};
