import { checkOptions, number, ofType } from '../options.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long the breaker stays open before one probe may pass, in ms. Default 30 000. */
  openMs?: number;
  /** A monotonic clock in ms. Default `performance.now`, which wall-clock changes cannot move. */
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** What completing a permit did to the breaker: `opened` (or opened again), `closed`, or nothing. */
export type CircuitChange = 'opened' | 'closed' | undefined;

/**
 * The right to make one call, from {@link CircuitBreaker.tryAcquire}. Complete it with the call's
 * result exactly once, in a `finally`, before anything that can throw.
 */
export interface CircuitPermit {
  /**
   * Says how the call went and returns what that changed. Only the first completion counts. A stale
   * result changes nothing: one from a call that a newer call has already reported after, or one
   * from a call that began before the breaker opened.
   */
  complete(result: 'success' | 'failure'): CircuitChange;
}

const rules = { failureThreshold: number({ min: 1, integer: true }), openMs: number({ min: 0 }), now: ofType('function') };

/**
 * A consecutive-failure circuit breaker. Closed, every call passes; after `failureThreshold` failures
 * in a row it opens and no call passes for `openMs`; then it is half-open and lets one probe through,
 * whose result closes it or opens it again. A probe that has not reported after `openMs` is given up
 * and another may pass, so a lost result cannot keep the breaker half-open for ever.
 *
 * Each call gets a permit with a serial number, and its result is given back through that permit, so
 * a result always belongs to the call that was let through, and a late result from an older call
 * cannot undo what a newer one reported. State lives in the instance, so one instance per container
 * (created at module load) is one breaker per container. Wrong options throw a `TypeError` or
 * `RangeError` naming the option.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 10_000 });
 * const permit = breaker.tryAcquire();
 * if (permit) {
 *   let ok = false;
 *   try { await call(); ok = true; } finally { permit.complete(ok ? 'success' : 'failure'); }
 * }
 */
export class CircuitBreaker {
  readonly #failureThreshold: number;
  readonly #openMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  /** Serial of the last permit handed out. */
  #issued = 0;
  /** Serial of the newest permit whose result counted. */
  #newestCompleted = 0;
  #probe: { readonly serial: number; readonly issuedAt: number } | undefined;

  constructor(options: CircuitBreakerOptions = {}) {
    checkOptions('CircuitBreaker', options, rules);
    this.#failureThreshold = options.failureThreshold ?? 5;
    this.#openMs = options.openMs ?? 30_000;
    this.#now = options.now ?? (() => performance.now());
  }

  get state(): CircuitState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#now() - this.#openedAt >= this.#openMs ? 'half-open' : 'open';
  }

  /** A permit for one call if a call may go ahead now; in half-open state, one at a time, for the probe. */
  tryAcquire(): CircuitPermit | undefined {
    const state = this.state;
    if (state === 'open') return undefined;
    if (state === 'half-open') {
      if (this.#probe && this.#now() - this.#probe.issuedAt < this.#openMs) return undefined;
      this.#probe = { serial: this.#issued + 1, issuedAt: this.#now() };
    }
    this.#issued += 1;
    const serial = this.#issued;
    let completed = false;
    return {
      complete: (result) => {
        if (completed) return undefined;
        completed = true;
        return this.#complete(serial, result);
      },
    };
  }

  #complete(serial: number, result: 'success' | 'failure'): CircuitChange {
    if (serial < this.#newestCompleted) return undefined;
    this.#newestCompleted = serial;
    if (this.#openedAt !== undefined) {
      if (serial !== this.#probe?.serial) return undefined;
      this.#probe = undefined;
      if (result === 'failure') {
        this.#openedAt = this.#now();
        return 'opened';
      }
      this.#openedAt = undefined;
      this.#failures = 0;
      return 'closed';
    }
    if (result === 'success') {
      this.#failures = 0;
      return undefined;
    }
    this.#failures += 1;
    if (this.#failures < this.#failureThreshold) return undefined;
    this.#openedAt = this.#now();
    return 'opened';
  }
}
