/**
 * The admin API (`/_emulator/…`, no key needed): health, state, request log, reset, faults, switches, rate limit and
 * outage over HTTP, the same controls tests have in process.
 */
import * as z from 'zod';
import type { EmulatorState, Reply } from './api.ts';
import type { EmulatorComponents } from './components.ts';
import { parseJsonBody } from './http-io.ts';
import {
  type EmulatorSwitchesInput,
  type FaultConfigInput,
  ScriptedFaultSchema,
} from './options.ts';
import { OutageRequestSchema } from './outage.ts';
import type { RateLimitInput } from './rate-limit.ts';

/** Takes the parsed body (undefined when absent or not JSON); returns what to answer with 200. */
type AdminHandler = (body: unknown) => unknown;

const adminRoutes = (parts: EmulatorComponents): Readonly<Record<string, AdminHandler>> => {
  const { api, injector, limiter, outage, requestLog } = parts;
  const requests = () => ({ counts: requestLog.counts(), log: requestLog.entries() });
  return {
    'GET /health': () => ({ status: 'ok' }),
    'GET /state': () => api.snapshot(),
    'PUT /state': (body) => {
      api.load((body ?? {}) as Partial<EmulatorState>);
      return api.snapshot();
    },
    'GET /requests': requests,
    'DELETE /requests': () => {
      requestLog.clear();
      return requests();
    },
    'POST /reset': () => {
      parts.reset();
      return { status: 'reset' };
    },
    'GET /faults': () => injector.current(),
    'PUT /faults': (body) => {
      injector.configure((body ?? {}) as FaultConfigInput);
      return injector.current();
    },
    'POST /faults': (body) => {
      const list = Array.isArray(body) ? body : [body];
      injector.script(list.map((item) => ScriptedFaultSchema.parse(item)));
      return injector.current();
    },
    'GET /options': () => parts.switches(),
    'PUT /options': (body) => parts.setSwitches((body ?? {}) as EmulatorSwitchesInput),
    'GET /rate-limit': () => ({ rateLimit: limiter.current() }),
    'PUT /rate-limit': (body) => {
      limiter.configure((body ?? null) as RateLimitInput | null);
      return { rateLimit: limiter.current() };
    },
    'DELETE /rate-limit': () => {
      limiter.configure(null);
      return { rateLimit: null };
    },
    'GET /outage': () => ({ outage: outage.current() }),
    'PUT /outage': (body) => ({ outage: parts.setOutage(OutageRequestSchema.parse(body ?? {})) }),
    'DELETE /outage': () => ({ outage: parts.setOutage(null) }),
  };
};

/** Answers one admin request; `path` is what follows the prefix, with its leading slash. */
export type AdminApi = (method: string, path: string, text: string) => Reply;

/** A 404 for an unknown admin route, a 400 for an invalid request (the zod issues, when there are some). */
export const createAdminApi = (parts: EmulatorComponents): AdminApi => {
  const routes = adminRoutes(parts);
  return (method, path, text) => {
    const parsed = parseJsonBody(text);
    const route = `${method} ${path}`;
    const handler = Object.hasOwn(routes, route) ? routes[route] : undefined;
    if (handler === undefined) {
      return { status: 404, json: { errorMessage: `No admin route ${route}` } };
    }
    try {
      return { status: 200, json: handler(parsed.ok ? parsed.value : undefined) };
    } catch (thrown) {
      const message =
        thrown instanceof z.ZodError ? z.prettifyError(thrown) : 'Invalid admin request';
      return { status: 400, json: { errorMessage: message } };
    }
  };
};
