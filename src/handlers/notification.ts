import { type Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj, type Request } from '@middy/core';
import inputOutputLogger from '@middy/input-output-logger';
import type { EventBridgeEvent } from 'aws-lambda';
import { type Contained, contained } from '../contained.js';
import { needsConsistentRead } from '../lease-events/index.js';
import { buildLeaseNotification, type LeaseNotification, type LeaseNotificationFindings } from '../lease-notification.js';
import { EnrichmentMetric } from '../metric-names.js';
import { type EnrichmentReportOptions, enrichmentReport } from '../middleware/enrichment-report/index.js';
import { createLeaseDocumentClient, type LeaseEnrichmentOptions, leaseEnrichment } from '../middleware/lease-enrichment/index.js';
import { leaseKey } from '../middleware/lease-key/index.js';
import type { LeaseEnrichmentContext, LeaseInternal } from '../middleware/types.js';
import { createLogger, createMetrics } from '../observability.js';

/**
 * What arrives: any EventBridge event, read defensively, since a direct invoke can send anything.
 * ISB's own events are typed, by detail-type, as `LeaseEvent` in the package's root.
 */
export type LeaseEvent = EventBridgeEvent<string, unknown>;

export type { LeaseNotification };

/**
 * The thin handler: an event plus the lease the middlewares found (or not) make a notification.
 * No I/O here.
 */
export const notify = (event: LeaseEvent, context: LeaseEnrichmentContext): LeaseNotification =>
  buildLeaseNotification(event, context).notification;

/** The one WARN per kind of finding, and the conflict metric: field names and statuses, never values. */
const reportFindings = (
  logger: Contained<Logger, 'warn'>,
  metrics: Contained<Metrics, 'addMetric'>,
  { detailType }: LeaseNotification,
  { leftOut, missing, reconciliation, leaseStatus }: LeaseNotificationFindings,
): void => {
  // Missing fields alone are not worth a line: a detail without its key already has one.
  if (leftOut.length > 0) {
    logger.warn("Lease event facts left out: the detail departs from ISB's schema", { detailType, leftOut, missing });
  }
  if (reconciliation?.consistency !== 'conflict') return;
  metrics.addMetric(EnrichmentMetric.ConsistencyConflict, MetricUnit.Count, 1);
  logger.warn('Lease record contradicts the event, even after a consistent read; notification goes with the record as read', {
    detailType,
    leaseStatus: typeof leaseStatus === 'string' ? leaseStatus.slice(0, 64) : typeof leaseStatus,
    statusesAtPublish: reconciliation.statusesAtPublish,
  });
};

/**
 * Middy's input/output logger, writing the event and the notification at DEBUG, and only when this
 * invocation logs at DEBUG (the logger's level, sampling included, is set per invocation by
 * `injectLambdaContext`): whole events are for investigations, and at INFO its hooks would cost
 * every invocation two log calls that print nothing. A logger that buffers lines below its level
 * does not get these.
 *
 * @example
 * middy().use(injectLambdaContext(logger)).use(inputOutputAtDebug(logger)).handler(notify);
 */
export const inputOutputAtDebug = (logger: Logger): MiddlewareObj => {
  // A hostile event must not cost its notification: one nested past JSON.stringify's stack throws.
  const eventLogger = contained(logger, ['debug'], 'inputOutputLogger');
  const io = inputOutputLogger({ logger: (message) => eventLogger.debug('Input/output', message as Record<string, unknown>) });
  const atDebug = (): boolean => logger.level <= LogLevelThreshold.DEBUG;
  const inputOutputBefore = (request: Request): unknown => (atDebug() ? io.before?.(request) : undefined);
  const inputOutputAfter = (request: Request): unknown => (atDebug() ? io.after?.(request) : undefined);
  const inputOutputOnError = (request: Request): unknown => (atDebug() ? io.onError?.(request) : undefined);
  return { before: inputOutputBefore, after: inputOutputAfter, onError: inputOutputOnError };
};

/** What the notification handler is built from: the function's one Logger and Metrics, and the enrichment options. */
export type NotificationHandlerDependencies = Omit<LeaseEnrichmentOptions, 'logger'> &
  Pick<EnrichmentReportOptions, 'knownFingerprints'> & { logger: Logger; metrics: Metrics };

/**
 * Builds the notification Lambda: Powertools context and metrics, the input/output logger (at DEBUG,
 * emails masked), then the three lease middlewares in order, around {@link notify}.
 *
 * @example
 * const handler = createNotificationHandler({ logger, metrics, client, circuitBreaker });
 */
export const createNotificationHandler = ({ logger, metrics, knownFingerprints, ...enrichment }: NotificationHandlerDependencies) => {
  // A logger or metrics failure costs a stderr line, never the notification.
  const findingsLogger = contained(logger, ['warn'], 'notify');
  const findingsMetrics = contained(metrics, ['addMetric'], 'notify');
  return middy<LeaseEvent, LeaseNotification, Error, LeaseEnrichmentContext, LeaseInternal>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(inputOutputAtDebug(logger))
    .use(leaseKey({ logger }))
    .use(leaseEnrichment({ logger, rereadWhen: (lease, event) => needsConsistentRead(event, lease), ...enrichment }))
    .use(enrichmentReport({ logger, metrics, knownFingerprints }))
    .handler(function notifyAndReport(event, context) {
      const { notification, findings } = buildLeaseNotification(event, context);
      reportFindings(findingsLogger, findingsMetrics, notification, findings);
      return notification;
    });
};

/**
 * The Lambda entry point. Logger, Metrics and the DynamoDB client are created here, once per
 * container, and reused by every invocation.
 */
export const handler = createNotificationHandler({
  logger: createLogger(),
  metrics: createMetrics(),
  client: createLeaseDocumentClient(),
});
