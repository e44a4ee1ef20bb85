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
    expect(budget.reason?.name).toBe('TimeoutError');
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
});
