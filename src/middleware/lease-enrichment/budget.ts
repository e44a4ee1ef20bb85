/**
 * A lookup's time budget, as the small abort signal the AWS SDK's HTTP handlers accept beside the
 * DOM `AbortSignal`: `aborted`, `reason`, `onabort`, and listeners kept in an array. Not an
 * `AbortController`: profiled on Node 24, constructing one and the SDK's EventTarget listeners on
 * it cost about 20 µs per lookup, a tenth of the whole stack's overhead on the benchmark.
 *
 * @example
 * const budget = new LookupBudget(2000);
 * try { await client.send(command, { abortSignal: budget }); } finally { budget.end(); }
 */
export class LookupBudget {
  /** Whether the budget has run out. */
  aborted = false;
  /** Why it aborted, once it has: the SDK names its AbortError after it. */
  reason: Error | undefined;
  /** Set by the SDK's HTTP handler when it takes no listener: destroys the request in flight. */
  onabort: (() => void) | null = null;
  readonly #listeners: (() => void)[] = [];
  // The global setTimeout, not AbortSignal.timeout: Node runs that on internal timers Jest's fake timers cannot move.
  readonly #timer: ReturnType<typeof setTimeout>;

  constructor(readonly ms: number) {
    this.#timer = setTimeout(() => this.#abort(), ms);
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const index = this.#listeners.indexOf(listener);
    if (index >= 0) this.#listeners.splice(index, 1);
  }

  /** Waits `ms`, or less when the budget runs out first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.addEventListener('abort', done);
    });
  }

  /** The lookup is over: the budget no longer runs. */
  end(): void {
    clearTimeout(this.#timer);
  }

  #abort(): void {
    this.aborted = true;
    this.reason = Object.assign(new Error('The lease lookup ran out of time'), { name: 'TimeoutError' });
    for (const listener of this.#listeners.splice(0)) listener();
    this.onabort?.();
  }
}
