/**
 * The `Send` of `arazzo run` for sources that are not Amberflo's (docs/arazzo.md §12): it forwards exactly the
 * request the runner built, adding no header of its own (no key, no content type), follows no redirect, and reads
 * the body under the same size bound as the Amberflo layer, within the request's timeout and the run's signal.
 */
import { collectHeaders, OVERSIZE, readBoundedText } from '../../../lib/amberflo/bounded-body.ts';
import type { HttpResponse, Send } from '../../../lib/arazzo/index.ts';
import { DependencyUnavailableError } from '../../../lib/errors.ts';

export type PlainSendOptions = {
  /** Bodies larger than this are refused before parsing. */
  readonly maxResponseBytes: number;
  /** Test seam; Node's global fetch by default. */
  readonly fetch?: typeof fetch;
};

/** Why no answer arrived, in words that name the server but never a header or a body. */
const noAnswer = (url: string, thrown: unknown, timedOut: boolean, maxBytes: number): Error => {
  const origin = new URL(url).origin;
  const why =
    thrown === OVERSIZE
      ? `body over ${maxBytes} bytes`
      : timedOut
        ? 'timeout'
        : thrown instanceof Error && thrown.name === 'AbortError'
          ? 'aborted'
          : 'network';
  return new DependencyUnavailableError(`No answer from ${origin}: ${why}`);
};

/** Creates the plain send; one instance serves a whole run. */
export const createPlainSend = (options: PlainSendOptions): Send => {
  const fetchImpl = options.fetch ?? fetch;
  return async (request, sendOptions): Promise<HttpResponse> => {
    const timeout = AbortSignal.timeout(sendOptions.timeoutMs);
    const signal = AbortSignal.any([sendOptions.signal, timeout]);
    try {
      const response = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        redirect: 'error',
        signal,
      });
      const bodyText = await readBoundedText(response, options.maxResponseBytes);
      return { status: response.status, headers: collectHeaders(response.headers), bodyText };
    } catch (thrown) {
      throw noAnswer(request.url, thrown, timeout.aborted, options.maxResponseBytes);
    }
  };
};
