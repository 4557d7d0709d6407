import { describe, expect, it } from 'vitest';
import { createFaultInjector, createPrng } from '../../../tools/amberflo-emulator/faults.ts';

const ROUTE = 'POST /customers';

describe('createPrng', () => {
  it('repeats the same sequence for the same seed', () => {
    // Prepare
    const first = createPrng(42);
    const second = createPrng(42);
    // Act
    const a = Array.from({ length: 20 }, () => first());
    const b = Array.from({ length: 20 }, () => second());
    // Assess
    expect(a).toEqual(b);
    expect(a.every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('gives another sequence for another seed', () => {
    // Act
    const a = createPrng(1)();
    const b = createPrng(2)();
    // Assess
    expect(a).not.toBe(b);
  });
});

describe('createFaultInjector', () => {
  it('injects faults at about the configured rate, identically for the same seed', () => {
    // Prepare
    const config = { global: { error503: 0.3 } };
    const first = createFaultInjector(config, 7);
    const second = createFaultInjector(config, 7);
    // Act
    const a = Array.from({ length: 1000 }, () => first.decide(ROUTE).kind ?? 'none');
    const b = Array.from({ length: 1000 }, () => second.decide(ROUTE).kind ?? 'none');
    // Assess
    expect(a).toEqual(b);
    const failures = a.filter((kind) => kind === 'error-503').length;
    expect(failures).toBeGreaterThan(230);
    expect(failures).toBeLessThan(370);
  });

  it('lets per-route rates override the global ones', () => {
    // Prepare
    const injector = createFaultInjector({
      global: { error500: 1 },
      routes: { [ROUTE]: { error500: 0 } },
    });
    // Act
    const onRoute = injector.decide(ROUTE).kind;
    const elsewhere = injector.decide('GET /customers').kind;
    // Assess
    expect(onRoute).toBeUndefined();
    expect(elsewhere).toBe('error-500');
  });

  it('consumes scripted faults in order before drawing', () => {
    // Prepare
    const injector = createFaultInjector({ global: {} });
    injector.script([
      { route: ROUTE, kind: 'error-429', times: 2, retryAfterSeconds: 9 },
      { route: '*', kind: 'drop' },
    ]);
    // Act
    const kinds = [ROUTE, ROUTE, 'GET /customers', ROUTE].map((route) => injector.decide(route));
    // Assess
    expect(kinds.map((decision) => decision.kind)).toEqual([
      'error-429',
      'error-429',
      'drop',
      undefined,
    ]);
    expect(kinds[0]?.retryAfterSeconds).toBe(9);
    expect(injector.current().scripted).toEqual([]);
  });

  it('keeps the phase of a scripted fault', () => {
    // Prepare
    const injector = createFaultInjector({
      scripted: [{ route: ROUTE, kind: 'error-500', phase: 'after' }],
    });
    // Act
    const decision = injector.decide(ROUTE);
    // Assess
    expect(decision).toMatchObject({ kind: 'error-500', phase: 'after' });
  });

  it('draws latency within the configured range', () => {
    // Prepare
    const injector = createFaultInjector({ global: { latencyMs: [10, 20] } }, 3);
    // Act
    const latencies = Array.from({ length: 50 }, () => injector.decide(ROUTE).latencyMs);
    // Assess
    expect(latencies.filter((ms) => ms === undefined || ms < 10 || ms > 20)).toEqual([]);
    expect(new Set(latencies).size).toBeGreaterThan(1);
  });

  it('rejects rates outside 0..1', () => {
    // Act
    const act = () => createFaultInjector({ global: { hang: 2 } });
    // Assess
    expect(act).toThrow();
  });

  it('restarts the sequence after a reseed', () => {
    // Prepare
    const injector = createFaultInjector({ global: { error500: 0.5 } }, 11);
    const before = Array.from({ length: 10 }, () => injector.decide(ROUTE).kind);
    // Act
    injector.reseed();
    const after = Array.from({ length: 10 }, () => injector.decide(ROUTE).kind);
    // Assess
    expect(after).toEqual(before);
  });
});
