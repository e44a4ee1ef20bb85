/**
 * `lease-enrichment`: the three lease middlewares and what they need, for reuse in other functions.
 * Each middleware also has its own entry point: `lease-enrichment/lease-key`,
 * `lease-enrichment/lease-enrichment` and `lease-enrichment/enrichment-report`.
 *
 * @example
 * import middy from '@middy/core';
 * import { leaseKey, leaseEnrichment, enrichmentReport, createLogger, createMetrics } from 'lease-enrichment';
 */

export { ENV } from './config.js';
export type { BlueprintEventDetailType, LeaseEventDetailType } from './events.js';
export { BLUEPRINT_EVENT_DETAIL_TYPES, LEASE_EVENT_DETAIL_TYPES, LEASE_EVENT_SOURCE_PREFIX } from './events.js';
export type {
  ApprovalDeniedLease,
  EndedLease,
  Lease,
  LeaseBudgetThreshold,
  LeaseDurationThreshold,
  LeaseField,
  LeaseFieldKind,
  LeaseFieldSpec,
  LeaseFieldType,
  LeaseKey,
  LeaseMeta,
  LeaseRecord,
  LeaseStatus,
  LeaseStatusGroup,
  LeaseStatusGroupSpec,
  LeaseSummary,
  LeaseThresholdAction,
  LeaseWithStatus,
  MonitoredLease,
  PendingLease,
} from './lease.js';
export {
  LEASE_FIELDS,
  LEASE_KEY_LIMITS,
  LEASE_SCHEMA_VERSIONS,
  LEASE_STATUS_GROUPS,
  LEASE_STATUSES,
  leaseSummary,
} from './lease.js';
// The sender's metric names, for alarms and dashboards built outside this project's stack.
export type { EnrichmentMetricName, SenderMetricName } from './metric-names.js';
export { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, EnrichmentMetric, SenderMetric } from './metric-names.js';
export type {
  EnrichmentReportOptions,
  LeaseDrift,
  LeaseDriftKind,
  LeaseDriftOptions,
} from './middleware/enrichment-report/index.js';
export {
  enrichmentReport,
  enrichmentReportValidateOptions,
  fingerprintFields,
  leaseDrift,
  leaseFingerprint,
} from './middleware/enrichment-report/index.js';
export type {
  CircuitBreakerOptions,
  CircuitChange,
  CircuitPermit,
  CircuitState,
  LeaseEnrichmentOptions,
} from './middleware/lease-enrichment/index.js';
export {
  CircuitBreaker,
  circuitBreakerValidateOptions,
  createLeaseDocumentClient,
  leaseEnrichment,
  leaseEnrichmentValidateOptions,
  THROTTLING_ERROR_NAMES,
} from './middleware/lease-enrichment/index.js';
export type { LeaseKeyExtractor, LeaseKeyFields, LeaseKeyOptions } from './middleware/lease-key/index.js';
export { fromEventBridgeDetail, leaseKey, leaseKeyValidateOptions, ownField, typeName } from './middleware/lease-key/index.js';
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
export { ENRICHMENT_INTERNAL, LEASE_KEY_INTERNAL } from './middleware/types.js';
export {
  ADDRESS_FIELDS,
  createLogger,
  createMetrics,
  EMAIL_MASK,
  findEmailAddresses,
  maskEmails,
  maskEmailsReplacer,
} from './observability.js';
