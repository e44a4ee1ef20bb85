import { jest } from '@jest/globals';

/** Fake time a lookup may take before a test calls it stuck: five budgets of 2 s. */
const LIMIT_MS = 10_000;

/**
 * Moves fake time on in steps of `stepMs` until `pending` settles, and returns what it settled to.
 * Fails once `limitMs` of fake time has passed without it settling, so that code which never
 * settles fails the test at once instead of hanging it.
 *
 * @example
 * const notification = await settle(handler(event, lambdaContext()));
 */
export const settle = async <T>(pending: Promise<T>, { stepMs = 10, limitMs = LIMIT_MS } = {}): Promise<T> => {
  let settled = false;
  const done = (): void => {
    settled = true;
  };
  pending.then(done, done);
  for (let elapsedMs = 0; !settled; elapsedMs += stepMs) {
    if (elapsedMs >= limitMs) throw new Error(`Still pending after ${limitMs} ms of fake time: the code under test never settles`);
    await jest.advanceTimersByTimeAsync(stepMs);
  }
  return pending;
};
