import { type Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj, type Request } from '@middy/core';
import inputOutputLogger from '@middy/input-output-logger';
import type { EventBridgeEvent } from 'aws-lambda';
import { type LeaseSummary, leaseSummary } from '../lease.js';
import { contained } from '../middleware/contained.js';
import { type EnrichmentReportOptions, enrichmentReport } from '../middleware/enrichment-report/index.js';
import { createLeaseDocumentClient, type LeaseEnrichmentOptions, leaseEnrichment } from '../middleware/lease-enrichment/index.js';
import { leaseKey, ownField } from '../middleware/lease-key/index.js';
import type { EnrichmentOutcome, LeaseEnrichmentContext, LeaseInternal } from '../middleware/types.js';
import { createLogger, createMetrics } from '../observability.js';

/** What EventBridge delivers. Typed for readers; read defensively, since a direct invoke can send anything. */
export type LeaseEvent = EventBridgeEvent<string, unknown>;

/** The notification: what a sender needs to tell the lease holder, with or without lease context. */
export interface LeaseNotification {
  eventId: string | null;
  detailType: string | null;
  source: string | null;
  /** True when `lease` is present. */
  enriched: boolean;
  enrichment: EnrichmentOutcome;
  lease?: LeaseSummary;
}

const stringField = (event: unknown, field: string): string | null => {
  const value = ownField(event, field);
  return typeof value === 'string' ? value : null;
};

/**
 * The thin handler: an event plus the lease the middlewares found (or not) make a notification.
 * No I/O here.
 */
export const notify = (event: LeaseEvent, context: LeaseEnrichmentContext): LeaseNotification => {
  const notification: LeaseNotification = {
    eventId: stringField(event, 'id'),
    detailType: stringField(event, 'detail-type'),
    source: stringField(event, 'source'),
    enriched: context.lease !== undefined,
    enrichment: context.enrichment,
  };
  if (context.lease) notification.lease = leaseSummary(context.lease);
  return notification;
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
  return middy<LeaseEvent, LeaseNotification, Error, LeaseEnrichmentContext, LeaseInternal>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(inputOutputAtDebug(logger))
    .use(leaseKey({ logger }))
    .use(leaseEnrichment({ logger, ...enrichment }))
    .use(enrichmentReport({ logger, metrics, knownFingerprints }))
    .handler(notify);
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
