/**
 * Deterministic fault injection for the Amberflo emulator: scripted faults ("fail the next N calls of route X")
 * first, then rates drawn from a seeded PRNG, so the same seed and the same calls always give the same faults.
 */
import {
  type FaultConfig,
  type FaultConfigInput,
  FaultConfigSchema,
  type FaultKind,
  type FaultRates,
  type ScriptedFault,
  type ScriptedFaultInput,
  ScriptedFaultSchema,
} from './options.ts';

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export const createPrng = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** What to do with one request. */
export type FaultDecision = {
  /** Failure to inject, if any ('latency' never appears here: it is `latencyMs`). */
  readonly kind?: Exclude<FaultKind, 'latency'>;
  /** When the failure happens: before the handler runs, or after it changed the state. */
  readonly phase: 'before' | 'after';
  readonly latencyMs: number;
  readonly retryAfterSeconds: number;
};

/** Decides, per request, which fault (if any) to inject. */
export type FaultInjector = {
  /** Decides the fault for one call of `routeKey`; consumes a scripted fault or draws from the PRNG. */
  readonly decide: (routeKey: string) => FaultDecision;
  /** Replaces the whole configuration (rates and scripted faults); throws a ZodError when invalid. */
  readonly configure: (config: FaultConfigInput) => void;
  /** Appends scripted faults, consumed in order. */
  readonly script: (faults: readonly ScriptedFaultInput[]) => void;
  /** The current configuration, with the scripted faults still pending. */
  readonly current: () => FaultConfig;
  /** Restarts the PRNG from its seed. */
  readonly reseed: (seed?: number) => void;
  readonly hangMaxMs: () => number;
};

const RATE_ORDER: readonly [keyof FaultRates, Exclude<FaultKind, 'latency'>][] = [
  ['error500', 'error-500'],
  ['error503', 'error-503'],
  ['error429', 'error-429'],
  ['error429NoRetryAfter', 'error-429-no-retry-after'],
  ['hang', 'hang'],
  ['drop', 'drop'],
  ['malformedJson', 'malformed-json'],
  ['html200', 'html-200'],
  ['empty200', 'empty-200'],
];

/** Creates a fault injector from a configuration and a seed; throws a ZodError when the configuration is invalid. */
export const createFaultInjector = (config: FaultConfigInput = {}, seed = 1): FaultInjector => {
  let currentSeed = seed;
  let random = createPrng(seed);
  let parsed: FaultConfig = FaultConfigSchema.parse(config);
  let scripted: ScriptedFault[] = [...(parsed.scripted ?? [])];

  const ratesFor = (routeKey: string): FaultRates => ({
    ...(parsed.global ?? {}),
    ...(parsed.routes?.[routeKey] ?? {}),
  });

  const latencyOf = (rates: FaultRates): number => {
    const latency = rates.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    const [min, max] = latency;
    return Math.round(min + random() * Math.max(0, max - min));
  };

  return {
    decide: (routeKey) => {
      const retryAfterSeconds = parsed.retryAfterSeconds ?? 1;
      const index = scripted.findIndex((fault) => fault.route === routeKey || fault.route === '*');
      const fault = index === -1 ? undefined : scripted[index];
      if (fault !== undefined) {
        if (fault.times <= 1) scripted.splice(index, 1);
        else scripted[index] = { ...fault, times: fault.times - 1 };
        const latencyMs = fault.kind === 'latency' ? (fault.latencyMs ?? 0) : 0;
        return {
          ...(fault.kind === 'latency' ? {} : { kind: fault.kind }),
          phase: fault.phase,
          latencyMs,
          retryAfterSeconds: fault.retryAfterSeconds ?? retryAfterSeconds,
        };
      }
      const rates = ratesFor(routeKey);
      const latencyMs = latencyOf(rates);
      const draw = random();
      let threshold = 0;
      for (const [key, kind] of RATE_ORDER) {
        const rate = rates[key];
        threshold += typeof rate === 'number' ? rate : 0;
        if (draw < threshold) {
          const isWrite = !routeKey.startsWith('GET ');
          const phase = isWrite && random() < (rates.afterWrite ?? 0) ? 'after' : 'before';
          return { kind, phase, latencyMs, retryAfterSeconds };
        }
      }
      return { phase: 'before', latencyMs, retryAfterSeconds };
    },
    configure: (next) => {
      parsed = FaultConfigSchema.parse(next);
      scripted = [...(parsed.scripted ?? [])];
    },
    script: (faults) => {
      scripted.push(...faults.map((fault) => ScriptedFaultSchema.parse(fault)));
    },
    current: () => ({ ...parsed, scripted: [...scripted] }),
    reseed: (next) => {
      currentSeed = next ?? currentSeed;
      random = createPrng(currentSeed);
    },
    hangMaxMs: () => parsed.hangMaxMs ?? 120_000,
  };
};
