import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { leaseFingerprint } from '../../../../src/middleware/enrichment-report/fingerprint.js';

describe('leaseFingerprint', () => {
  it('depends on field names, not their order or values', () => {
    expect(leaseFingerprint({ b: 1, a: 2 })).toBe(leaseFingerprint({ a: 'x', b: 'y' }));
    expect(leaseFingerprint({ a: 1 })).not.toBe(leaseFingerprint({ a: 1, b: 1 }));
    expect(leaseFingerprint({ ab: 1, c: 1 })).not.toBe(leaseFingerprint({ a: 1, bc: 1 }));
  });

  it("is pinned: an operator's configured fingerprint keeps matching the same field set", () => {
    // SHA-256 of "status\nuuid", first 16 hex digits.
    expect(leaseFingerprint({ uuid: 'u-1', status: 'Active' })).toBe('7cbedb877222e61b');
  });

  it('gives the same answer for a field set seen before, in either order, and for hundreds of new ones', () => {
    const sha = (names: string[]) => createHash('sha256').update(names.sort().join('\n')).digest('hex').slice(0, 16);
    const fieldSets = Array.from({ length: 400 }, (_, index) => ['uuid', 'status', `field${index}`]);

    for (const names of fieldSets) expect(leaseFingerprint(Object.fromEntries(names.map((name) => [name, 1])))).toBe(sha([...names]));
    for (const names of fieldSets) {
      expect(leaseFingerprint(Object.fromEntries([...names].reverse().map((name) => [name, 1])))).toBe(sha([...names]));
    }
  });
});
