import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlainSend } from '../../../../tools/arazzo/commands/plain-send.ts';

describe('createPlainSend', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    server?.close();
    if (server !== undefined) await once(server, 'close');
    server = undefined;
  });

  const serve = async (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
    server = createServer(handler);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  const options = (timeoutMs = 2_000) => ({ signal: new AbortController().signal, timeoutMs });

  it('sends the request as built and answers status, headers and body', async () => {
    // Prepare
    let seen: IncomingMessage['headers'] = {};
    const url = await serve((req, res) => {
      seen = req.headers;
      res.writeHead(201, { 'x-answer': 'yes' });
      res.end('done');
    });
    const send = createPlainSend({ maxResponseBytes: 1024 });
    // Act
    const answer = await send(
      { method: 'GET', url: `${url}/a`, source: 's', headers: { 'x-doc': '1' } },
      options(),
    );
    // Assess
    expect(answer).toMatchObject({ status: 201, bodyText: 'done', headers: { 'x-answer': 'yes' } });
    expect(seen['x-doc']).toBe('1');
    expect(seen['content-type']).toBeUndefined();
    expect(seen['x-api-key']).toBeUndefined();
  });

  it.each([
    [
      'an oversize body',
      (res: ServerResponse) => res.end('x'.repeat(2048)),
      /body over 1024 bytes/,
    ],
    [
      'a redirect, which it does not follow',
      (res: ServerResponse) => {
        res.writeHead(302, { location: 'http://127.0.0.2:9/elsewhere' });
        res.end();
      },
      /: network$/,
    ],
  ])('rejects %s as no answer, naming the server', async (_name, reply, message) => {
    // Prepare
    const url = await serve((_req, res) => reply(res));
    const send = createPlainSend({ maxResponseBytes: 1024 });
    // Act
    const sent = send({ method: 'GET', url: `${url}/a`, source: 's', headers: {} }, options());
    // Assess
    await expect(sent).rejects.toThrow(message);
    await expect(sent).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
  });

  it('gives up when no answer comes within the timeout', async () => {
    // Prepare
    const url = await serve(() => {
      // Never answers; afterEach closes the connection.
    });
    const send = createPlainSend({ maxResponseBytes: 1024 });
    // Act
    const sent = send(
      { method: 'GET', url: `${url}/slow`, source: 's', headers: {} },
      options(100),
    );
    // Assess
    await expect(sent).rejects.toThrow(`No answer from ${url}: timeout`);
  });
});
