/**
 * `lease-enrichment/lease-enrichment`: the DynamoDB lookup middleware, its client and circuit breaker,
 * and the context type it gives the handler.
 *
 * @example
 * import { leaseEnrichment, createLeaseDocumentClient, type LeaseEnrichmentContext } from 'lease-enrichment/lease-enrichment';
 */

export type { LeaseKey, LeaseRecord, LeaseSummary } from './lease.js';
export { leaseSummary } from './lease.js';
export * from './middleware/lease-enrichment/index.js';
export type {
  EnrichmentRecord,
  LeaseEnrichmentContext,
  LeaseEnrichmentOutcome,
  LeaseInternal,
  LeaseLogger,
  QueryAttempt,
  SkipReason,
} from './middleware/types.js';
export { ENRICHMENT_INTERNAL, LEASE_KEY_INTERNAL } from './middleware/types.js';
