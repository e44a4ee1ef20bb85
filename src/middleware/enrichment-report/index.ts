import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { ENV, readEnvList } from '../../config.js';
import { type Contained, contained } from '../../contained.js';
import { maskEmails } from '../../email-addresses.js';
import type { Lease } from '../../lease.js';
import { EnrichmentMetric } from '../../metric-names.js';
import { checkOptions, methods, strings } from '../options.js';
import { LEASE_LOOKUP_INTERNAL, type LeaseInternal, type LeaseLogger, type LeaseLookup } from '../types.js';
import { leaseDrift } from './drift.js';
import { leaseFingerprint } from './fingerprint.js';

export interface EnrichmentReportOptions {
  /** Where drift WARN lines go, and the ERROR line of a chain without `leaseEnrichment`. */
  logger: Pick<LeaseLogger, 'warn' | 'error'> & Partial<LeaseLogger>;
  /** The function's one Metrics instance; flush it with Powertools' `logMetrics`. */
  metrics: Pick<Metrics, 'addMetric' | 'addMetadata'>;
  /**
   * An operator's allow-list: fingerprints of lease record field sets to accept even where ISB's
   * lease model calls their fields drift (`unknown-field`, `missing-field`); a wrong type, an unknown
   * status or schema version is still reported. Default: `LEASE_KNOWN_FINGERPRINTS` (comma-separated).
   */
  knownFingerprints?: Iterable<string>;
}

const SOURCE = 'enrichmentReport';

const rules = { logger: methods('warn', 'error'), metrics: methods('addMetric', 'addMetadata'), knownFingerprints: strings('iterable') };

const OUTCOME_METRIC = {
  enriched: EnrichmentMetric.Enriched,
  'not-found': EnrichmentMetric.NotFound,
  skipped: EnrichmentMetric.Skipped,
  failed: EnrichmentMetric.Failed,
} as const;

/** Distinct drift findings a container writes a WARN line for; past them, drift is only counted. */
const WARNED_LIMIT = 256;

/** The Powertools Logger's key for the request id, so that one query finds an invocation's log lines and EMF document. */
const REQUEST_ID_KEY = 'function_request_id';

/** Longest text taken from a record or an error into the metadata: a status or an error's name. */
const TEXT_LIMIT = 64;

interface Report {
  readonly logger: Contained<LeaseLogger, 'warn' | 'error'>;
  readonly metrics: Contained<Pick<Metrics, 'addMetric' | 'addMetadata'>, 'addMetric' | 'addMetadata'>;
  readonly accepted: ReadonlySet<string>;
  /** Drift findings (fingerprint and drift) already written as a WARN line. */
  readonly warned: Set<string>;
}

const countLookup = ({ metrics }: Report, { outcome, attempts, throttled, circuitOpened, reread }: LeaseLookup): void => {
  for (const { durationMs } of attempts) metrics.addMetric(EnrichmentMetric.QueryLatency, MetricUnit.Milliseconds, durationMs);
  metrics.addMetric(OUTCOME_METRIC[outcome.status], MetricUnit.Count, 1);
  if (outcome.status === 'skipped' && outcome.reason === 'circuit-open')
    metrics.addMetric(EnrichmentMetric.SkippedCircuitOpen, MetricUnit.Count, 1);
  if (throttled > 0) metrics.addMetric(EnrichmentMetric.Throttled, MetricUnit.Count, throttled);
  if (circuitOpened) metrics.addMetric(EnrichmentMetric.CircuitOpened, MetricUnit.Count, 1);
  if (reread) metrics.addMetric(EnrichmentMetric.Reread, MetricUnit.Count, 1);
};

// EMF documents are written without the Logger's masking: text from a record or an error is masked here.
const safeText = (text: string): string => maskEmails(text).slice(0, TEXT_LIMIT);

