import { describe, expect, it } from 'vitest';
import { type CircuitEvent, createCircuitBreaker } from '../../../lib/amberflo/circuit-breaker.ts';

const clock = () => {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe('createCircuitBreaker', () => {
  it('opens after N consecutive unavailable answers, refuses, then lets one probe through', () => {
    // Prepare
    const time = clock();
    const events: CircuitEvent[] = [];
    const breaker = createCircuitBreaker({
      threshold: 3,
      coolDownMs: 1_000,
      now: time.now,
      onEvent: (event) => events.push(event),
    });
    // Act
    for (let index = 0; index < 3; index++) {
      expect(breaker.tryEnter()).toBeDefined();
      breaker.record(true);
    }
    const whileOpen = breaker.tryEnter();
    time.advance(1_000);
    const probe = breaker.tryEnter();
    const second = breaker.tryEnter();
    breaker.record(false);
    // Assess
    expect(whileOpen).toBeUndefined();
    expect(probe).toEqual({ probe: true });
    expect(second).toBeUndefined();
    expect(breaker.state()).toBe('closed');
    expect(events).toEqual([
      { type: 'circuit-opened', failures: 3, coolDownMs: 1_000 },
      { type: 'circuit-closed' },
    ]);
  });

  it('counts only consecutive failures: an answer in between starts again', () => {
    // Prepare
    const breaker = createCircuitBreaker({ threshold: 3 });
    // Act
    for (const unavailable of [true, true, false, true, true]) breaker.record(unavailable);
    // Assess
    expect(breaker.state()).toBe('closed');
  });

  it('opens again for a whole cool-down when the probe fails', () => {
    // Prepare
    const time = clock();
    const breaker = createCircuitBreaker({ threshold: 1, coolDownMs: 500, now: time.now });
    breaker.record(true);
    time.advance(500);
    // Act
    breaker.tryEnter();
    breaker.record(true);
    // Assess
    expect(breaker.state()).toBe('open');
    expect(breaker.tryEnter()).toBeUndefined();
    expect(breaker.openUntil()).toBe(1_000);
  });

  it('frees the probe slot when the probe ends without an answer of its own', () => {
    // Prepare
    const time = clock();
    const breaker = createCircuitBreaker({ threshold: 1, coolDownMs: 10, now: time.now });
    breaker.record(true);
    time.advance(10);
    const probe = breaker.tryEnter();
    // Act
    breaker.release(probe);
    // Assess
    expect(breaker.tryEnter()).toBeDefined();
  });

  it('lets callers wait for the probe in flight instead of failing', async () => {
    // Prepare
    const time = clock();
    const breaker = createCircuitBreaker({ threshold: 1, coolDownMs: 10, now: time.now });
    breaker.record(true);
    time.advance(10);
    breaker.tryEnter();
    const waiting = breaker.probeSettled();
    // Act
    breaker.record(false);
    await waiting;
    // Assess
    expect(breaker.tryEnter()).toBeDefined();
  });

  it('keeps the probe slot when a call let through before the circuit opened ends without an answer', () => {
    // Prepare
    const time = clock();
    const breaker = createCircuitBreaker({ threshold: 1, coolDownMs: 10, now: time.now });
    const stale = breaker.tryEnter();
    breaker.record(true);
    time.advance(10);
    const probe = breaker.tryEnter();
    // Act
    breaker.release(stale);
    const second = breaker.tryEnter();
    // Assess
    expect(probe).toEqual({ probe: true });
    expect(second).toBeUndefined();
    expect(probe && breaker.admits(probe)).toBe(true);
    expect(stale && breaker.admits(stale)).toBe(false);
  });

  it('never opens with threshold 0', () => {
    // Prepare
    const breaker = createCircuitBreaker({ threshold: 0 });
    // Act
    for (let index = 0; index < 20; index++) breaker.record(true);
    // Assess
    expect(breaker.tryEnter()).toBeDefined();
  });
});
