/**
 * `lease-enrichment`: the three lease middlewares and what they need, for reuse in other functions.
 * Each middleware also has its own entry point: `lease-enrichment/lease-key`,
 * `lease-enrichment/lease-enrichment` and `lease-enrichment/enrichment-report`.
 *
 * @example
 * import middy from '@middy/core';
 * import { leaseKey, leaseEnrichment, enrichmentReport, createLogger, createMetrics } from 'lease-enrichment';
 */
export { leaseKey, fromEventBridgeDetail, ownField, typeName } from './middleware/lease-key/index.js';
export type { LeaseKeyOptions, LeaseKeyExtractor, LeaseKeyFields } from './middleware/lease-key/index.js';
export {
  leaseEnrichment,
  createLeaseDocumentClient,
  CircuitBreaker,
} from './middleware/lease-enrichment/index.js';
export type {
  LeaseEnrichmentOptions,
  CircuitBreakerOptions,
  CircuitState,
} from './middleware/lease-enrichment/index.js';
export {
  enrichmentReport,
  baselineFingerprints,
  fingerprintFields,
  leaseFingerprint,
} from './middleware/enrichment-report/index.js';
export type { EnrichmentReportOptions } from './middleware/enrichment-report/index.js';
export type {
  EnrichmentRecord,
  LeaseEnrichmentContext,
  LeaseEnrichmentOutcome,
  LeaseInternal,
  LeaseKeyDecision,
  LeaseKeyProblem,
  LeaseLogger,
  QueryAttempt,
  SkipReason,
} from './middleware/types.js';
export { createLogger, createMetrics, maskEmails, maskEmailsReplacer, EMAIL_MASK } from './observability.js';
export { EnrichmentMetric, DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from './metric-names.js';
export type { EnrichmentMetricName } from './metric-names.js';
export { ENV } from './config.js';
export { LEASE_EVENT_DETAIL_TYPES, LEASE_EVENT_SOURCE_PREFIX } from './events.js';
export type { LeaseEventDetailType } from './events.js';
export { LEASE_KEY_LIMITS, LEASE_RECORD_SHAPES, LEASE_STATUSES, leaseSummary } from './lease.js';
export type { LeaseKey, LeaseRecord, LeaseStatus, LeaseSummary } from './lease.js';
