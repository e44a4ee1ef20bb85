import { createHash } from 'node:crypto';

/**
 * The fingerprint of a lease record's field set: the first 16 hex digits of the SHA-256 of its
 * top-level field names, sorted and joined by newlines. Values never enter it, so it is safe to log,
 * and equal field sets give equal fingerprints whatever their order. Operators list accepted ones in
 * `knownFingerprints` (`LEASE_KNOWN_FINGERPRINTS`).
 *
 * @example
 * leaseFingerprint({ uuid: 'u-1', status: 'Active' }); // => '7cbedb877222e61b'
 */
export const leaseFingerprint = (lease: object): string =>
  createHash('sha256').update(Object.keys(lease).sort().join('\n')).digest('hex').slice(0, 16);
