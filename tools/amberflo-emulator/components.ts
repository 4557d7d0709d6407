/**
 * The emulator's moving parts behind both of its faces (the HTTP server and the in-process controls): the API and
 * its state, the switches, the fault injector, the rate-limit and outage modes, the request log, and a reset that
 * puts all of them back to the start.
 */
import { createEmulatorApi, type EmulatorApi } from './api.ts';
import { createFaultInjector, type FaultInjector } from './faults.ts';
import {
  type AmberfloEmulatorOptions,
  type EmulatorSwitches,
  type EmulatorSwitchesInput,
  EmulatorSwitchesSchema,
} from './options.ts';
import {
  createEmulatorOutage,
  type EmulatorOutage,
  type Outage,
  type OutageRequest,
  toOutage,
} from './outage.ts';
import { createEmulatorRateLimiter, type EmulatorRateLimiter } from './rate-limit.ts';
import { createRequestLog, type RequestLog } from './request-log.ts';

/** The key the emulator accepts when none is configured. */
export const DEFAULT_EMULATOR_API_KEY = 'emulator-api-key';

export type EmulatorComponents = {
  readonly apiKey: string;
  readonly now: () => number;
  readonly api: EmulatorApi;
  readonly injector: FaultInjector;
  readonly limiter: EmulatorRateLimiter;
  readonly outage: EmulatorOutage;
  readonly requestLog: RequestLog;
  /** The switches in force (not a copy: do not change it). */
  readonly switches: () => EmulatorSwitches;
  /** Changes some switches and returns a copy of all of them. Throws a ZodError on invalid values. */
  readonly setSwitches: (patch: EmulatorSwitchesInput) => EmulatorSwitches;
  /** Outage mode from now on (null: none). Throws a ZodError when invalid. */
  readonly setOutage: (request: OutageRequest | null) => Outage | null;
  /** Empty state and log, the initial switches, faults, rate limit and outage, the PRNG reseeded. */
  readonly reset: () => void;
};

/** Builds the parts from the options (all but the port). Throws a ZodError on invalid switches or faults. */
export const createEmulatorComponents = (
  options: Omit<AmberfloEmulatorOptions, 'port'>,
): EmulatorComponents => {
  const {
    apiKey = DEFAULT_EMULATOR_API_KEY,
    seed = 1,
    faults: initialFaults = {},
    now = Date.now,
    requestLogLimit = 1000,
    rateLimit: initialRateLimit = null,
    outage: initialOutage,
    ...switchInput
  } = options;
  const initialSwitches = EmulatorSwitchesSchema.parse(switchInput);
  let switches: EmulatorSwitches = structuredClone(initialSwitches);
  const api = createEmulatorApi(() => switches, now);
  const injector = createFaultInjector(initialFaults, seed);
  const limiter = createEmulatorRateLimiter(initialRateLimit, now);
  const toWindows = (request: OutageRequest | null | undefined) =>
    request === null || request === undefined ? null : toOutage(request, now());
  const outage = createEmulatorOutage(toWindows(initialOutage), now);
  const requestLog = createRequestLog(requestLogLimit);
  return {
    apiKey,
    now,
    api,
    injector,
    limiter,
    outage,
    requestLog,
    switches: () => switches,
    setSwitches: (patch) => {
      switches = EmulatorSwitchesSchema.parse({ ...switches, ...patch });
      return structuredClone(switches);
    },
    setOutage: (request) => {
      outage.configure(toWindows(request));
      return outage.current();
    },
    reset: () => {
      api.clear();
      requestLog.reset();
      switches = structuredClone(initialSwitches);
      injector.configure(initialFaults);
      injector.reseed(seed);
      limiter.configure(initialRateLimit);
      outage.configure(toWindows(initialOutage));
    },
  };
};
