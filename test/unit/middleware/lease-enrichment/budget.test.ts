import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { LookupBudget } from '../../../../src/middleware/lease-enrichment/budget.js';

describe('LookupBudget', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("aborts when its time runs out, calling the SDK's onabort once, with a TimeoutError as the reason", () => {
    const budget = new LookupBudget(2000);
    const onabort = jest.fn();
    budget.onabort = onabort;

    jest.advanceTimersByTime(1999);
    expect(budget.aborted).toBe(false);
    jest.advanceTimersByTime(1);

    expect(budget.aborted).toBe(true);
    expect(budget.reason).toMatchObject({ name: 'TimeoutError', message: 'The lease lookup ran out of time' });
    expect(onabort).toHaveBeenCalledTimes(1);
  });

  it('never aborts once the lookup has ended', () => {
    const budget = new LookupBudget(100);

    budget.end();
    jest.advanceTimersByTime(1000);

    expect(budget.aborted).toBe(false);
  });

  it('sleeps the time asked, or until the budget runs out', async () => {
    const roomy = new LookupBudget(2000);
    const tight = new LookupBudget(300);
    const woke: string[] = [];

    const sleeps = [roomy.sleep(500).then(() => woke.push('roomy')), tight.sleep(500).then(() => woke.push('tight'))];
    await jest.advanceTimersByTimeAsync(300);
    expect(woke).toEqual(['tight']);
    await jest.advanceTimersByTimeAsync(200);
    await Promise.all(sleeps);

    expect(woke).toEqual(['tight', 'roomy']);
    roomy.end();
  });

  it('leaves no timer behind once the budget has cut a sleep short', async () => {
    const budget = new LookupBudget(100);

    const sleep = budget.sleep(500);
    await jest.advanceTimersByTimeAsync(100);
    await sleep;

    // A timer left running would keep a script's process alive after its last lookup.
    expect(jest.getTimerCount()).toBe(0);
  });
});
