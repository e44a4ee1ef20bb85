import { createHash } from 'node:crypto';

/**
 * The fingerprint of a set of field names: the first 16 hex digits of the SHA-256 of the names,
 * sorted and joined by newlines. Values never enter it, so it is safe to log, and equal field sets
 * give equal fingerprints whatever their order.
 *
 * @example
 * fingerprintFields(['uuid', 'status']) === fingerprintFields(['status', 'uuid']); // true
 */
// Not cached: the report works each record shape's fingerprint out once (see shapes.ts).
export const fingerprintFields = (fields: Iterable<string>): string =>
  createHash('sha256')
    .update([...fields].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);

/**
 * The fingerprint of a lease record's top-level field names.
 *
 * @example
 * leaseFingerprint(context.lease); // => '1096766bf74d25b9'
 */
export const leaseFingerprint = (lease: object): string => fingerprintFields(Object.keys(lease));
