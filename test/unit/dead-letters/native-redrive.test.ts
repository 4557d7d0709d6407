import {
  CancelMessageMoveTaskCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../../lib/errors.ts';
import {
  cancelMoveTask,
  listMoveTasks,
  startNativeRedrive,
} from '../../../tools/dlq/native-redrive.ts';

const DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/account-created-dlq';
const SOURCE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/account-created';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:account-created-dlq';
const SOURCE_ARN = 'arn:aws:sqs:us-east-1:123456789012:account-created';

describe('native redrive', () => {
  const sqsMock = mockClient(SQSClient);
  const sqs = new SQSClient({ region: 'us-east-1' });

  beforeEach(() => {
    sqsMock.reset();
    sqsMock
      .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL })
      .resolves({ Attributes: { QueueArn: DLQ_ARN } })
      .on(GetQueueAttributesCommand, { QueueUrl: SOURCE_URL })
      .resolves({ Attributes: { QueueArn: SOURCE_ARN } });
  });

  it('starts a move task to the original sources when no source queue is given', async () => {
    // Prepare
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    // Act
    const task = await startNativeRedrive({ sqs, dlqUrl: DLQ_URL });
    // Assess
    expect(task).toEqual({ taskHandle: 'task-1', sourceArn: DLQ_ARN, destinationArn: undefined });
    expect(sqsMock).toHaveReceivedCommandWith(StartMessageMoveTaskCommand, { SourceArn: DLQ_ARN });
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).not.toHaveProperty(
      'DestinationArn',
    );
  });

  it('starts a move task to the given source queue at the given rate', async () => {
    // Prepare
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-2' });
    // Act
    await startNativeRedrive({ sqs, dlqUrl: DLQ_URL, sourceQueueUrl: SOURCE_URL, rate: 5 });
    // Assess
    expect(sqsMock).toHaveReceivedCommandWith(StartMessageMoveTaskCommand, {
      SourceArn: DLQ_ARN,
      DestinationArn: SOURCE_ARN,
      MaxNumberOfMessagesPerSecond: 5,
    });
  });

  it('wraps a refused start in DependencyUnavailableError', async () => {
    // Prepare
    sqsMock.on(StartMessageMoveTaskCommand).rejects(new Error('A move task is already running'));
    // Act
    const starting = startNativeRedrive({ sqs, dlqUrl: DLQ_URL });
    // Assess
    await expect(starting).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(starting).rejects.toThrow(/StartMessageMoveTask failed: .*already running/);
  });

  it('lists the move tasks of the DLQ', async () => {
    // Prepare
    sqsMock.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          TaskHandle: 'task-1',
          Status: 'RUNNING',
          SourceArn: DLQ_ARN,
          ApproximateNumberOfMessagesMoved: 40,
          ApproximateNumberOfMessagesToMove: 100,
          MaxNumberOfMessagesPerSecond: 10,
          StartedTimestamp: Date.parse('2026-01-01T00:00:00.000Z'),
        },
        { Status: 'COMPLETED', SourceArn: DLQ_ARN, ApproximateNumberOfMessagesMoved: 7 },
      ],
    });
    // Act
    const tasks = await listMoveTasks({ sqs, dlqUrl: DLQ_URL });
    // Assess
    expect(sqsMock).toHaveReceivedCommandWith(ListMessageMoveTasksCommand, { SourceArn: DLQ_ARN });
    expect(tasks).toEqual([
      expect.objectContaining({
        taskHandle: 'task-1',
        status: 'RUNNING',
        approximateNumberOfMessagesMoved: 40,
        approximateNumberOfMessagesToMove: 100,
        startedAt: '2026-01-01T00:00:00.000Z',
      }),
      expect.objectContaining({ taskHandle: null, status: 'COMPLETED', startedAt: null }),
    ]);
  });

  it('cancels a move task and reports what it had moved', async () => {
    // Prepare
    sqsMock.on(CancelMessageMoveTaskCommand).resolves({ ApproximateNumberOfMessagesMoved: 12 });
    // Act
    const moved = await cancelMoveTask({ sqs, taskHandle: 'task-1' });
    // Assess
    expect(moved).toBe(12);
    expect(sqsMock).toHaveReceivedCommandWith(CancelMessageMoveTaskCommand, {
      TaskHandle: 'task-1',
    });
  });

  it('wraps a failed queue lookup in DependencyUnavailableError', async () => {
    // Prepare
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL }).rejects(new Error('AccessDenied'));
    // Act
    const listing = listMoveTasks({ sqs, dlqUrl: DLQ_URL });
    // Assess
    await expect(listing).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
