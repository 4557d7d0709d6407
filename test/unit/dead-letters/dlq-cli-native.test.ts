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
import { runDlqCliWith } from '../../helpers/dlq-cli-run.ts';

const DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/account-created-dlq';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:account-created-dlq';
const SOURCE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/account-created';

const runCli = (args: string[]) =>
  runDlqCliWith(new SQSClient({ region: 'us-east-1' }), args, { DEAD_LETTER_QUEUE_URL: DLQ_URL });

describe('dlq CLI move-task commands', () => {
  const sqsMock = mockClient(SQSClient);

  beforeEach(() => {
    sqsMock.reset();
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: DLQ_ARN } });
  });

  it('starts a native redrive with replay --all --native --rate', async () => {
    // Prepare
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-9' });
    // Act
    const result = await runCli(['replay', '--all', '--native', '--rate', '20', '--json']);
    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ taskHandle: 'task-9', sourceArn: DLQ_ARN });
    expect(sqsMock).toHaveReceivedCommandWith(StartMessageMoveTaskCommand, {
      SourceArn: DLQ_ARN,
      MaxNumberOfMessagesPerSecond: 20,
    });
  });

  it.each([
    [['replay', '--native']],
    [['replay', '--all', '--native', '--code', 'AMBERFLO_AUTH']],
    [['replay', '--all', '--native', '--dry-run']],
  ])('refuses %j with exit 2 and starts nothing', async (args) => {
    // Prepare
    // Act
    const result = await runCli(args);
    // Assess
    expect(result.code).toBe(2);
    expect(sqsMock).not.toHaveReceivedCommand(StartMessageMoveTaskCommand);
  });

  it.each([
    [['replay', '--native', '--queue-url', SOURCE_URL]],
    [['replay', '--all', '--native', '--max', '3', '--queue-url', SOURCE_URL]],
    [['replay', '--all', '--code', 'AMBERFLO_AUTH', '--queue-url', SOURCE_URL]],
    [['replay', '--code', 'AMBERFLO_AUTH']],
  ])('refuses %j with exit 2 before any call to AWS', async (args) => {
    // Prepare
    // Act
    const result = await runCli(args);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid arguments/);
    expect(sqsMock.calls()).toHaveLength(0);
  });

  it('exits 1 with the reason when AWS refuses the move task', async () => {
    // Prepare
    sqsMock.on(StartMessageMoveTaskCommand).rejects(new Error('Source queue is not a DLQ'));
    // Act
    const result = await runCli(['replay', '--all', '--native']);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/StartMessageMoveTask failed: .*not a DLQ/);
  });

  it('shows move tasks as a table with status', async () => {
    // Prepare
    sqsMock.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ TaskHandle: 'task-9', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 3 }],
    });
    // Act
    const result = await runCli(['status']);
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/TASK\s+STATUS\s+MOVED/);
    expect(result.stdout).toMatch(/task-9\s+RUNNING\s+3/);
  });

  it('cancels a move task', async () => {
    // Prepare
    sqsMock.on(CancelMessageMoveTaskCommand).resolves({ ApproximateNumberOfMessagesMoved: 3 });
    // Act
    const result = await runCli(['cancel', 'task-9', '--json']);
    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ taskHandle: 'task-9', moved: 3 });
  });

  it('exits 2 when cancel has no task handle', async () => {
    // Prepare
    // Act
    const result = await runCli(['cancel']);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing required argument/);
  });
});
