import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HEAP_FLAGS } from '../../../lib/cli/dlq.ts';
import { FAILURE_ATTRIBUTE } from '../../../lib/dead-letters/failure-metadata.ts';
import { type DlqFixture, failureFactory, startDlqFixture } from './dlq-fixture.ts';

const CLI = join(import.meta.dirname, '../../../lib/cli/dlq.ts');
const PROBE_PREFIX = 'heap-probe:';
// Printed by every image the process runs, before the CLI's own code: its pid and its runtime flags.
const PROBE = `--import=data:text/javascript,process.stderr.write('${PROBE_PREFIX}'+JSON.stringify({pid:process.pid,execArgv:process.execArgv})+String.fromCharCode(10))`;

type Run = { code: number | null; pid: number; stdout: string; stderr: string; peakRssMb: number };

/** Peak resident set (VmHWM) of a running process, from /proc (Linux); 0 once it is gone. */
const readPeakRssMb = async (pid: number): Promise<number> => {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

describe('dlq CLI process memory (spawned against fauxqs)', () => {
  let fixture: DlqFixture;

  const run = (args: string[], nodeOptions: string): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: {
          ...process.env,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_ENDPOINT_URL_SQS: fixture.fauxqs.address,
          DEAD_LETTER_QUEUE_URL: fixture.dlqUrl,
          NODE_OPTIONS: nodeOptions,
        },
      });
      let stdout = '';
      let stderr = '';
      let peakRssMb = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const sampler = setInterval(() => {
        void readPeakRssMb(child.pid ?? 0).then((mb) => {
          peakRssMb = Math.max(peakRssMb, mb);
        });
      }, 25);
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearInterval(sampler);
        clearTimeout(timer);
        resolve({ code, pid: child.pid ?? 0, stdout, stderr, peakRssMb });
      });
    });

  const probes = (stderr: string): { pid: number; execArgv: string[] }[] =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith(PROBE_PREFIX))
      .map((line) => JSON.parse(line.slice(PROBE_PREFIX.length)));

  const seed = (count: number): void => {
    for (let index = 0; index < count; index += 1) {
      fixture.fauxqs.sendMessage(
        fixture.dlqName,
        JSON.stringify({ customerId: `customer-${index}`, customerName: 'Acme' }),
        {
          messageAttributes: {
            [FAILURE_ATTRIBUTE]: {
              DataType: 'String',
              StringValue: JSON.stringify(failureFactory({ sourceMessageId: `source-${index}` })),
            },
          },
        },
      );
    }
  };

  beforeAll(async () => {
    fixture = await startDlqFixture('dlq-memory');
  });
  beforeEach(() => {
    fixture.fauxqs.reset();
  });
  afterAll(async () => {
    await fixture.stop();
  });

  it('replaces itself in place with the heap flags before running the command', async () => {
    // Prepare
    seed(3);
    // Act
    const result = await run(['stats', '--json'], PROBE);
    // Assess
    expect(result.code).toBe(0);
    const images = probes(result.stderr);
    expect(images.map((image) => image.pid)).toEqual([result.pid, result.pid]);
    expect(images[0]?.execArgv).toEqual([]);
    expect(images[1]?.execArgv).toEqual([...HEAP_FLAGS]);
    expect(JSON.parse(result.stdout)).toMatchObject({ total: 3 });
  });

  it('keeps the heap limits an operator set and does not re-execute', async () => {
    // Prepare
    seed(1);
    // Act
    const result = await run(['stats', '--json'], `--max-old-space-size=300 ${PROBE}`);
    // Assess
    expect(result.code).toBe(0);
    expect(probes(result.stderr)).toEqual([{ pid: result.pid, execArgv: [] }]);
  });

  it.runIf(process.platform === 'linux')(
    'scans 10,000 dead letters in under 150 MB of resident memory',
    async () => {
      // Prepare
      seed(10_000);
      // Act
      const result = await run(
        ['stats', '--json', '--max-scan', '10000', '--visibility-timeout', '300'],
        '',
      );
      // Assess
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ total: 10_000, notReleased: 0 });
      expect(result.peakRssMb).toBeGreaterThan(0);
      expect(result.peakRssMb).toBeLessThan(150);
    },
    60_000,
  );
});
