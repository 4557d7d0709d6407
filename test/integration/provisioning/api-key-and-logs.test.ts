import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import { createDependencies } from '../../../lib/dependencies.ts';
import { createBatchHandler } from '../../../lib/provisioning/handle-batch.ts';
import {
  type AmberfloEmulator,
  startAmberfloEmulator,
} from '../../../tools/amberflo-emulator/server.ts';
import {
  accountCreatedFactory,
  envFactory,
  lambdaContextFactory,
  sqsRecordFactory,
} from '../../helpers/factories.ts';
import { type LocalAws, startLocalAws } from '../../helpers/local-aws.ts';

const API_KEY = 'ssm-held-api-key-3e9b27';
const PARAMETER = '/billing-provisioning/test/amberflo-api-key';

describe('the API key from SSM, and what the logs carry', () => {
  const ssmMock = mockClient(SSMClient);
  let aws: LocalAws;
  let amberflo: AmberfloEmulator;

  beforeAll(async () => {
    aws = await startLocalAws();
    amberflo = await startAmberfloEmulator({ port: 0, apiKey: API_KEY });
  });

  beforeEach(async () => {
    // Metrics off, except where the logs are checked: there EMF lines are output a secret must stay out of too.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    ssmMock.reset();
    await aws.reset();
    amberflo.reset();
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    ssmMock.restore();
    await amberflo?.stop();
    await aws?.stop();
  });

  const buildHandler = (env: Record<string, string | undefined> = {}) =>
    createBatchHandler(
      createDependencies(
        loadConfig(
          envFactory({
            AMBERFLO_BASE_URL: amberflo.url,
            AMBERFLO_API_KEY: undefined,
            AMBERFLO_API_KEY_PARAMETER: PARAMETER,
            DEAD_LETTER_QUEUE_URL: aws.deadLetterQueue.queueUrl,
            IDEMPOTENCY_TABLE_NAME: aws.tableName,
            ...env,
          }),
        ),
        {
          awsClients: {
            sqs: aws.sqs,
            dynamodb: aws.dynamodb,
            ssm: new SSMClient({ region: 'us-east-1' }),
          },
        },
      ),
      { timeoutEarlyInMillis: 0 },
    );

  it('reads the key once, decrypted, and provisions with it', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Value: API_KEY } });
    const handler = buildHandler();
    // Act
    const first = await handler(
      { Records: [sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-ssm-1' }))] },
      lambdaContextFactory(),
    );
    const second = await handler(
      { Records: [sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-ssm-2' }))] },
      lambdaContextFactory(),
    );
    // Assess
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssmMock).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: PARAMETER,
      WithDecryption: true,
    });
    expect(amberflo.requestLog().every((entry) => entry.apiKey === 'valid')).toBe(true);
  });

  it('retries the record, without calling Amberflo, when SSM is unavailable', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).rejects(new Error('ssm endpoint unreachable'));
    const handler = buildHandler();
    const record = sqsRecordFactory(accountCreatedFactory({ customerId: 'acct-no-ssm' }), {
      messageId: 'no-ssm',
    });
    // Act
    const response = await handler({ Records: [record] }, lambdaContextFactory());
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'no-ssm' }]);
    expect(amberflo.requestLog()).toEqual([]);
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });

  it('logs message ids, customer ids, steps and codes, but never the key, the e-mail or the body', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Value: API_KEY } });
    amberflo.setSwitches({ echoApiKeyInErrors: true });
    amberflo.failNext('POST /customers', 'error-503', 3);
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk) => {
        lines.push(String(chunk));
        return true;
      });
    }
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const handler = buildHandler({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    const body = accountCreatedFactory({
      customerId: 'acct-logged',
      customerEmail: 'jane.doe@private.example',
    });
    // Act
    await handler(
      {
        Records: [
          sqsRecordFactory(body, { messageId: 'log-1' }),
          sqsRecordFactory('{"customerEmail":"jane.doe@private.example"}', { messageId: 'log-2' }),
        ],
      },
      lambdaContextFactory(),
    );
    vi.restoreAllMocks();
    // Assess
    const logs = lines.join('');
    expect(logs).toContain('"_aws"');
    expect(logs).not.toContain(API_KEY);
    expect(logs).not.toContain('jane.doe');
    const entries = lines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{') && line.includes('"level"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        messageId: 'log-1',
        customerId: 'acct-logged',
        code: 'AMBERFLO_UNAVAILABLE',
        step: 'createCustomer',
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ messageId: 'log-2', code: 'INVALID_MESSAGE' }),
    );
  });
});
