import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Options of `createLambdaContext`. */
export type LambdaContextOptions = {
  /** Time the invocation may run, in ms; `getRemainingTimeInMillis` counts down from it. */
  readonly remainingMs?: number;
  readonly functionName?: string;
};

/** A minimal Lambda context for local invocations, with a real countdown. */
export const createLambdaContext = ({
  remainingMs = 30_000,
  functionName = 'billing-provisioning-local-accountCreated',
}: LambdaContextOptions = {}): Context => {
  const endsAt = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
};
