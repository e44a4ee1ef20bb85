/** Why a lookup stopped: its time budget ran out. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
}

/**
 * A lookup's time budget, as an abort signal the AWS SDK accepts: the small kind (`aborted`,
 * `reason`, `onabort`) its HTTP handlers take beside the DOM `AbortSignal`. With a DOM signal, the SDK
 * adds and removes EventTarget listeners twice per request, which measured about 9 µs per lookup in
 * the benchmark, a tenth of the whole stack's overhead; with this one it sets `onabort`, and the
 * lookup's own listeners are an array. Made by {@link Deadlines}, which runs it out on time.
 *
 * @example
 * const deadline = deadlines.start(2000);
 * try { await client.send(command, { abortSignal: deadline }); } finally { deadline.end(); }
 */
export class Deadline {
  /** Whether the budget has run out. */
  aborted = false;
  /** Why it aborted, once it has: the SDK names its AbortError after it. */
  reason: DeadlineExceededError | undefined;
  /** Set by the SDK's HTTP handler: destroys the request in flight. */
  onabort: (() => void) | null = null;
  readonly #listeners: (() => void)[] = [];
  readonly #owner: Deadlines;

  /** @param at When the budget runs out, on the `performance.now()` clock. */
  constructor(
    readonly at: number,
    owner: Deadlines,
  ) {
    this.#owner = owner;
  }

  /** Runs out the budget now: every listener, then the SDK's `onabort`. Once. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new DeadlineExceededError('The lease lookup ran out of time');
    this.#owner.end(this);
    for (const listener of this.#listeners.splice(0)) listener();
    this.onabort?.();
  }

  /** Calls `listener` when the budget runs out; returns what stops that. */
  listen(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }

  /** The lookup is over: the budget no longer runs. */
  end(): void {
    this.#owner.end(this);
  }
}

/**
 * The deadlines of one middleware's lookups, run out by a single timer armed for the earliest one.
 * A lookup that ends in time leaves the timer alone: when it fires it finds nothing due and re-arms
 * for the next open deadline, if any. So a warm function arms a timer about once per budget, not
 * once per invocation (a `setTimeout` and `clearTimeout` per lookup were a measurable share of the
 * middleware's own cost). The timer is unref'd: it never keeps a process alive.
 *
 * @example
 * const deadlines = new Deadlines();
 * const deadline = deadlines.start(2000); // aborts in 2 s unless ended before
 */
export class Deadlines {
  readonly #open = new Set<Deadline>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  /** A deadline `ms` from now. */
  start(ms: number): Deadline {
    const deadline = new Deadline(performance.now() + ms, this);
    this.#open.add(deadline);
    if (deadline.at < this.#armedFor) this.#arm(deadline.at);
    return deadline;
  }

  /** Forgets a deadline: it ended in time, or ran out. */
  end(deadline: Deadline): void {
    this.#open.delete(deadline);
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - performance.now()));
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const deadline of [...this.#open]) {
      if (deadline.at <= now) deadline.abort();
      else next = Math.min(next, deadline.at);
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }
}
