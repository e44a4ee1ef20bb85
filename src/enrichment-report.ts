/**
 * `lease-enrichment/enrichment-report`: the metrics and schema-drift middleware, and the metric names
 * it emits.
 *
 * @example
 * import { enrichmentReport, EnrichmentMetric } from 'lease-enrichment/enrichment-report';
 */
export * from './middleware/enrichment-report/index.js';
export { EnrichmentMetric, DEFAULT_METRICS_NAMESPACE } from './metric-names.js';
export { ENRICHMENT_INTERNAL } from './middleware/types.js';
export type { EnrichmentMetricName } from './metric-names.js';
export type { EnrichmentRecord, LeaseInternal, LeaseLogger } from './middleware/types.js';
