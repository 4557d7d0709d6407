import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AmberfloHttpEvent, createAmberfloHttp } from '../../../lib/amberflo/http.ts';
import { isAppError } from '../../../lib/errors.ts';
import {
  type AmberfloEmulator,
  startAmberfloEmulator,
} from '../../../tools/amberflo-emulator/server.ts';

const API_KEY = 'http-limits-key-4d2a';
const read = { method: 'GET' as const, path: '/customers', searchParams: { customerId: 'c1' } };

describe('the HTTP layer within Amberflo limits (emulator on loopback)', () => {
  let emulator: AmberfloEmulator;

  beforeAll(async () => {
    emulator = await startAmberfloEmulator({ port: 0, apiKey: API_KEY });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.stop());

  const createHttp = (options: Partial<Parameters<typeof createAmberfloHttp>[0]> = {}) => {
    const events: AmberfloHttpEvent[] = [];
    const http = createAmberfloHttp({
      baseUrl: emulator.url,
      getApiKey: () => API_KEY,
      timeoutMs: 2_000,
      onEvent: (event) => events.push(event),
      ...options,
    });
    return { http, events };
  };

  it('paces requests to its share of the budget', async () => {
    // Prepare
    const { http, events } = createHttp({ requestsPerSecond: 10 });
    // Act
    for (let index = 0; index < 6; index++) await http.request(read);
    // Assess
    const times = emulator.requestLog().map((entry) => entry.receivedAt);
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(450);
    expect(events.filter((event) => event.type === 'paced').length).toBeGreaterThanOrEqual(4);
  });

  it('pauses every caller after a 429 for its Retry-After', async () => {
    // Prepare
    const { http, events } = createHttp({ requestsPerSecond: 1_000 });
    emulator.failNext('GET /customers', 'error-429', 1, { retryAfterSeconds: 1 });
    // Act
    await http.request(read);
    await Promise.all([http.request(read), http.request(read)]);
    // Assess
    const [first, ...rest] = emulator.requestLog().map((entry) => entry.receivedAt);
    for (const time of rest) expect(time - (first ?? 0)).toBeGreaterThanOrEqual(990);
    expect(events).toContainEqual({ type: 'throttled', status: 429, pauseMs: 1_000 });
  });

  it('refuses without a request when the budget cannot grant before the deadline', async () => {
    // Prepare
    const { http } = createHttp({ requestsPerSecond: 1 });
    await http.request(read);
    // Act
    const error = await http.request(read, { deadline: Date.now() + 300 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    // Assess
    expect(isAppError(error) && error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect((error as { sendRefused?: boolean }).sendRefused).toBe(true);
    expect(emulator.requestLog()).toHaveLength(1);
  });

  it('opens the circuit after consecutive unavailable answers and closes it on a probe', async () => {
    // Prepare
    const { http, events } = createHttp({ circuit: { threshold: 3, coolDownMs: 300 } });
    emulator.failNext('GET /customers', 'error-500', 3);
    for (let index = 0; index < 3; index++) await http.request(read);
    // Act
    const refused = await http.request(read).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await new Promise((resolve) => setTimeout(resolve, 350));
    const probe = await http.request(read);
    // Assess
    expect((refused as { sendRefused?: boolean }).sendRefused).toBe(true);
    expect(probe.status).toBe(200);
    expect(emulator.requestLog()).toHaveLength(4);
    expect(events.map((event) => event.type).filter((type) => type.startsWith('circuit'))).toEqual([
      'circuit-opened',
      'circuit-closed',
    ]);
  });

  const outcome = (pending: Promise<unknown>) =>
    pending.then(
      () => 'sent',
      (thrown: unknown) =>
        (thrown as { sendRefused?: boolean }).sendRefused === true ? 'refused' : 'failed',
    );

  it('refuses the calls still waiting for a token once the circuit opened', async () => {
    // Prepare: 4 requests/s, so that the circuit opens (two 500s) while six calls still wait for their tokens.
    const { http } = createHttp({
      requestsPerSecond: 4,
      circuit: { threshold: 2, coolDownMs: 60_000 },
    });
    emulator.failNext('GET /customers', 'error-500', 8);
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => outcome(http.request(read))),
    );
    // Assess
    expect(emulator.requestLog()).toHaveLength(2);
    expect(outcomes.filter((result) => result === 'refused')).toHaveLength(6);
    expect(http.circuit.state()).toBe('open');
  });

  it('refuses unsent a request whose token would leave it less than its minimum time', async () => {
    // Prepare: one request per second, its token spent; the next token comes 1 s later, 0.5 s before the deadline.
    const { http, events } = createHttp({ requestsPerSecond: 1, minRequestMs: 1_000 });
    await http.request(read);
    // Act
    const late = await outcome(http.request(read, { deadline: Date.now() + 1_500 }));
    const short = await outcome(http.request(read, { deadline: Date.now() + 600 }));
    // Assess
    expect([late, short]).toEqual(['refused', 'refused']);
    expect(emulator.requestLog()).toHaveLength(1);
    expect(events.filter((event) => event.type === 'refused')).toHaveLength(2);
  });

  it('does not count a timeout cut short by the caller’s deadline against Amberflo', async () => {
    // Prepare: the answer hangs; one call times out on its own timeout, the other on the caller's deadline.
    const cutByDeadline = createHttp({ minRequestMs: 100, circuit: { threshold: 1 } }).http;
    const ownTimeout = createHttp({
      timeoutMs: 300,
      minRequestMs: 100,
      circuit: { threshold: 1 },
    }).http;
    emulator.failNext('GET /customers', 'hang', 3);
    // Act: the second call passes a timeout already cut to its deadline, as the workflow interpreter does.
    const first = await outcome(cutByDeadline.request(read, { deadline: Date.now() + 300 }));
    const deadline = Date.now() + 300;
    const second = await outcome(
      cutByDeadline.request(read, { deadline, timeoutMs: deadline - Date.now() }),
    );
    const third = await outcome(ownTimeout.request(read));
    // Assess
    expect([first, second, third]).toEqual(['failed', 'failed', 'failed']);
    expect(emulator.requestLog()).toHaveLength(3);
    expect(cutByDeadline.circuit.state()).toBe('closed');
    expect(ownTimeout.circuit.state()).toBe('open');
  });
});

describe('the emulator’s rate-limit and outage modes', () => {
  let emulator: AmberfloEmulator;

  beforeAll(async () => {
    emulator = await startAmberfloEmulator({ port: 0, apiKey: API_KEY });
  });
  afterAll(() => emulator.stop());

  const get = () =>
    fetch(`${emulator.url}/customers?customerId=c1`, { headers: { 'x-api-key': API_KEY } });

  it('answers 429 with Retry-After over the limit, set through the admin API', async () => {
    // Prepare
    await fetch(`${emulator.url}/_emulator/rate-limit`, {
      method: 'PUT',
      body: JSON.stringify({ requestsPerSecond: 2, burst: 2 }),
    });
    // Act
    const statuses = [];
    let retryAfter: string | null = null;
    for (let index = 0; index < 4; index++) {
      const response = await get();
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    await fetch(`${emulator.url}/_emulator/rate-limit`, { method: 'DELETE' });
    // Assess
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(retryAfter).toBe('1');
    expect((await get()).status).toBe(200);
  });

  it('answers 503 to everything during an outage window, then recovers', async () => {
    // Prepare
    const response = await fetch(`${emulator.url}/_emulator/outage`, {
      method: 'PUT',
      body: JSON.stringify({ seconds: 0.3, retryAfterSeconds: 2 }),
    });
    // Act
    const during = await get();
    await new Promise((resolve) => setTimeout(resolve, 350));
    const after = await get();
    // Assess
    expect(response.status).toBe(200);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('2');
    expect(after.status).toBe(200);
    expect(emulator.requestLog().map((entry) => entry.limited ?? null)).toContain('outage');
  });
});
