/** Reading a response body with a size bound, so an oversize answer is refused before it is parsed. */

/** Thrown by `readBoundedText` when the body is larger than allowed; the caller classifies it as `oversize`. */
export const OVERSIZE = Symbol('oversize');

/** Reads the body as text, refusing more than `maxBytes`; the signal bounds the read in time. */
export const readBoundedText = async (response: Response, maxBytes: number): Promise<string> => {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw OVERSIZE;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let total = 0;
  // Bounded: each read consumes bytes, and more than maxBytes stops the loop.
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw OVERSIZE;
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
};

/** The headers as a plain record, as the `Send` port answers them. */
export const collectHeaders = (headers: Headers): Record<string, string> => {
  const result: Record<string, string> = {};
  // Headers iterates lower-cased names and already comma-joins repeated values.
  for (const [name, value] of headers) result[name] = value;
  return result;
};
