/**
 * The notification handler built up one layer at a time, for the benchmark's per-layer costs: each
 * handler here is the one before it plus one middleware, and the last is the notification handler
 * itself. Each has its own DynamoDB client, Logger and Metrics, as a function of its own would.
 * Bundled and loaded by the warm-path worker beside the bare handler.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createNotificationHandler, inputOutputAtDebug, notify, type LeaseEvent } from '../src/handlers/notification.js';
import { enrichmentReport } from '../src/middleware/enrichment-report/index.js';
import { createLeaseDocumentClient, leaseEnrichment } from '../src/middleware/lease-enrichment/index.js';
import { leaseKey } from '../src/middleware/lease-key/index.js';
import type { LeaseEnrichmentContext, LeaseInternal } from '../src/middleware/types.js';
import { createLogger, createMetrics } from '../src/observability.js';
import { createBareHandler } from './bare-handler.js';

/** One layer of the stack: a handler, and what it adds to the one before it. */
export interface Layer {
  readonly name: string;
  readonly adds: string;
  readonly handler: (event: unknown, context: Context) => Promise<unknown>;
}

type Handler = Layer['handler'];

// Metrics the report records but nothing stores: the layer that adds logMetrics adds storing and flushing them.
const discardedMetrics: Pick<Metrics, 'addMetric'> = {
  addMetric: () => discardedMetrics as Metrics,
};

const chain = () => middy<LeaseEvent, unknown, Error, LeaseEnrichmentContext, LeaseInternal>();

const bareGetItem = (): ((event: LeaseEvent) => Promise<unknown>) => {
  const lookUp = createBareHandler();
  return (event) => lookUp(event as Parameters<typeof lookUp>[0]);
};

/**
 * The bare GetItem handler and the layers, in the order they are added. Built when called: each
 * with clients of its own. The bare handler comes from this bundle too, so that it and the layers
 * run the same copy of the SDK: a handler of another bundle runs colder code beside them.
 */
export const buildLayers = (): { readonly bare: Handler; readonly layers: Layer[] } => {
  const layer = (name: string, adds: string, build: () => unknown): Layer => ({ name, adds, handler: build() as Handler });
  const bare = createBareHandler();
  return {
    bare: (event) => bare(event as Parameters<typeof bare>[0]),
    layers: [
    layer('middy', 'Middy around the bare GetItem, no middleware', () => chain().handler(bareGetItem())),
    layer('injectLambdaContext', "Powertools' Lambda context on the Logger", () => {
      const logger = createLogger();
      return chain().use(injectLambdaContext(logger)).handler(bareGetItem());
    }),
    layer('input/output logger', 'the event and the notification at DEBUG (silent at INFO)', () => {
      const logger = createLogger();
      return chain().use(injectLambdaContext(logger)).use(inputOutputAtDebug(logger)).handler(bareGetItem());
    }),
    layer('leaseKey', 'the lease key found and checked', () => {
      const logger = createLogger();
      return chain().use(injectLambdaContext(logger)).use(inputOutputAtDebug(logger)).use(leaseKey({ logger })).handler(bareGetItem());
    }),
    layer('leaseEnrichment', 'its GetItem instead of the handler\'s: deadline, breaker, retry policy; the notification', () => {
      const logger = createLogger();
      return chain()
        .use(injectLambdaContext(logger))
        .use(inputOutputAtDebug(logger))
        .use(leaseKey({ logger }))
        .use(leaseEnrichment({ logger, client: createLeaseDocumentClient() }))
        .handler(notify);
    }),
    layer('enrichmentReport', 'the INFO line, fingerprint and drift check; metrics recorded, not stored', () => {
      const logger = createLogger();
      return chain()
        .use(injectLambdaContext(logger))
        .use(inputOutputAtDebug(logger))
        .use(leaseKey({ logger }))
        .use(leaseEnrichment({ logger, client: createLeaseDocumentClient() }))
        .use(enrichmentReport({ logger, metrics: discardedMetrics }))
        .handler(notify);
    }),
    layer('logMetrics', 'metrics stored and flushed as one EMF document: the notification handler', () =>
      createNotificationHandler({ logger: createLogger(), metrics: createMetrics(), client: createLeaseDocumentClient() }),
    ),
    ],
  };
};
