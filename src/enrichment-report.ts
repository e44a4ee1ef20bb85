/**
 * `lease-enrichment/enrichment-report`: the metrics and schema-drift middleware, and the metric names
 * it emits.
 *
 * @example
 * import { enrichmentReport, EnrichmentMetric } from 'lease-enrichment/enrichment-report';
 */

export type { EnrichmentMetricName } from './metric-names.js';
export { DEFAULT_METRICS_NAMESPACE, EnrichmentMetric } from './metric-names.js';
export * from './middleware/enrichment-report/index.js';
export type { LeaseInternal, LeaseLogger, LeaseLookup } from './middleware/types.js';
export { LEASE_LOOKUP_INTERNAL } from './middleware/types.js';
