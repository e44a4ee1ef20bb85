/**
 * `lease-enrichment/lease-key`: the lease key middleware alone, with what it shares with the others.
 * Loads neither the AWS SDK nor Powertools.
 *
 * @example
 * import { leaseKey, ownField, type LeaseKeyExtractor } from 'lease-enrichment/lease-key';
 */

export type { LeaseKey } from './lease.js';
export type { LeaseEvent, LeaseEventDetail } from './lease-events/types.js';
export * from './middleware/lease-key/index.js';
export type { LeaseInternal, LeaseKeyDecision, LeaseKeyProblem, LeaseLogger } from './middleware/types.js';
export { LEASE_KEY_INTERNAL } from './middleware/types.js';
