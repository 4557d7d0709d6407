import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';

const started: ChildProcess[] = [];

const run = (args: string[]): ChildProcess => {
  // detached: the child leads its own process group, so stopping it also stops the node under npx.
  const child = spawn('npx', ['node', 'tools/amberflo-emulator/cli.ts', ...args], {
    cwd: process.cwd(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  return child;
};

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  }
};

/** Resolves with the printed URL, or rejects after `ms`. */
const waitForUrl = (child: ChildProcess, ms: number): Promise<string> =>
  new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`No URL within ${ms} ms: ${output}`)), ms);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Amberflo emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });

const exitCode = async (child: ChildProcess, ms: number): Promise<number | null> => {
  if (child.exitCode !== null) return child.exitCode;
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), ms);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return code;
};

describe('amberflo-emulator CLI', () => {
  afterEach(() => {
    for (const child of started.splice(0)) signalGroup(child, 'SIGKILL');
  });

  it('prints its URL, serves the API with the given key, and stops cleanly on SIGTERM', async () => {
    // Prepare
    const child = run(['--port', '0', '--api-key', 'cli-key-1234', '--default-plan', 'dp']);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const url = await waitForUrl(child, 15_000);
    // Act
    const created = await fetch(`${url}/customers`, {
      method: 'POST',
      headers: { 'x-api-key': 'cli-key-1234', 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'a', customerName: 'A' }),
      signal: AbortSignal.timeout(2_000),
    });
    const refused = await fetch(`${url}/customers`, { signal: AbortSignal.timeout(2_000) });
    const history = await fetch(
      `${url}/payments/pricing/amberflo/customer-pricing/list?CustomerId=a`,
      {
        headers: { 'x-api-key': 'cli-key-1234' },
        signal: AbortSignal.timeout(2_000),
      },
    );
    const closed = once(child, 'close');
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
    await closed;
    clearTimeout(timer);
    const afterStop = await fetch(`${url}/_emulator/health`, {
      signal: AbortSignal.timeout(1_000),
    }).then(
      () => 'answered',
      () => 'refused',
    );
    // Assess
    expect(created.status).toBe(200);
    expect(refused.status).toBe(401);
    expect(await history.json()).toEqual([expect.objectContaining({ productPlanId: 'dp' })]);
    expect(output).toContain('Received SIGTERM, stopping');
    expect(afterStop).toBe('refused');
  });

  it('injects faults from --fault-rate', async () => {
    // Prepare
    const child = run(['--port', '0', '--api-key', 'k-1234', '--fault-rate', '1', '--seed', '3']);
    const url = await waitForUrl(child, 15_000);
    // Act
    const response = await fetch(`${url}/customers`, {
      headers: { 'x-api-key': 'k-1234' },
      signal: AbortSignal.timeout(2_000),
    });
    // Assess
    expect([500, 503, 429]).toContain(response.status);
  });

  it('starts in rate-limit and outage modes from --rate-limit and --outage', async () => {
    // Prepare
    const child = run([
      '--port',
      '0',
      '--api-key',
      'k-1234',
      '--rate-limit',
      '1',
      '--outage',
      '600',
      '--outage-retry-after',
      '5',
    ]);
    const url = await waitForUrl(child, 15_000);
    const get = () =>
      fetch(`${url}/customers?customerId=a`, {
        headers: { 'x-api-key': 'k-1234' },
        signal: AbortSignal.timeout(2_000),
      });
    // Act
    const down = await get();
    await fetch(`${url}/_emulator/outage`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(2_000),
    });
    const statuses = [(await get()).status, (await get()).status];
    const limits = (await (
      await fetch(`${url}/_emulator/rate-limit`, { signal: AbortSignal.timeout(2_000) })
    ).json()) as unknown;
    // Assess
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(statuses).toEqual([200, 429]);
    expect(limits).toEqual({ rateLimit: { requestsPerSecond: 1 } });
  });

  it('exits 2 on invalid arguments', async () => {
    // Act
    const child = run(['--port', '0', '--api-key', 'k', '--auth-status', '418']);
    const code = await exitCode(child, 15_000);
    // Assess
    expect(code).toBe(2);
  });
});
