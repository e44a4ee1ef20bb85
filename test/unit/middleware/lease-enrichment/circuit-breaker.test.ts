import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { CircuitBreaker, type CircuitBreakerOptions } from '../../../../src/middleware/lease-enrichment/circuit-breaker.js';

/** A breaker on a clock the test moves by hand. */
const breakerAt = (options: Omit<CircuitBreakerOptions, 'now'> = {}) => {
  const clock = { now: 1_000_000 };
  const breaker = new CircuitBreaker({ ...options, now: () => clock.now });
  return { breaker, advance: (ms: number) => (clock.now += ms) };
};

/** `times` calls in a row that fail, each through its own permit; what each completion changed. */
const fail = (breaker: CircuitBreaker, times: number) => Array.from({ length: times }, () => breaker.tryAcquire()?.complete('failure'));

/** Opens a default breaker and waits out its open period: the next permit is the probe. */
const halfOpen = () => {
  const at = breakerAt();
  fail(at.breaker, 5);
  at.advance(30_000);
  return at;
};

describe('CircuitBreaker', () => {
  it('lets calls through while closed', () => {
    const { breaker } = breakerAt();

    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBeDefined();
    expect(breaker.tryAcquire()).toBeDefined();
  });

  it('opens on the 5th consecutive failure by default, and says so once', () => {
    const { breaker } = breakerAt();

    expect(fail(breaker, 5)).toEqual([undefined, undefined, undefined, undefined, 'opened']);
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBeUndefined();
  });

  it('counts consecutive failures only: a success starts the count again', () => {
    const { breaker } = breakerAt();

    fail(breaker, 4);
    expect(breaker.tryAcquire()?.complete('success')).toBeUndefined();
    expect(fail(breaker, 4)).toEqual([undefined, undefined, undefined, undefined]);
    expect(breaker.state).toBe('closed');
  });

  it('stays open for 30 s by default, then lets exactly one probe through', () => {
    const { breaker, advance } = breakerAt();
    fail(breaker, 5);

    advance(29_999);
    expect(breaker.tryAcquire()).toBeUndefined();
    advance(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBeDefined();
    expect(breaker.tryAcquire()).toBeUndefined();
  });

  it('closes when the probe succeeds, and reports that it closed', () => {
    const { breaker } = halfOpen();
    const probe = breaker.tryAcquire();

    expect(probe?.complete('success')).toBe('closed');
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()?.complete('success')).toBeUndefined();
  });

  it('after closing, takes another 5 failures in a row to open again', () => {
    const { breaker } = halfOpen();
    breaker.tryAcquire()?.complete('success');

    expect(fail(breaker, 5)).toEqual([undefined, undefined, undefined, undefined, 'opened']);
  });

  it('opens again for a full period when the probe fails', () => {
    const { breaker, advance } = halfOpen();

    expect(breaker.tryAcquire()?.complete('failure')).toBe('opened');
    expect(breaker.state).toBe('open');
    advance(29_999);
    expect(breaker.tryAcquire()).toBeUndefined();
    advance(1);
    expect(breaker.tryAcquire()).toBeDefined();
  });

  it('counts a permit once, however often it is completed', () => {
    const { breaker } = breakerAt({ failureThreshold: 2 });
    const permit = breaker.tryAcquire();

    expect(permit?.complete('failure')).toBeUndefined();
    expect(permit?.complete('failure')).toBeUndefined();
    expect(breaker.state).toBe('closed');
  });

  describe('ties each result to the call that was let through', () => {
    it('ignores a stale result that arrives after a newer one', () => {
      const { breaker } = breakerAt({ failureThreshold: 1 });
      const older = breaker.tryAcquire();
      const newer = breaker.tryAcquire();

      newer?.complete('success');
      const change = older?.complete('failure');

      expect(change).toBeUndefined();
      expect(breaker.state).toBe('closed');
    });

    it('lets no stale success close a breaker that a newer failure opened', () => {
      const { breaker, advance } = breakerAt({ failureThreshold: 1, openMs: 1000 });
      const older = breaker.tryAcquire();
      breaker.tryAcquire()?.complete('failure');

      advance(1000);
      expect(older?.complete('success')).toBeUndefined();
      expect(breaker.state).toBe('half-open');
    });

    it('does not restart the open period for failures of calls that began before it opened', () => {
      const { breaker, advance } = breakerAt({ failureThreshold: 2, openMs: 1000 });
      const permits = [breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()];
      permits[0]?.complete('failure');
      expect(permits[1]?.complete('failure')).toBe('opened');

      advance(600);
      expect(permits[2]?.complete('failure')).toBeUndefined(); // the third call, late
      advance(400);
      expect(breaker.state).toBe('half-open');
    });

    it('lets another probe through when one has not reported for a whole open period', () => {
      const { breaker, advance } = halfOpen();
      const lostProbe = breaker.tryAcquire();

      advance(29_999);
      expect(breaker.tryAcquire()).toBeUndefined();
      advance(1);
      const probe = breaker.tryAcquire();
      expect(probe).toBeDefined();

      expect(lostProbe?.complete('failure')).toBeUndefined();
      expect(breaker.state).toBe('half-open');
      expect(probe?.complete('success')).toBe('closed');
    });

    it('ignores the given-up probe when it reports after the probe that replaced it', () => {
      const { breaker, advance } = halfOpen();
      const lostProbe = breaker.tryAcquire();
      advance(30_000);
      breaker.tryAcquire()?.complete('success');

      expect(lostProbe?.complete('failure')).toBeUndefined();
      expect(breaker.state).toBe('closed');
    });
  });

  it('takes its threshold and period from options', () => {
    const { breaker, advance } = breakerAt({ failureThreshold: 2, openMs: 100 });

    expect(fail(breaker, 2)).toEqual([undefined, 'opened']);
    advance(100);
    expect(breaker.tryAcquire()).toBeDefined();
  });

  describe('checks its options when it is made', () => {
    it.each([
      [{ failureThreshold: 0 }, RangeError, "CircuitBreaker: option 'failureThreshold' must be >= 1, got 0"],
      [{ failureThreshold: -1 }, RangeError, "option 'failureThreshold' must be >= 1, got -1"],
      [{ failureThreshold: 1.5 }, RangeError, "option 'failureThreshold' must be an integer, got 1.5"],
      [{ failureThreshold: Number.NaN }, RangeError, "option 'failureThreshold' must be a finite number, got NaN"],
      [{ failureThreshold: Number.POSITIVE_INFINITY }, RangeError, "option 'failureThreshold' must be a finite number, got Infinity"],
      [{ failureThreshold: '5' }, TypeError, "option 'failureThreshold' must be a number, got string"],
      [{ openMs: -1 }, RangeError, "option 'openMs' must be >= 0, got -1"],
      [{ openMs: Number.NaN }, RangeError, "option 'openMs' must be a finite number, got NaN"],
      [{ openMs: Number.POSITIVE_INFINITY }, RangeError, "option 'openMs' must be a finite number, got Infinity"],
      [{ openMs: '30000' }, TypeError, "option 'openMs' must be a number, got string"],
      [{ now: 1 }, TypeError, "option 'now' must be a function, got number"],
      [{ openMS: 1000 }, TypeError, "option 'openMS' is not an option"],
    ])('rejects %p', (options, kind, message) => {
      const make = () => new CircuitBreaker(options as CircuitBreakerOptions);

      expect(make).toThrow(kind);
      expect(make).toThrow(message);
    });

    it('accepts a threshold of 1 and an open period of 0, the least it takes', () => {
      const { breaker } = breakerAt({ failureThreshold: 1, openMs: 0 });

      expect(breaker.tryAcquire()?.complete('failure')).toBe('opened');
      expect(breaker.state).toBe('half-open');
    });

    it('names this package as the cause', () => {
      expect(() => new CircuitBreaker({ openMs: -1 })).toThrow(
        expect.objectContaining({ cause: { package: 'lease-enrichment', data: { source: 'CircuitBreaker', option: 'openMs' } } }),
      );
    });
  });

  describe('on the default clock', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('measures the open period on the monotonic clock, not the wall clock', () => {
      jest.useFakeTimers();
      const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 1000 });
      breaker.tryAcquire()?.complete('failure');

      jest.setSystemTime(Date.now() + 60_000); // the wall clock jumps; no time passes
      expect(breaker.state).toBe('open');
      jest.advanceTimersByTime(1000);
      expect(breaker.state).toBe('half-open');
    });
  });
});
