import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { DeadlineExceededError, Deadlines } from '../../../src/middleware/lease-enrichment/deadline.js';

describe('Deadlines', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs a deadline out on time: its listeners, then the SDK-style onabort, with the reason set', async () => {
    const deadline = new Deadlines().start(2000);
    const heard: string[] = [];
    deadline.listen(() => heard.push(`listener, aborted ${deadline.aborted}`));
    deadline.onabort = () => heard.push('onabort');

    await jest.advanceTimersByTimeAsync(1999);
    expect(heard).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);

    expect(heard).toEqual(['listener, aborted true', 'onabort']);
    expect(deadline.reason).toBeInstanceOf(DeadlineExceededError);
    expect(deadline.reason?.name).toBe('DeadlineExceededError');
  });

  it('runs out once, however often it is aborted, and calls a listener that stopped listening never', () => {
    const deadline = new Deadlines().start(2000);
    const kept = jest.fn();
    const dropped = jest.fn();
    const onabort = jest.fn();
    deadline.listen(kept);
    const stop = deadline.listen(dropped);
    deadline.onabort = onabort;
    stop();
    stop();

    deadline.abort();
    const { reason } = deadline;
    deadline.abort();

    expect(kept).toHaveBeenCalledTimes(1);
    expect(dropped).not.toHaveBeenCalled();
    expect(onabort).toHaveBeenCalledTimes(1);
    expect(deadline.reason).toBe(reason);
    expect(reason?.message).toBe('The lease lookup ran out of time');
  });

  it('stops calling the listener that stopped listening, first or last', () => {
    const deadline = new Deadlines().start(2000);
    const first = jest.fn();
    const last = jest.fn();
    const stopFirst = deadline.listen(first);
    deadline.listen(last);

    stopFirst();
    deadline.abort();

    expect(first).not.toHaveBeenCalled();
    expect(last).toHaveBeenCalledTimes(1);
  });

  it('leaves a deadline that ended in time alone', async () => {
    const deadline = new Deadlines().start(2000);
    const listener = jest.fn();
    deadline.listen(listener);

    deadline.end();
    await jest.advanceTimersByTimeAsync(5000);

    expect(listener).not.toHaveBeenCalled();
    expect(deadline.aborted).toBe(false);
  });

  it('keeps one timer for all its deadlines, armed for the earliest, and re-arms for the next', async () => {
    const deadlines = new Deadlines();
    const first = deadlines.start(2000);
    await jest.advanceTimersByTimeAsync(500);
    const second = deadlines.start(2000); // due at 2500
    const third = deadlines.start(100); // due at 600: earlier than the armed timer
    expect(jest.getTimerCount()).toBe(1);

    await jest.advanceTimersByTimeAsync(100);
    expect([first.aborted, second.aborted, third.aborted]).toEqual([false, false, true]);
    first.end();
    await jest.advanceTimersByTimeAsync(1400); // 2000: the first's time, ended, passes
    expect(second.aborted).toBe(false);
    expect(jest.getTimerCount()).toBe(1);
    await jest.advanceTimersByTimeAsync(500);

    expect(second.aborted).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('runs each of several open deadlines out on time, earliest first', async () => {
    const deadlines = new Deadlines();
    const due = [300, 100, 200].map((ms) => ({ ms, deadline: deadlines.start(ms) }));
    const aborted = () => due.filter(({ deadline }) => deadline.aborted).map(({ ms }) => ms);

    await jest.advanceTimersByTimeAsync(100);
    expect(aborted()).toEqual([100]);
    await jest.advanceTimersByTimeAsync(100);
    expect(aborted()).toEqual([100, 200]);
    await jest.advanceTimersByTimeAsync(100);

    expect(aborted()).toEqual([300, 100, 200]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('arms one timer for deadlines due at the same time', () => {
    const deadlines = new Deadlines();
    const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout');

    deadlines.start(2000);
    deadlines.start(2000);

    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    setTimeoutSpy.mockRestore();
  });

  it('arms no timer while the one it has is due first, so a warm function arms one per budget', async () => {
    const deadlines = new Deadlines();
    const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout');
    for (let invocation = 0; invocation < 100; invocation += 1) {
      deadlines.start(2000).end();
      await jest.advanceTimersByTimeAsync(10);
    }

    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    setTimeoutSpy.mockRestore();
  });
});

describe('Deadlines on real timers', () => {
  it("never keeps the process alive: its timer is unref'd", () => {
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timers();

    const deadline = new Deadlines().start(60_000);

    expect(timers()).toBe(before);
    deadline.end();
  });
});
