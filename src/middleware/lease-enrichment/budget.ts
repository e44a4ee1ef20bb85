/**
 * A lookup's time budget, as the small abort signal the AWS SDK's HTTP handlers take beside the DOM
 * `AbortSignal` (`aborted`, `reason`, `onabort`). Not an `AbortController`: profiled on Node 24, one
 * and the SDK's EventTarget listeners on it cost about 20 µs a lookup.
 *
 * @example
 * const budget = new LookupBudget(2000);
 * try { await client.send(command, { abortSignal: budget }); } finally { budget.end(); }
 */
export class LookupBudget {
  aborted = false;
  /** Why it aborted, once it has: the SDK names its AbortError after it. */
  reason: Error | undefined;
  /** Set by the SDK's HTTP handler while a request is in flight: destroys it. */
  onabort: (() => void) | null = null;
  #wake: (() => void) | undefined;
  // The global setTimeout, not AbortSignal.timeout: Node runs that on internal timers Jest's fake timers cannot move.
  readonly #timer: ReturnType<typeof setTimeout>;

  constructor(readonly ms: number) {
    this.#timer = setTimeout(() => this.#abort(), ms);
  }

  /** Waits `ms`, or less when the budget runs out first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The lookup is over: the budget no longer runs. */
  end(): void {
    clearTimeout(this.#timer);
  }

  #abort(): void {
    this.aborted = true;
    this.reason = Object.assign(new Error('The lease lookup ran out of time'), { name: 'TimeoutError' });
    this.#wake?.();
    this.onabort?.();
  }
}
