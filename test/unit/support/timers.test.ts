import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { settle } from '../../support/timers.js';

describe('settle', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('moves fake time on until the promise settles, and gives its value', async () => {
    const started = Date.now();

    const value = await settle(new Promise((resolve) => setTimeout(() => resolve('answered'), 2000)));

    expect(value).toBe('answered');
    expect(Date.now() - started).toBe(2000);
  });

  it('passes a rejection on', async () => {
    const failing = new Promise((_resolve, reject) => setTimeout(() => reject(new Error('table gone')), 30));

    await expect(settle(failing)).rejects.toThrow('table gone');
  });

  it('fails, instead of hanging, when the promise never settles', async () => {
    const started = Date.now();

    await expect(settle(new Promise(() => undefined), { limitMs: 500 })).rejects.toThrow(
      'Still pending after 500 ms of fake time: the code under test never settles',
    );
    expect(Date.now() - started).toBe(500);
  });
});
