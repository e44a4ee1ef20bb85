import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { ENV, readEnvList } from '../../config.js';
import { EnrichmentMetric } from '../../metric-names.js';
import { contained } from '../contained.js';
import { LOGGER_RULE, type OptionsSchema, validateOptions } from '../options.js';
import { ENRICHMENT_INTERNAL, type EnrichmentRecord, type LeaseInternal, type LeaseLogger, LOGGER_METHODS } from '../types.js';
import { combineDrift, valueDrift } from './drift.js';
import { LeaseShapes } from './shapes.js';

export interface EnrichmentReportOptions {
  /** Where the per-lookup INFO line and drift WARN lines go. */
  logger: LeaseLogger;
  /** The function's one Metrics instance; flush it with Powertools' `logMetrics`. */
  metrics: Pick<Metrics, 'addMetric'>;
  /**
   * An operator's allow-list: fingerprints of lease record field sets to accept even where ISB's
   * lease model calls their fields drift (`unknown-field`, `missing-field`); a wrong type, an unknown
   * status or schema version is still reported. Default: `LEASE_KNOWN_FINGERPRINTS` (comma-separated).
   */
  knownFingerprints?: Iterable<string>;
}

const SOURCE = 'enrichmentReport';

const optionsSchema: OptionsSchema = {
  logger: LOGGER_RULE,
  metrics: { type: 'object', methods: ['addMetric'], required: true },
  knownFingerprints: { type: 'iterable' },
};

/**
 * Checks {@link enrichmentReport}'s options, as the middleware does when it is made.
 *
 * @example
 * enrichmentReportValidateOptions({ logger, metrics, knownFingerprints: 'abc' });
 * // TypeError: enrichmentReport: option 'knownFingerprints' must be an iterable of strings, got string
 */
export const enrichmentReportValidateOptions = (options: EnrichmentReportOptions): void => validateOptions(SOURCE, optionsSchema, options);

const OUTCOME_METRIC = {
  enriched: EnrichmentMetric.Enriched,
  'not-found': EnrichmentMetric.NotFound,
  skipped: EnrichmentMetric.Skipped,
  failed: EnrichmentMetric.Failed,
} as const;

// Drift WARN lines already written, by fingerprint and findings: bounded, in case drift is wild.
const WARNED_LIMIT = 256;

/**
 * Reports each enrichment: `EnrichmentQueryLatencyMs` for every GetItem attempt (the query alone, not
 * the backoff wait), a count for its outcome and for throttles and breaker openings, and one INFO line
 * with the outcome and, for a fetched lease, its `schemaFingerprint` beside its status.
 *
 * Each fetched lease is judged against ISB's lease model (see `leaseDrift`): an unknown field, a
 * missing required field, a wrong type, an unknown status or schema version is schema drift, counted
 * as `LeaseSchemaDrift` every time and written as a WARN line (kinds and field names, never values)
 * once per fingerprint and findings per container.
 *
 * Use it after `leaseEnrichment`, with Powertools' `logMetrics` earlier in the chain to flush.
 *
 * @example
 * middy()
 *   .use(logMetrics(metrics))
 *   .use(leaseKey({ logger }))
 *   .use(leaseEnrichment({ logger }))
 *   .use(enrichmentReport({ logger, metrics }))
 *   .handler(notify);
 */
export const enrichmentReport = (options: EnrichmentReportOptions): MiddlewareObj<unknown, unknown, Error, Context, LeaseInternal> => {
  enrichmentReportValidateOptions(options);
  // A logger or metrics failure costs a stderr line, never the notification.
  const logger = contained(options.logger, LOGGER_METHODS, SOURCE);
  const metrics = contained(options.metrics, ['addMetric'], SOURCE);
  const accepted = new Set(options.knownFingerprints ?? readEnvList(ENV.knownFingerprints));
  const warned = new Set<string>();
  const shapes = new LeaseShapes();

  const countOutcome = ({ outcome, attempts, throttled, circuitOpened, reread }: EnrichmentRecord): void => {
    for (const { durationMs } of attempts) {
      metrics.addMetric(EnrichmentMetric.QueryLatency, MetricUnit.Milliseconds, durationMs);
    }
    metrics.addMetric(OUTCOME_METRIC[outcome.status], MetricUnit.Count, 1);
    if (outcome.status === 'skipped' && outcome.reason === 'circuit-open') {
      metrics.addMetric(EnrichmentMetric.SkippedCircuitOpen, MetricUnit.Count, 1);
    }
    if (throttled > 0) metrics.addMetric(EnrichmentMetric.Throttled, MetricUnit.Count, throttled);
    if (circuitOpened) metrics.addMetric(EnrichmentMetric.CircuitOpened, MetricUnit.Count, 1);
    if (reread) metrics.addMetric(EnrichmentMetric.Reread, MetricUnit.Count, 1);
  };

  const enrichmentReportBefore = (request: Request<unknown, unknown, Error, Context, LeaseInternal>): void => {
    const record = request.internal[ENRICHMENT_INTERNAL];
    if (!record) {
      logger.error('No enrichment to report: use enrichmentReport after leaseEnrichment');
      return;
    }
    countOutcome(record);

    const { outcome, lease, attempts } = record;
    const queryLatencyMs = attempts.map((item) => Math.round(item.durationMs * 100) / 100);
    if (!lease) {
      logger.info('Lease enrichment', { enrichment: outcome, attempts: attempts.length, queryLatencyMs });
      return;
    }
    const shape = shapes.of(lease);
    const schemaFingerprint = shape.fingerprint;
    const leaseStatus = typeof lease.status === 'string' ? lease.status : undefined;
    logger.info('Lease enrichment', { enrichment: outcome, attempts: attempts.length, queryLatencyMs, schemaFingerprint, leaseStatus });
    const drift = combineDrift(
      shape.fieldSetDrift(lease.status),
      valueDrift(lease, shape.names, shape.kinds),
      accepted.has(schemaFingerprint),
    );
    if (drift.length === 0) return;
    metrics.addMetric(EnrichmentMetric.SchemaDrift, MetricUnit.Count, 1);
    const findings = `${schemaFingerprint} ${drift.map(({ kind, fields }) => `${kind}:${fields.join(',')}`).join(' ')}`;
    if (warned.has(findings)) return;
    if (warned.size < WARNED_LIMIT) warned.add(findings);
    logger.warn("Lease schema drift: the record departs from ISB's lease model", {
      schemaFingerprint,
      leaseStatus,
      drift,
      fields: Object.keys(lease).sort(),
    });
  };

  return { before: enrichmentReportBefore };
};

export { type LeaseDrift, type LeaseDriftKind, type LeaseDriftOptions, leaseDrift } from './drift.js';
export { fingerprintFields, leaseFingerprint } from './fingerprint.js';
