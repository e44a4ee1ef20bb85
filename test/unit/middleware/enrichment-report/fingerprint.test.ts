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
});
