import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { attributesToJson } from './dead-letter.ts';
import { type PeekOptions, type PeekResult, peekDeadLetters } from './peek.ts';

/**
 * Writes the matching dead letters to `out` as JSON Lines (`messageId`, `customerId`, `body`, `attributes`,
 * `failure`) without deleting them. Respects back-pressure, so a large queue does not pile up in memory.
 */
export const exportDeadLetters = async (
  options: PeekOptions & { readonly out: Writable },
): Promise<PeekResult> =>
  peekDeadLetters(options, async (letter) => {
    const line = JSON.stringify({
      messageId: letter.messageId,
      customerId: letter.customerId ?? null,
      body: letter.body,
      attributes: attributesToJson(letter.attributes),
      failure: letter.failure ?? null,
    });
    if (!options.out.write(`${line}\n`)) await once(options.out, 'drain');
  });
