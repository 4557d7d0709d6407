import { inspect } from 'node:util';
import { type AmberfloHttp, createAmberfloHttp } from '../../lib/amberflo/http.ts';
import type { AmberfloEmulatorOptions } from '../../tools/amberflo-emulator/options.ts';
import {
  type AmberfloEmulator,
  startAmberfloEmulator,
} from '../../tools/amberflo-emulator/server.ts';
import { type AmberfloClient, createAmberfloClient } from './amberflo-client.ts';

/** A distinctive key, so a leak is easy to spot in any text. */
export const TEST_API_KEY = 'af-test-key-7f3c9a1e5d';

export type AmberfloFixture = {
  readonly emulator: AmberfloEmulator;
  readonly http: AmberfloHttp;
  readonly client: AmberfloClient;
};

/** Starts an emulator on port 0 and builds the real HTTP layer and client against it. */
export const startAmberfloFixture = async (
  options: AmberfloEmulatorOptions = {},
  http: { timeoutMs?: number; apiKey?: string; maxResponseBytes?: number } = {},
): Promise<AmberfloFixture> => {
  const emulator = await startAmberfloEmulator({ apiKey: TEST_API_KEY, ...options });
  const amberfloHttp = createAmberfloHttp({
    baseUrl: emulator.url,
    getApiKey: () => http.apiKey ?? emulator.apiKey,
    timeoutMs: http.timeoutMs ?? 2_000,
    ...(http.maxResponseBytes === undefined ? {} : { maxResponseBytes: http.maxResponseBytes }),
  });
  return { emulator, http: amberfloHttp, client: createAmberfloClient(amberfloHttp) };
};

/** Runs `action` and returns what it threw; fails when it did not throw. */
export const captureError = async (action: () => Promise<unknown>): Promise<unknown> => {
  try {
    await action();
  } catch (thrown) {
    return thrown;
  }
  throw new Error('Expected the action to throw');
};

/** Every text an error could show: JSON, util.inspect, and message/stack/details of each cause in the chain. */
export const errorText = (thrown: unknown): string => {
  const parts: string[] = [inspect(thrown, { depth: 10, showHidden: true })];
  let current: unknown = thrown;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '', JSON.stringify(current));
      parts.push(JSON.stringify(Object.fromEntries(Object.entries(current))));
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join('\n');
};

/** Unique ids per test run, so live runs never collide with earlier data. */
export const uniqueId = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
