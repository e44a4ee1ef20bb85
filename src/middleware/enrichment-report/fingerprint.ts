import { createHash } from 'node:crypto';

// A table holds a handful of shapes: hash each once per container. Bounded, in case drift is wild.
const KNOWN_LIMIT = 256;
const known = new Map<string, string>();

/**
 * The fingerprint of a set of field names: the first 16 hex digits of the SHA-256 of the names,
 * sorted and joined by newlines. Values never enter it, so it is safe to log, and equal field sets
 * give equal fingerprints whatever their order.
 *
 * @example
 * fingerprintFields(['uuid', 'status']) === fingerprintFields(['status', 'uuid']); // true
 */
export const fingerprintFields = (fields: Iterable<string>): string => {
  const names = [...fields].sort().join('\n');
  let fingerprint = known.get(names);
  if (fingerprint === undefined) {
    fingerprint = createHash('sha256').update(names).digest('hex').slice(0, 16);
    if (known.size < KNOWN_LIMIT) known.set(names, fingerprint);
  }
  return fingerprint;
};

/**
 * The fingerprint of a lease record's top-level field names.
 *
 * @example
 * leaseFingerprint(context.lease); // => '1096766bf74d25b9'
 */
export const leaseFingerprint = (lease: object): string => fingerprintFields(Object.keys(lease));
