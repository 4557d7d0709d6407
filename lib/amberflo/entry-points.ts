/**
 * The two ways into a call: the interpreter's `send` (an absolute URL, which must be on the Amberflo origin, and a
 * body as text) and the typed client's `request` (a path relative to the base URL, and a body as JSON).
 */
import type { HttpRequest, HttpResponse, SendOptions } from '../arazzo/http-port.ts';
import { UnexpectedError } from '../errors.ts';
import type { Call } from './call.ts';
import type { AmberfloCallOptions, AmberfloRequest } from './http-options.ts';

export const createSend =
  (call: Call, origin: string) =>
  async (
    request: HttpRequest,
    sendOptions: SendOptions & AmberfloCallOptions,
  ): Promise<HttpResponse> => {
    let target: URL;
    try {
      target = new URL(request.url);
    } catch (cause) {
      throw new UnexpectedError('Request URL is not absolute', {}, { cause });
    }
    // Defence in depth: the interpreter already checks, but the key must never travel to another host.
    if (target.origin !== origin)
      throw new UnexpectedError('Request URL is not on the Amberflo origin');
    return call(
      target.href,
      {
        method: request.method,
        headers: { ...request.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
      },
      sendOptions,
    );
  };

export const createRequest =
  (call: Call) =>
  async (req: AmberfloRequest, callOptions: AmberfloCallOptions = {}): Promise<HttpResponse> => {
    const query =
      req.searchParams === undefined ? '' : `?${new URLSearchParams(req.searchParams).toString()}`;
    // Relative (no leading slash) so a base URL with a path prefix is kept.
    const input = `${req.path.replace(/^\/+/, '')}${query}`;
    return call(
      input,
      {
        method: req.method,
        ...(req.headers === undefined ? {} : { headers: { ...req.headers } }),
        ...(req.json === undefined ? {} : { json: req.json }),
      },
      callOptions,
    );
  };
