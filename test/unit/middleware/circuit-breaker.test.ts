import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker } from '../../../src/middleware/lease-enrichment/circuit-breaker.js';

/** A breaker on a clock the test moves by hand. */
const breakerAt = (options: { failureThreshold?: number; openMs?: number } = {}) => {
  const clock = { now: 1_000_000 };
  const breaker = new CircuitBreaker({ ...options, now: () => clock.now });
  return { breaker, advance: (ms: number) => (clock.now += ms) };
};

const fail = (breaker: CircuitBreaker, times: number) =>
  Array.from({ length: times }, () => breaker.tryAcquire() && breaker.recordFailure());

describe('CircuitBreaker', () => {
  it('lets calls through while closed', () => {
    const { breaker } = breakerAt();

    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('opens on the 5th consecutive failure by default, and says so once', () => {
    const { breaker } = breakerAt();

    expect(fail(breaker, 5)).toEqual([false, false, false, false, true]);
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('counts consecutive failures only: a success starts the count again', () => {
    const { breaker } = breakerAt();

    fail(breaker, 4);
    breaker.recordSuccess();
    expect(fail(breaker, 4)).toEqual([false, false, false, false]);
    expect(breaker.state).toBe('closed');
  });

  it('stays open for 30 s by default, then lets exactly one probe through', () => {
    const { breaker, advance } = breakerAt();
    fail(breaker, 5);

    advance(29_999);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('closes when the probe succeeds, and reports that it closed', () => {
    const { breaker, advance } = breakerAt();
    fail(breaker, 5);
    advance(30_000);
    breaker.tryAcquire();

    expect(breaker.recordSuccess()).toBe(true);
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.recordSuccess()).toBe(false);
  });

  it('opens again for a full period when the probe fails', () => {
    const { breaker, advance } = breakerAt();
    fail(breaker, 5);
    advance(30_000);
    breaker.tryAcquire();

    expect(breaker.recordFailure()).toBe(true);
    expect(breaker.state).toBe('open');
    advance(29_999);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('does not restart the open period for failures of calls that began before it opened', () => {
    const { breaker, advance } = breakerAt({ failureThreshold: 2, openMs: 1000 });
    breaker.tryAcquire();
    breaker.tryAcquire();
    breaker.tryAcquire();
    breaker.recordFailure();
    expect(breaker.recordFailure()).toBe(true);

    advance(600);
    expect(breaker.recordFailure()).toBe(false); // the third call, late
    advance(400);
    expect(breaker.state).toBe('half-open');
  });

  it('takes its threshold and period from options', () => {
    const { breaker, advance } = breakerAt({ failureThreshold: 2, openMs: 100 });

    expect(fail(breaker, 2)).toEqual([false, true]);
    advance(100);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a failureThreshold of %p', (failureThreshold) => {
    expect(() => new CircuitBreaker({ failureThreshold })).toThrow(RangeError);
  });

  it.each([-1, Number.NaN])('rejects an openMs of %p', (openMs) => {
    expect(() => new CircuitBreaker({ openMs })).toThrow(RangeError);
  });

  it('uses the real clock by default', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 0 });

    breaker.recordFailure();
    expect(breaker.state).toBe('half-open');
  });
});
