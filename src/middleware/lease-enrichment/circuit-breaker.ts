export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long the breaker stays open before one probe may pass. Default 30 000 ms. */
  openMs?: number;
  /** The clock. Default `Date.now`. */
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * A consecutive-failure circuit breaker. Closed, every call passes; after `failureThreshold` failures
 * in a row it opens and no call passes for `openMs`; then it is half-open and lets exactly one probe
 * through, whose result closes it or opens it again. State lives in the instance, so one instance
 * per container (created at module load) is one breaker per container.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 10_000 });
 * if (breaker.tryAcquire()) {
 *   try { await call(); breaker.recordSuccess(); } catch { breaker.recordFailure(); }
 * }
 */
export class CircuitBreaker {
  readonly #failureThreshold: number;
  readonly #openMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  #probeInFlight = false;

  constructor({ failureThreshold = 5, openMs = 30_000, now = Date.now }: CircuitBreakerOptions = {}) {
    if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
      throw new RangeError(`failureThreshold must be a positive integer, got ${failureThreshold}`);
    }
    if (!(openMs >= 0)) throw new RangeError(`openMs must be a non-negative number, got ${openMs}`);
    this.#failureThreshold = failureThreshold;
    this.#openMs = openMs;
    this.#now = now;
  }

  get state(): CircuitState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#now() - this.#openedAt >= this.#openMs ? 'half-open' : 'open';
  }

  /** Whether a call may go ahead now. In half-open state, true once, for the probe. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#probeInFlight) return false;
    this.#probeInFlight = true;
    return true;
  }

  /** Records a successful call. Returns true when this closed an open breaker. */
  recordSuccess(): boolean {
    const wasOpen = this.#openedAt !== undefined;
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probeInFlight = false;
    return wasOpen;
  }

  /** Records a failed call. Returns true when this opened the breaker. */
  recordFailure(): boolean {
    this.#failures += 1;
    const probeFailed = this.#probeInFlight;
    this.#probeInFlight = false;
    if (probeFailed || (this.#openedAt === undefined && this.#failures >= this.#failureThreshold)) {
      this.#openedAt = this.#now();
      return true;
    }
    return false;
  }
}