/** For a lease that departs from ISB's model: the drift metric, and a WARN line once per findings. */
const reportDrift = (report: Report, lease: Lease, schemaFingerprint: string): void => {
  const drift = leaseDrift(lease, { fieldSetAccepted: report.accepted.has(schemaFingerprint) });
  if (drift.length === 0) return;
  report.metrics.addMetric(EnrichmentMetric.SchemaDrift, MetricUnit.Count, 1);
  const findings = `${schemaFingerprint} ${JSON.stringify(drift)}`;
  if (report.warned.has(findings) || report.warned.size >= WARNED_LIMIT) return;
  report.warned.add(findings);
  const leaseStatus = typeof lease.status === 'string' ? lease.status : undefined;
  const fields = Object.keys(lease).sort();
  report.logger.warn("Lease schema drift: the record departs from ISB's lease model", { schemaFingerprint, leaseStatus, drift, fields });
};

/**
 * The lookup's metrics, and its metadata in the same EMF document, where CloudWatch Logs Insights
 * finds it: the request id, the outcome and its reason, and for a fetched lease its fingerprint and status.
 */
const reportLookup = (report: Report, lookup: LeaseLookup, requestId: string): void => {
  countLookup(report, lookup);
  const { metrics } = report;
  const { outcome, lease } = lookup;
  metrics.addMetadata(REQUEST_ID_KEY, requestId);
  metrics.addMetadata('enrichment', outcome.status);
  if ('reason' in outcome) metrics.addMetadata('enrichmentReason', safeText(outcome.reason));
  if (!lease) return;
  const schemaFingerprint = leaseFingerprint(lease);
  metrics.addMetadata('schemaFingerprint', schemaFingerprint);
  if (typeof lease.status === 'string') metrics.addMetadata('leaseStatus', safeText(lease.status));
  reportDrift(report, lease, schemaFingerprint);
};

/**
 * Reports each lease lookup in the invocation's EMF document: `EnrichmentQueryLatencyMs` for every
 * GetItem attempt (the query alone, not the backoff wait), a count for its outcome, for throttles,
 * breaker openings and re-reads, and as metadata (searchable in CloudWatch Logs, not metrics) the
 * request id, the outcome (`enrichment`, `enrichmentReason`) and, for a fetched lease, its
 * `schemaFingerprint` beside its `leaseStatus`. It writes no log line of its own, since the EMF
 * document is written anyway and a skipped or failed lookup has its WARN or ERROR line from `leaseKey`
 * or `leaseEnrichment`.
 *
 * Each fetched lease is judged against ISB's lease model with {@link leaseDrift}: an unknown field, a
 * missing required field, a wrong type, an unknown status or schema version is schema drift, counted
 * as `LeaseSchemaDrift` every time and written as a WARN line (kinds and field names, never values)
 * once per fingerprint and findings. A container writes WARN lines for its first 256 distinct
 * findings only; past that bound, new findings are counted in the metric but not written, so wild
 * drift never costs a WARN line per invocation.
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
  checkOptions(SOURCE, options, rules, ['logger', 'metrics']);
  // A logger or metrics failure costs a stderr line, never the notification.
  const report: Report = {
    logger: contained(options.logger, ['warn', 'error'], SOURCE),
    metrics: contained(options.metrics, ['addMetric', 'addMetadata'], SOURCE),
    accepted: new Set(options.knownFingerprints ?? readEnvList(ENV.knownFingerprints)),
    warned: new Set(),
  };
  const enrichmentReportBefore = (request: Request<unknown, unknown, Error, Context, LeaseInternal>): void => {
    const lookup = request.internal[LEASE_LOOKUP_INTERNAL];
    if (lookup) reportLookup(report, lookup, request.context.awsRequestId);
    else report.logger.error('No lease lookup to report: use enrichmentReport after leaseEnrichment');
  };
  return { before: enrichmentReportBefore };
};

export { type LeaseDrift, type LeaseDriftKind, type LeaseDriftOptions, leaseDrift } from './drift.js';
export { leaseFingerprint } from './fingerprint.js';
