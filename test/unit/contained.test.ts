import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { contained } from '../../src/contained.js';
import { type CapturedOutput, captureOutput } from '../support/output.js';

/** A metrics-like target whose one method throws what it is given. */
const throwing = (thrown: unknown) => ({
  addMetric: (): void => {
    throw thrown;
  },
});

describe('contained', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());

  const reports = () => output.lines.filter((line) => line.stream === 'stderr').map((line) => line.json);

  it('passes calls through to the target, with their arguments and `this`', () => {
    const calls: unknown[][] = [];
    const target = {
      prefix: 'metric',
      addMetric(...args: unknown[]) {
        calls.push([this.prefix, ...args]);
      },
    };

    contained(target, ['addMetric'], 'enrichmentReport').addMetric('LeaseEnriched', 'Count', 1);

    expect(calls).toEqual([['metric', 'LeaseEnriched', 'Count', 1]]);
    expect(reports()).toEqual([]);
  });

  it.each([
    ['a string', 'sink closed', { name: 'string', message: 'sink closed' }],
    ['undefined', undefined, { name: 'undefined', message: 'undefined' }],
    [
      'an error with an address in its message',
      new Error(`no such user ${'a'.repeat(600)}@example.gov.uk`),
      { name: 'Error', message: 'no such user [email]' },
    ],
    ['an error with a very long message', new Error('x'.repeat(10_000)), { name: 'Error', message: 'x'.repeat(500) }],
  ])('reports a throw of %s once, by name and masked message', (_case, thrown, error) => {
    contained(throwing(thrown), ['addMetric'], 'enrichmentReport').addMetric();

    expect(reports()).toEqual([
      { level: 'ERROR', message: 'enrichmentReport: addMetric() failed; the invocation goes on without it', error },
    ]);
  });

  it('reports an error it cannot even read', () => {
    const unreadable = Object.defineProperty({}, 'name', {
      get() {
        throw new Error('no name');
      },
    });

    contained(throwing(unreadable), ['addMetric'], 'leaseKey').addMetric();

    expect(reports()).toEqual([expect.objectContaining({ error: { name: 'UnprintableError', message: '' } })]);
  });

  it('swallows the failure when stderr itself fails', () => {
    output.restore();
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => {
      throw new Error('EPIPE');
    });

    const call = () => contained(throwing(new Error('sink closed')), ['addMetric'], 'leaseKey').addMetric();

    expect(call).not.toThrow();
    expect(write).toHaveBeenCalledTimes(1);
    write.mockRestore();
    output = captureOutput();
  });
});
