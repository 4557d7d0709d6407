import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  countMessages,
  countVisible,
  type DlqFixture,
  seedDeadLetters,
  startDlqFixture,
} from './dlq-fixture.ts';

type Run = { code: number | null; stdout: string; stderr: string };

const CLI = join(import.meta.dirname, '../../../tools/dlq/cli.ts');

describe('dlq CLI (spawned against fauxqs)', () => {
  let fixture: DlqFixture;
  let workDir: string;

  const env = () => ({
    ...process.env,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: fixture.fauxqs.address,
    DEAD_LETTER_QUEUE_URL: fixture.dlqUrl,
    SOURCE_QUEUE_URL: fixture.sourceUrl,
  });

  const run = (args: string[], onStarted?: (kill: () => void, stderr: () => string) => void) =>
    new Promise<Run>((resolve, reject) => {
      // process.execPath is the Node 24 that runs vitest, the same one `npx node` finds.
      const child = spawn(process.execPath, [CLI, ...args], { env: env() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      onStarted?.(
        () => child.kill('SIGINT'),
        () => stderr + stdout,
      );
    });

  beforeAll(async () => {
    fixture = await startDlqFixture();
    workDir = await mkdtemp(join(tmpdir(), 'dlq-cli-'));
  });
  beforeEach(() => {
    fixture.fauxqs.reset();
  });
  afterAll(async () => {
    await fixture.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it.each([
    [['stats', '--max-scan', 'zero']],
    [['replay', '--code', 'NOT_A_CODE']],
    [['replay', '--since', 'last tuesday', '--dry-run']],
    [['replay', '--native']],
    [['replay']],
    [['purge', '--yes']],
    [['frobnicate']],
    [['list', '--unknown-flag']],
  ])('exits 2 with a clear error for %j', async (args) => {
    // Prepare
    // Act
    const result = await run(args);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error/);
  });

  it('prints stats as JSON', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [
      { failure: { code: 'AMBERFLO_AUTH' } },
      { failure: undefined },
    ]);
    // Act
    const result = await run(['stats', '--json']);
    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      total: 2,
      byCode: { AMBERFLO_AUTH: 1, UNKNOWN: 1 },
    });
  });

  it('lists messages as a table and leaves them visible', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [
      { customerId: 'cust-42', failure: {} },
      { body: '<<not json>>', failure: undefined },
    ]);
    // Act
    const result = await run(['list']);
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/MESSAGE ID\s+CUSTOMER\s+CODE/);
    expect(result.stdout).toMatch(/cust-42\s+AMBERFLO_UNAVAILABLE\s+createCustomer\s+5/);
    expect(result.stdout).toMatch(/\s-\s+UNKNOWN\s+-/);
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(2);
  });

  it('changes nothing on a dry run', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [{ failure: {} }, { failure: {} }]);
    // Act
    const result = await run(['replay', '--all', '--dry-run', '--json']);
    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dryRun: true, matched: 2 });
    expect(countVisible(fixture.fauxqs, fixture.dlqName)).toBe(2);
    expect(countMessages(fixture.fauxqs, fixture.sourceName)).toBe(0);
  });

  it('replays the matching messages and exits 0', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [
      { failure: { code: 'AMBERFLO_UNAVAILABLE' } },
      { failure: { code: 'AMBERFLO_REJECTED' } },
    ]);
    // Act
    const result = await run(['replay', '--code', 'AMBERFLO_UNAVAILABLE', '--json']);
    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ matched: 1, sent: 1, deleted: 1 });
    expect(countMessages(fixture.fauxqs, fixture.sourceName)).toBe(1);
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(1);
  });

  it('purges only with --yes', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [{ failure: { code: 'INVALID_MESSAGE' } }]);
    // Act
    const dryRun = await run(['purge', '--code', 'INVALID_MESSAGE']);
    const afterDryRun = countMessages(fixture.fauxqs, fixture.dlqName);
    const purge = await run(['purge', '--code', 'INVALID_MESSAGE', '--yes']);
    // Assess
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/Add --yes/);
    expect(afterDryRun).toBe(1);
    expect(purge.code).toBe(0);
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(0);
  });

  it('exports matching messages as JSON Lines without deleting them', async () => {
    // Prepare
    await seedDeadLetters(fixture.sqs, fixture.dlqUrl, [
      { customerId: 'c-1', failure: {} },
      { customerId: 'c-2', failure: {} },
    ]);
    const out = join(workDir, 'export.jsonl');
    // Act
    const result = await run(['export', '--out', out]);
    // Assess
    expect(result.code).toBe(0);
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.customerId).sort()).toEqual(['c-1', 'c-2']);
    expect(lines[0]).toMatchObject({
      body: expect.stringContaining('customerId'),
      failure: { code: 'AMBERFLO_UNAVAILABLE' },
      attributes: { 'event-type': { dataType: 'String', stringValue: 'account.created' } },
    });
    expect(countMessages(fixture.fauxqs, fixture.dlqName)).toBe(2);
  });

  it('stops on Ctrl-C, prints the summary, exits 130 and loses no message', async () => {
    // Prepare
    await seedDeadLetters(
      fixture.sqs,
      fixture.dlqUrl,
      Array.from({ length: 40 }, () => ({ failure: {} })),
    );
    // Act
    const result = await run(['replay', '--all', '--rate', '10'], (kill) => {
      const timer = setInterval(() => {
        if (countMessages(fixture.fauxqs, fixture.sourceName) >= 10) {
          clearInterval(timer);
          kill();
        }
      }, 20);
      timer.unref();
    });
    // Assess
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(/Stopped: interrupted/);
    const moved = countMessages(fixture.fauxqs, fixture.sourceName);
    expect(moved).toBeGreaterThanOrEqual(10);
    expect(moved).toBeLessThan(40);
    expect(countMessages(fixture.fauxqs, fixture.dlqName) + moved).toBe(40);
  });
});
