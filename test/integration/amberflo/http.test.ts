import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAmberfloHttp } from '../../../lib/amberflo/http.ts';
import { isAppError } from '../../../lib/errors.ts';
import {
  type AmberfloFixture,
  captureError,
  errorText,
  startAmberfloFixture,
  TEST_API_KEY,
} from '../../helpers/amberflo-fixtures.ts';

describe('createAmberfloHttp', () => {
  let fixture: AmberfloFixture;

  beforeAll(async () => {
    fixture = await startAmberfloFixture({}, { timeoutMs: 1_000 });
  });
  beforeEach(() => fixture.emulator.reset());
  afterAll(() => fixture.emulator.stop());

  it.each([
    ['GET /customers', 'error-503', 'GET'],
    ['POST /customers', 'error-503', 'POST'],
    ['GET /customers', 'error-429', 'GET'],
    ['GET /customers', 'error-500', 'GET'],
  ] as const)(
    'sends exactly one request after %s answers %s (no retries)',
    async (route, kind, method) => {
      // Prepare
      fixture.emulator.failNext(route, kind, 5);
      // Act
      const response = await fixture.http.request({
        method,
        path: '/customers',
        ...(method === 'POST'
          ? { json: { customerId: 'c1', customerName: 'C' } }
          : { searchParams: { customerId: 'c1' } }),
      });
      // Assess
      expect(response.status).toBeGreaterThanOrEqual(429);
      expect(fixture.emulator.requestCounts()[route]).toBe(1);
    },
  );

  it('sends exactly one request after a dropped connection', async () => {
    // Prepare
    fixture.emulator.failNext('GET /customers', 'drop', 5);
    // Act
    const error = await captureError(() =>
      fixture.http.request({
        method: 'GET',
        path: '/customers',
        searchParams: { customerId: 'c1' },
      }),
    );
    // Assess
    expect(isAppError(error) && error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect(fixture.emulator.requestCounts()['GET /customers']).toBe(1);
  });

  it('resolves send with any status, lower-cased headers and the raw body', async () => {
    // Act
    const response = await fixture.http.send(
      { method: 'GET', url: `${fixture.emulator.url}/nowhere`, headers: {}, source: 'amberflo' },
      { signal: new AbortController().signal, timeoutMs: 1_000 },
    );
    // Assess
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.bodyText)).toHaveProperty('errorMessage');
  });

  it('adds the API key from getApiKey and sends JSON headers', async () => {
    // Act
    await fixture.http.send(
      {
        method: 'POST',
        url: `${fixture.emulator.url}/customers`,
        source: 'amberflo',
        headers: {},
        body: '{"customerId":"k1","customerName":"K"}',
      },
      { signal: new AbortController().signal, timeoutMs: 1_000 },
    );
    // Assess
    const [entry] = fixture.emulator.requestLog();
    expect(entry?.apiKey).toBe('valid');
    expect(entry?.body).toEqual({ customerId: 'k1', customerName: 'K' });
    expect(fixture.emulator.state().customers.map((customer) => customer.customerId)).toEqual([
      'k1',
    ]);
  });

  it('keeps an x-api-key the request already carries', async () => {
    // Act
    const response = await fixture.http.send(
      {
        method: 'GET',
        url: `${fixture.emulator.url}/customers?customerId=x`,
        source: 'amberflo',
        headers: { 'x-api-key': 'doc-key-9999' },
      },
      { signal: new AbortController().signal, timeoutMs: 1_000 },
    );
    // Assess
    expect(response.status).toBe(401);
    expect(fixture.emulator.requestLog()[0]?.apiKey).toBe('invalid');
    expect(fixture.http.knownSecrets()).toContain('doc-key-9999');
  });

  it('refuses a URL on another origin before sending anything', async () => {
    // Act
    const error = await captureError(() =>
      fixture.http.send(
        { method: 'GET', url: 'http://127.0.0.2:9/customers', headers: {}, source: 'amberflo' },
        { signal: new AbortController().signal, timeoutMs: 1_000 },
      ),
    );
    // Assess
    expect(isAppError(error) && error.code).toBe('UNEXPECTED');
    expect(fixture.emulator.requestLog()).toHaveLength(0);
  });

  it('exposes the configured origin', () => {
    // Assess
    expect(fixture.http.origin).toBe(fixture.emulator.url);
    expect(createAmberfloHttp({ getApiKey: () => 'k', timeoutMs: 1 }).origin).toBe(
      'https://app.amberflo.io',
    );
  });

  it('cuts a hung request at the per-request timeout', async () => {
    // Prepare
    fixture.emulator.failNext('GET /customers', 'hang');
    const started = performance.now();
    // Act
    const error = await captureError(() =>
      fixture.http.send(
        {
          method: 'GET',
          url: `${fixture.emulator.url}/customers?customerId=h`,
          headers: {},
          source: 'amberflo',
        },
        { signal: new AbortController().signal, timeoutMs: 200 },
      ),
    );
    // Assess: the emulator would hold the request for two minutes; only the 200 ms timeout can end it here.
    expect(isAppError(error) && error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect(isAppError(error) && error.message).toMatch(/timeout.*no answer within 200 ms/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('never waits longer than the deadline allows', async () => {
    // Prepare
    fixture.emulator.failNext('GET /customers', 'hang');
    // Act
    const error = await captureError(() =>
      fixture.http.send(
        {
          method: 'GET',
          url: `${fixture.emulator.url}/customers?customerId=h`,
          headers: {},
          source: 'amberflo',
        },
        { signal: new AbortController().signal, timeoutMs: 5_000, deadline: Date.now() + 1_500 },
      ),
    );
    // Assess: the timeout it armed is what remained of the deadline, not the 5 s asked for.
    expect(isAppError(error) && error.code).toBe('AMBERFLO_UNAVAILABLE');
    const armedMs = Number(
      /no answer within (\d+) ms \(the caller deadline\)/.exec(errorText(error))?.[1],
    );
    expect(armedMs).toBeGreaterThan(0);
    expect(armedMs).toBeLessThanOrEqual(1_500);
  });

  it('sends nothing when the deadline has already passed', async () => {
    // Act
    const error = await captureError(() =>
      fixture.http.request({ method: 'GET', path: '/customers' }, { deadline: Date.now() - 1 }),
    );
    // Assess
    expect(isAppError(error) && error.message).toMatch(/timeout: deadline/);
    expect(fixture.emulator.requestLog()).toHaveLength(0);
  });

  it('stops when the caller aborts, and says so', async () => {
    // Prepare
    fixture.emulator.failNext('GET /customers', 'hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    // Act
    const error = await captureError(() =>
      fixture.http.send(
        {
          method: 'GET',
          url: `${fixture.emulator.url}/customers?customerId=a`,
          headers: {},
          source: 'amberflo',
        },
        { signal: controller.signal, timeoutMs: 5_000 },
      ),
    );
    // Assess
    expect(isAppError(error) && error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect(isAppError(error) && error.message).toMatch(/aborted/);
  });

  it('bounds the body read by the timeout too', async () => {
    // Prepare
    let clientClosed: Promise<unknown> = Promise.resolve();
    const server: Server = createServer((_req, res) => {
      clientClosed = once(res, 'close');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"slow":');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = createAmberfloHttp({
      baseUrl: url,
      getApiKey: () => TEST_API_KEY,
      timeoutMs: 200,
    });
    // Act
    const error = await captureError(() => http.request({ method: 'GET', path: '/slow' }));
    // Assess: the server never ends the body, so the client must be the one that hung up.
    await clientClosed;
    server.closeAllConnections();
    server.close();
    expect(isAppError(error) && error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect(isAppError(error) && error.message).toMatch(/timeout.*no answer within 200 ms/);
  });

  it.each([
    ['declared', true],
    ['streamed', false],
  ])('refuses an oversize body (%s length)', async (_name, declareLength) => {
    // Prepare
    const payload = JSON.stringify({ data: 'x'.repeat(4096) });
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(declareLength ? { 'content-length': Buffer.byteLength(payload) } : {}),
      });
      res.end(payload);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = createAmberfloHttp({
      baseUrl: url,
      getApiKey: () => TEST_API_KEY,
      timeoutMs: 1_000,
      maxResponseBytes: 1024,
    });
    // Act
    const error = await captureError(() => http.request({ method: 'GET', path: '/big' }));
    // Assess
    server.closeAllConnections();
    server.close();
    expect(isAppError(error) && error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect(isAppError(error) && error.message).toMatch(/oversize/);
  });

  it('does not follow redirects', async () => {
    // Prepare
    let hits = 0;
    const server: Server = createServer((req, res) => {
      hits += 1;
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/target' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = createAmberfloHttp({
      baseUrl: url,
      getApiKey: () => TEST_API_KEY,
      timeoutMs: 1_000,
    });
    // Act
    const error = await captureError(() => http.request({ method: 'GET', path: '/moved' }));
    // Assess
    server.closeAllConnections();
    server.close();
    expect(isAppError(error) && error.code).toBe('AMBERFLO_UNAVAILABLE');
    expect(hits).toBe(1);
  });

  it('reports a failing key source as DEPENDENCY_UNAVAILABLE without calling Amberflo', async () => {
    // Prepare
    const http = createAmberfloHttp({
      baseUrl: fixture.emulator.url,
      getApiKey: () => Promise.reject(new Error('SSM unreachable')),
      timeoutMs: 1_000,
    });
    // Act
    const error = await captureError(() => http.request({ method: 'GET', path: '/customers' }));
    // Assess
    expect(isAppError(error) && error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(fixture.emulator.requestLog()).toHaveLength(0);
  });

  it('keeps the key out of a refused request error', async () => {
    // Prepare
    const http = createAmberfloHttp({
      baseUrl: 'http://127.0.0.1:1',
      getApiKey: () => TEST_API_KEY,
      timeoutMs: 1_000,
    });
    // Act
    const error = await captureError(() => http.request({ method: 'GET', path: '/customers' }));
    // Assess
    expect(isAppError(error) && error.message).toMatch(/network/);
    expect(errorText(error)).not.toContain(TEST_API_KEY);
  });
});
