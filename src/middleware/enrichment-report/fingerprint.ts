import { createHash } from 'node:crypto';
import { LEASE_RECORD_SHAPES, type LeaseRecord } from '../../lease.js';

// A table holds a handful of shapes: hash each once per container. Bounded, in case drift is wild.
const KNOWN_LIMIT = 256;
const known = new Map<string, string>();

/**
 * The fingerprint of a set of field names: the first 16 hex digits of the SHA-256 of the names,
 * sorted. Values never enter it, so it is safe to log, and equal field sets give equal fingerprints
 * whatever their order.
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

/** The fingerprint of a lease record's top-level field names. */
export const leaseFingerprint = (lease: LeaseRecord): string => fingerprintFields(Object.keys(lease));

const subsets = <T>(items: readonly T[]): T[][] =>
  items.reduce<T[][]>((all, item) => [...all, ...all.map((subset) => [...subset, item])], [[]]);

/**
 * The fingerprints of every LeaseTable item shape Innovation Sandbox writes ({@link
 * LEASE_RECORD_SHAPES}), with and without each optional field: the drift detector's default baseline.
 */
export const baselineFingerprints = (): string[] =>
  LEASE_RECORD_SHAPES.shapes.flatMap(({ fields }) =>
    subsets(LEASE_RECORD_SHAPES.optional).map((optional) => fingerprintFields([...fields, ...optional])),
  );
