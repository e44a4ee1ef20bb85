/**
 * `lease-enrichment`: the three lease middlewares and what a function using them needs. The lease key
 * and report middlewares also have entry points of their own: `lease-enrichment/lease-key` (which
 * loads neither the AWS SDK nor Powertools) and `lease-enrichment/enrichment-report`.
 *
 * @example
 * import middy from '@middy/core';
 * import { leaseKey, leaseEnrichment, enrichmentReport, createLogger, createMetrics } from 'lease-enrichment';
 */

export type { BlueprintEventDetailType, LeaseEventDetailType } from './events.js';
export { BLUEPRINT_EVENT_DETAIL_TYPES, LEASE_EVENT_DETAIL_TYPES, LEASE_EVENT_SOURCE_PREFIX } from './events.js';
export type {
  ApprovalDeniedLease,
  EndedLease,
  Lease,
  LeaseBudgetThreshold,
  LeaseDurationThreshold,
  LeaseKey,
  LeaseMeta,
  LeaseStatus,
  LeaseSummary,
  LeaseThresholdAction,
  LeaseWithStatus,
  MonitoredLease,
  PendingLease,
} from './lease.js';
export { LEASE_STATUSES, leaseSummary } from './lease.js';
// ISB's lease events: their types, the facts a notification carries, and the reconciliation with the record.
export type {
  LeaseConsistency,
  LeaseEvent,
  LeaseEventDetail,
  LeaseEventFacts,
  LeaseFactsByDetailType,
  LeaseReconciliation,
} from './lease-events/index.js';
export {
  isLeaseEventDetailType,
  LEASE_EVENTS,
  leaseEventFacts,
  needsConsistentRead,
  reconcile,
  statusesAtPublish,
} from './lease-events/index.js';
export type { LeaseNotification } from './lease-notification.js';
export { buildLeaseNotification } from './lease-notification.js';
export type { EnrichmentMetricName, SenderMetricName } from './metric-names.js';
export { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, EnrichmentMetric, SenderMetric } from './metric-names.js';
export type { EnrichmentReportOptions, LeaseDrift, LeaseDriftKind, LeaseDriftOptions } from './middleware/enrichment-report/index.js';
export { enrichmentReport, leaseDrift, leaseFingerprint } from './middleware/enrichment-report/index.js';
export type {
  CircuitBreakerOptions,
  CircuitChange,
  CircuitPermit,
  CircuitState,
  LeaseEnrichmentOptions,
} from './middleware/lease-enrichment/index.js';
export { CircuitBreaker, createLeaseDocumentClient, leaseEnrichment, THROTTLING_ERROR_NAMES } from './middleware/lease-enrichment/index.js';
export type { LeaseKeyExtractor, LeaseKeyFields, LeaseKeyOptions } from './middleware/lease-key/index.js';
export { fromEventBridgeDetail, leaseKey, ownField } from './middleware/lease-key/index.js';
export type {
  EnrichmentOutcome,
  LeaseEnrichmentContext,
  LeaseInternal,
  LeaseKeyDecision,
  LeaseKeyProblem,
  LeaseLogger,
  LeaseLookup,
  QueryAttempt,
  SkipReason,
} from './middleware/types.js';
export { LEASE_KEY_INTERNAL, LEASE_LOOKUP_INTERNAL } from './middleware/types.js';
export { createLogger, createMetrics, maskEmailsReplacer } from './observability.js';
