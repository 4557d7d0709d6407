import {
  CancelMessageMoveTaskCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { DependencyUnavailableError } from '../../lib/errors.ts';
import { toDependencyError } from './scan.ts';

/** Looks up a queue's ARN. Throws DependencyUnavailableError when SQS fails or answers without one. */
export const getQueueArn = async (sqs: SQSClient, queueUrl: string): Promise<string> => {
  let arn: string | undefined;
  try {
    const response = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    arn = response.Attributes?.QueueArn;
  } catch (error) {
    throw toDependencyError('GetQueueAttributes', error);
  }
  if (arn === undefined) throw new DependencyUnavailableError(`No QueueArn for ${queueUrl}`);
  return arn;
};

/** A started AWS-side move task. */
export type NativeRedrive = {
  readonly taskHandle: string;
  readonly sourceArn: string;
  /** Undefined when AWS moves each message back to the queue it came from. */
  readonly destinationArn: string | undefined;
};

/**
 * Starts an AWS message move task from the dead-letter queue: everything, no filter. Without a source queue URL,
 * AWS sends each message back to its original source. Throws DependencyUnavailableError when SQS refuses.
 */
export const startNativeRedrive = async (options: {
  readonly sqs: SQSClient;
  readonly dlqUrl: string;
  readonly sourceQueueUrl?: string;
  readonly rate?: number;
}): Promise<NativeRedrive> => {
  const sourceArn = await getQueueArn(options.sqs, options.dlqUrl);
  const destinationArn =
    options.sourceQueueUrl === undefined
      ? undefined
      : await getQueueArn(options.sqs, options.sourceQueueUrl);
  try {
    const response = await options.sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: sourceArn,
        ...(destinationArn === undefined ? {} : { DestinationArn: destinationArn }),
        ...(options.rate === undefined ? {} : { MaxNumberOfMessagesPerSecond: options.rate }),
      }),
    );
    return { taskHandle: response.TaskHandle ?? '', sourceArn, destinationArn };
  } catch (error) {
    throw toDependencyError('StartMessageMoveTask', error);
  }
};

/** One move task as `status` shows it. */
export type MoveTaskStatus = {
  readonly taskHandle: string | null;
  readonly status: string;
  readonly sourceArn: string;
  readonly destinationArn: string | null;
  readonly maxNumberOfMessagesPerSecond: number | null;
  readonly approximateNumberOfMessagesMoved: number;
  readonly approximateNumberOfMessagesToMove: number | null;
  readonly failureReason: string | null;
  readonly startedAt: string | null;
};

/** Lists the recent move tasks of the dead-letter queue (newest first). Throws DependencyUnavailableError. */
export const listMoveTasks = async (options: {
  readonly sqs: SQSClient;
  readonly dlqUrl: string;
  readonly maxResults?: number;
}): Promise<MoveTaskStatus[]> => {
  const sourceArn = await getQueueArn(options.sqs, options.dlqUrl);
  try {
    const response = await options.sqs.send(
      new ListMessageMoveTasksCommand({
        SourceArn: sourceArn,
        MaxResults: options.maxResults ?? 10,
      }),
    );
    return (response.Results ?? []).map((task) => ({
      taskHandle: task.TaskHandle ?? null,
      status: task.Status ?? 'UNKNOWN',
      sourceArn: task.SourceArn ?? sourceArn,
      destinationArn: task.DestinationArn ?? null,
      maxNumberOfMessagesPerSecond: task.MaxNumberOfMessagesPerSecond ?? null,
      approximateNumberOfMessagesMoved: task.ApproximateNumberOfMessagesMoved ?? 0,
      approximateNumberOfMessagesToMove: task.ApproximateNumberOfMessagesToMove ?? null,
      failureReason: task.FailureReason ?? null,
      startedAt:
        task.StartedTimestamp === undefined ? null : new Date(task.StartedTimestamp).toISOString(),
    }));
  } catch (error) {
    throw toDependencyError('ListMessageMoveTasks', error);
  }
};

/** Cancels a running move task; returns how many messages it had moved. Throws DependencyUnavailableError. */
export const cancelMoveTask = async (options: {
  readonly sqs: SQSClient;
  readonly taskHandle: string;
}): Promise<number> => {
  try {
    const response = await options.sqs.send(
      new CancelMessageMoveTaskCommand({ TaskHandle: options.taskHandle }),
    );
    return response.ApproximateNumberOfMessagesMoved ?? 0;
  } catch (error) {
    throw toDependencyError('CancelMessageMoveTask', error);
  }
};
