/** Why a configured base URL is unusable; callers prefix it with what the URL is for. */
export type BaseUrlProblem = 'is not a valid URL' | 'must use http or https';

export type CheckedBaseUrl =
  | { readonly ok: true; readonly url: URL }
  | { readonly ok: false; readonly problem: BaseUrlProblem; readonly cause?: unknown };

/**
 * Parses a configured server URL and accepts only http(s): the one check both the runner and the Amberflo HTTP
 * layer apply before any request can carry the API key anywhere.
 */
export const checkHttpBaseUrl = (text: string): CheckedBaseUrl => {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    return { ok: false, problem: 'is not a valid URL', cause };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: 'must use http or https' };
  }
  return { ok: true, url };
};
