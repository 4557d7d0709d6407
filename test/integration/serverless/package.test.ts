import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_VARIABLE_NAMES } from '../../../lib/config.ts';
import { FAILURE_METADATA_MAX_BYTES } from '../../../lib/dead-letters/failure-metadata.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Template = { Resources: Record<string, Resource>; Outputs: Record<string, unknown> };
type Statement = { Effect: string; Action: string[]; Resource: unknown; Condition?: unknown };

const STAGE = 'packagetest';
// Outside the project: osls copies .serverless/ into the --package directory.
const OUT = mkdtempSync(join(tmpdir(), 'osls-package-'));

/** Reads one stored or deflated entry of a zip archive (enough for the osls artifact). */
const readZipEntry = (zip: Buffer, name: string): Buffer | undefined => {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  for (let index = 0; index < entries; index++) {
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const entryName = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (entryName === name) {
      const dataStart =
        localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      return method === 0 ? Buffer.from(data) : inflateRawSync(data);
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
};

describe('serverless.yml packaged offline with osls', () => {
  let template: Template;
  let zip: Buffer;

  beforeAll(() => {
    // No AWS credentials on purpose: packaging must work offline.
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: tmpdir() };
    const result = spawnSync(
      process.execPath,
      ['node_modules/osls/bin/serverless.js', 'package', '--stage', STAGE, '--package', OUT],
      { env, encoding: 'utf8', timeout: 120_000 },
    );
    if (result.status !== 0) {
      throw new Error(
        `osls package failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
      );
    }
    template = JSON.parse(
      readFileSync(join(OUT, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
    zip = readFileSync(join(OUT, 'billing-provisioning.zip'));
  }, 150_000);

  afterAll(() => rmSync(OUT, { recursive: true, force: true }));

  const ofType = (type: string) =>
    Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
  const single = (type: string): Resource => {
    const [entry] = ofType(type);
    if (!entry) throw new Error(`no ${type} in the template`);
    return entry[1];
  };
  const statements = (): Statement[] => {
    const role = single('AWS::IAM::Role').Properties as {
      Policies: { PolicyDocument: { Statement: Statement[] } }[];
    };
    return role.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
  };
  const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
  const actionsOn = (resource: unknown) =>
    statements()
      .filter((statement) => JSON.stringify(statement.Resource).includes(JSON.stringify(resource)))
      .flatMap((statement) => statement.Action)
      .sort();

  it('deploys an arm64 nodejs24.x function whose bundle is ESM', () => {
    // Act
    const fn = single('AWS::Lambda::Function').Properties;
    // Assess
    expect(fn['Runtime']).toBe('nodejs24.x');
    expect(fn['Architectures']).toEqual(['arm64']);
    expect(fn['Handler']).toBe('handlers/provision-account.handler');
    expect(readZipEntry(zip, 'handlers/provision-account.mjs')).toBeDefined();
  });

  it('wires the queue to the function with partial batch responses and a concurrency cap', () => {
    // Act
    const esm = single('AWS::Lambda::EventSourceMapping').Properties;
    // Assess
    expect(esm['EventSourceArn']).toEqual(getAtt('AccountCreatedQueue'));
    expect(esm['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
    expect(esm['ScalingConfig']).toEqual({ MaximumConcurrency: 2 });
    expect(esm['BatchSize']).toBe(10);
  });

  it('splits the Amberflo budget among exactly the invocations the event source mapping allows', () => {
    // Prepare
    const fn = single('AWS::Lambda::Function').Properties;
    const variables = (fn['Environment'] as { Variables: Record<string, unknown> }).Variables;
    // Act
    const esm = single('AWS::Lambda::EventSourceMapping').Properties;
    // Assess
    expect(Number(variables['AMBERFLO_CONCURRENT_INVOCATIONS'])).toBe(
      (esm['ScalingConfig'] as { MaximumConcurrency: number }).MaximumConcurrency,
    );
    expect(Number(variables['AMBERFLO_MAX_REQUESTS_PER_SECOND'])).toBe(10);
  });

  it('lets the deployed receives with redelivery backoff span at least two hours', () => {
    // Prepare
    const fn = single('AWS::Lambda::Function').Properties;
    const variables = (fn['Environment'] as { Variables: Record<string, unknown> }).Variables;
    const base = Number(variables['RETRY_BACKOFF_BASE_SECONDS']);
    const max = Number(variables['RETRY_BACKOFF_MAX_SECONDS']);
    const receives = Number(variables['MAX_RECEIVE_COUNT']);
    // Act: the delays after receives 1 … MAX_RECEIVE_COUNT−1, each shortened by the full 20 % jitter
    let shortest = 0;
    for (let receive = 1; receive < receives; receive++) {
      shortest += 0.8 * Math.min(max, base * 2 ** (receive - 1));
    }
    // Assess
    expect(shortest).toBeGreaterThanOrEqual(2 * 3600);
    expect(max).toBeLessThanOrEqual(43_200);
  });

  it('redrives to the DLQ a little after MAX_RECEIVE_COUNT, with visibility ≥ 6 × the timeout', () => {
    // Prepare
    const fn = single('AWS::Lambda::Function').Properties;
    const variables = (fn['Environment'] as { Variables: Record<string, unknown> }).Variables;
    // Act
    const queue = template.Resources['AccountCreatedQueue']?.Properties ?? {};
    const redrive = queue['RedrivePolicy'] as {
      deadLetterTargetArn: unknown;
      maxReceiveCount: number;
    };
    // Assess
    expect(redrive.deadLetterTargetArn).toEqual(getAtt('AccountCreatedDLQ'));
    expect(redrive.maxReceiveCount).toBe(Number(variables['MAX_RECEIVE_COUNT']) + 2);
    expect(Number(queue['VisibilityTimeout'])).toBeGreaterThanOrEqual(6 * Number(fn['Timeout']));
  });

  it('keeps dead letters 14 days and lets only the source queue use the DLQ', () => {
    // Act
    const dlq = template.Resources['AccountCreatedDLQ']?.Properties ?? {};
    // Assess
    expect(dlq['MessageRetentionPeriod']).toBe(1_209_600);
    expect(dlq['RedriveAllowPolicy']).toMatchObject({ redrivePermission: 'byQueue' });
    expect(JSON.stringify(dlq['RedriveAllowPolicy'])).toContain('account-created');
  });

  it("denies sqs:SendMessage on the DLQ to every principal but the function's role", () => {
    // Act
    const policy = single('AWS::SQS::QueuePolicy').Properties;
    // Assess
    expect(policy['Queues']).toEqual([{ Ref: 'AccountCreatedDLQ' }]);
    const role = ofType('AWS::IAM::Role')[0]?.[0];
    expect(role).toBe('IamRoleLambdaExecution');
    expect(policy['PolicyDocument']).toMatchObject({
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'sqs:SendMessage',
          Resource: getAtt('AccountCreatedDLQ'),
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': getAtt(role ?? '') } },
        },
      ],
    });
    expect(actionsOn(getAtt('AccountCreatedDLQ'))).toEqual(['sqs:SendMessage']);
  });

  it('lets a dead letter of a message at the source limit fit: the DLQ accepts our metadata on top', () => {
    // Act
    const queue = template.Resources['AccountCreatedQueue']?.Properties ?? {};
    const dlq = template.Resources['AccountCreatedDLQ']?.Properties ?? {};
    // Assess
    expect(Number(queue['MaximumMessageSize'])).toBe(262_144);
    expect(Number(dlq['MaximumMessageSize'])).toBe(1_048_576);
    expect(Number(dlq['MaximumMessageSize']) - Number(queue['MaximumMessageSize'])).toBeGreaterThan(
      FAILURE_METADATA_MAX_BYTES,
    );
  });

  it('creates the idempotency table on demand with TTL on expiration, kept longer than the DLQ', () => {
    // Prepare
    const fn = single('AWS::Lambda::Function').Properties;
    const variables = (fn['Environment'] as { Variables: Record<string, unknown> }).Variables;
    // Act
    const table = single('AWS::DynamoDB::Table').Properties;
    // Assess
    expect(table['BillingMode']).toBe('PAY_PER_REQUEST');
    expect(table['KeySchema']).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(table['TimeToLiveSpecification']).toEqual({
      AttributeName: 'expiration',
      Enabled: true,
    });
    expect(Number(variables['IDEMPOTENCY_TTL_SECONDS'])).toBeGreaterThan(1_209_600);
  });

  it('grants only what the function and its event source mapping use', () => {
    // Act
    const all = statements();
    // Assess
    expect(all.every((statement) => statement.Effect === 'Allow')).toBe(true);
    expect(JSON.stringify(all)).not.toMatch(/"Resource":"\*"|"Action":\["[a-z]+:\*"\]/);
    expect(new Set(actionsOn(getAtt('AccountCreatedQueue')))).toEqual(
      new Set([
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ]),
    );
    expect(actionsOn(getAtt('AccountCreatedDLQ'))).toEqual(['sqs:SendMessage']);
    expect(actionsOn(getAtt('IdempotencyTable'))).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    const ssm = all.filter((statement) =>
      statement.Action.some((action) => action.startsWith('ssm:')),
    );
    expect(ssm.flatMap((statement) => statement.Action)).toEqual(['ssm:GetParameter']);
    expect(JSON.stringify(ssm[0]?.Resource)).toContain(
      `parameter/billing-provisioning/${STAGE}/amberflo-api-key`,
    );
    const kms = all.filter((statement) => statement.Action.includes('kms:Decrypt'));
    expect(JSON.stringify(kms[0]?.Condition)).toContain('kms:ViaService');
  });

  it('alarms as soon as the DLQ holds a message', () => {
    // Act
    const alarm = single('AWS::CloudWatch::Alarm').Properties;
    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(JSON.stringify(alarm['Dimensions'])).toContain('AccountCreatedDLQ');
  });

  it('sets only environment variables the config schema knows, and no secret', () => {
    // Act
    const fn = single('AWS::Lambda::Function').Properties;
    const variables = (fn['Environment'] as { Variables: Record<string, unknown> }).Variables;
    // Assess
    expect(
      Object.keys(variables).filter((name) => !ENV_VARIABLE_NAMES.includes(name as never)),
    ).toEqual([]);
    expect(variables['AMBERFLO_API_KEY']).toBeUndefined();
    expect(variables['AMBERFLO_API_KEY_PARAMETER']).toBe(
      `/billing-provisioning/${STAGE}/amberflo-api-key`,
    );
    expect(JSON.stringify(template)).not.toMatch(/api[-_]?key"\s*:\s*"[A-Za-z0-9]{16,}/i);
  });

  it('outputs both queue URLs and ARNs', () => {
    // Act
    const outputs = template.Outputs;
    // Assess
    expect(outputs).toMatchObject({
      AccountCreatedQueueUrl: { Value: { Ref: 'AccountCreatedQueue' } },
      AccountCreatedQueueArn: { Value: getAtt('AccountCreatedQueue') },
      AccountCreatedDeadLetterQueueUrl: { Value: { Ref: 'AccountCreatedDLQ' } },
      AccountCreatedDeadLetterQueueArn: { Value: getAtt('AccountCreatedDLQ') },
    });
  });

  it('ships a minified bundle of at most 400 KB with its source map', () => {
    // Act
    const bundle = readZipEntry(zip, 'handlers/provision-account.mjs') ?? Buffer.alloc(0);
    const sourceMap = readZipEntry(zip, 'handlers/provision-account.mjs.map');
    // Assess
    expect(bundle.length).toBeGreaterThan(0);
    expect(bundle.length).toBeLessThanOrEqual(400 * 1024);
    // Minified: a few very long lines rather than one statement per line.
    expect(bundle.toString('utf8').split('\n').length).toBeLessThan(100);
    expect(bundle.toString('utf8')).toMatch(
      /\/\/# sourceMappingURL=provision-account\.mjs\.map\s*$/,
    );
    expect(JSON.parse(sourceMap?.toString('utf8') ?? '{}')).toMatchObject({ version: 3 });
  });

  it('builds a bundle that loads on Node 24 and exports the handler', () => {
    // Prepare
    // Under node_modules/: the bundle leaves @aws-sdk/* to the Lambda runtime, here our node_modules.
    mkdirSync(join(process.cwd(), 'node_modules', '.cache'), { recursive: true });
    const dir = mkdtempSync(join(process.cwd(), 'node_modules', '.cache', 'bundle-smoke-'));
    const bundle = readZipEntry(zip, 'handlers/provision-account.mjs');
    writeFileSync(join(dir, 'provision-account.mjs'), bundle ?? '');
    // Act
    const result = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(dir, 'provision-account.mjs'))}); console.log(typeof m.handler);`,
      ],
      {
        encoding: 'utf8',
        timeout: 30_000,
        env: {
          PATH: process.env['PATH'] ?? '',
          AWS_REGION: 'us-east-1',
          AMBERFLO_API_KEY: 'bundle-smoke-test-key',
          DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/000000000000/dlq',
          IDEMPOTENCY_TABLE_NAME: 'idempotency',
        },
      },
    );
    rmSync(dir, { recursive: true, force: true });
    // Assess
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function');
  });
});
