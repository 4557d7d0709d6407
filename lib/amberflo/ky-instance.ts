/**
 * The one ky instance every Amberflo call goes through, and its API key hook.
 * - retry: 0: retries belong to the workflow's failure actions and to SQS redelivery, so they never multiply.
 * - throwHttpErrors: false: every status is an answer; callers (criteria, the client) judge it.
 */
import ky, { type BeforeRequestHook, type KyInstance } from 'ky';
import { DependencyUnavailableError } from '../errors.ts';

/** What the instance needs: the base URL without a trailing slash, and where to remember the keys it sends. */
export type AmberfloKyOptions = {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly getApiKey: () => string | Promise<string>;
  readonly fetch?: typeof fetch;
  /** Every API key value sent, for scrubbing messages; the hook adds to it. */
  readonly secrets: Set<string>;
};

/** Sets `x-api-key` on a request that does not carry one, and remembers every key value sent. */
const apiKeyHook =
  (getApiKey: AmberfloKyOptions['getApiKey'], secrets: Set<string>): BeforeRequestHook =>
  async ({ request }) => {
    const carried = request.headers.get('x-api-key');
    if (carried !== null) {
      // A document may pass the key itself (the seed does); remember it so it is scrubbed too.
      secrets.add(carried);
      return;
    }
    let key: string;
    try {
      key = await getApiKey();
    } catch (cause) {
      throw new DependencyUnavailableError('Could not read the Amberflo API key', {}, { cause });
    }
    secrets.add(key);
    request.headers.set('x-api-key', key);
  };

/** Creates the shared instance: base URL, no retries, no throw on status, no redirects, the key hook. */
export const createAmberfloKy = (options: AmberfloKyOptions): KyInstance =>
  ky.create({
    baseUrl: `${options.baseUrl}/`,
    retry: 0,
    throwHttpErrors: false,
    redirect: 'error',
    timeout: options.timeoutMs,
    // No default content-type: a request without a body has none, and one with a body names its own (the
    // interpreter sets the step's content type; ky sets application/json for `json`).
    headers: { accept: 'application/json' },
    hooks: { beforeRequest: [apiKeyHook(options.getApiKey, options.secrets)] },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
