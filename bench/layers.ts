/**
 * The notification handler built up one layer at a time, for the benchmark's per-layer costs: each
 * handler here is the one before it plus one middleware, and the last is the notification handler
 * itself. Each has its own DynamoDB client, Logger and Metrics, as a function of its own would.
 * Bundled and loaded by the warm-path worker beside the bare handler.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { createNotificationHandler, inputOutputAtDebug, type LeaseEvent, notify } from '../src/handlers/notification.js';
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
const discardedMetrics: Pick<Metrics, 'addMetric' | 'addMetadata'> = {
  addMetric: () => discardedMetrics as Metrics,
  addMetadata: () => discardedMetrics as Metrics,
};

/** The bare GetItem handler, with a client of its own. */
const bareGetItem = (): Handler => {
  const lookUp = createBareHandler();
  return (event) => lookUp(event as Parameters<typeof lookUp>[0]);
};

/** A middleware added in turn, made with the layer's own Logger and client. */
interface Step {
  readonly name: string;
  readonly adds: string;
  readonly make: (own: {
    readonly logger: ReturnType<typeof createLogger>;
    readonly client: ReturnType<typeof createLeaseDocumentClient>;
  }) => MiddlewareObj<LeaseEvent, unknown, Error, LeaseEnrichmentContext, LeaseInternal>;
  /** From this step on, the handler is the notification's `notify`, reading the lease off the context. */
  readonly notifies?: true;
}

// The notification handler's middlewares but logMetrics, in its order.
const STEPS: readonly Step[] = [
  { name: 'injectLambdaContext', adds: "Powertools' Lambda context on the Logger", make: ({ logger }) => injectLambdaContext(logger) },
  {
    name: 'input/output logger',
    adds: 'the event and the notification at DEBUG (silent at INFO)',
    make: ({ logger }) => inputOutputAtDebug(logger),
  },
  { name: 'leaseKey', adds: 'the lease key found and checked', make: ({ logger }) => leaseKey({ logger }) },
  {
    name: 'leaseEnrichment',
    adds: "its GetItem instead of the handler's: budget, breaker, retry policy; the notification",
    make: ({ logger, client }) => leaseEnrichment({ logger, client }),
    notifies: true,
  },
  {
    name: 'enrichmentReport',
    adds: 'fingerprint and drift check; metrics and metadata recorded, not stored',
    make: ({ logger }) => enrichmentReport({ logger, metrics: discardedMetrics }),
  },
];

/** Middy around the first `count` steps, with a Logger and client of its own. */
const withSteps = (count: number): Handler => {
  const own = { logger: createLogger(), client: createLeaseDocumentClient() };
  const steps = STEPS.slice(0, count);
  const chain = steps.reduce(
    (built, step) => built.use(step.make(own)),
    middy<LeaseEvent, unknown, Error, LeaseEnrichmentContext, LeaseInternal>(),
  );
  return (steps.some((step) => step.notifies) ? chain.handler(notify) : chain.handler(bareGetItem())) as unknown as Handler;
};

/**
 * The bare GetItem handler and the layers, in the order they are added. Built when called: each
 * with clients of its own. The bare handler comes from this bundle too, so that it and the layers
 * run the same copy of the SDK: a handler of another bundle runs colder code beside them.
 */
export const buildLayers = (): { readonly bare: Handler; readonly layers: Layer[] } => ({
  bare: bareGetItem(),
  layers: [
    { name: 'middy', adds: 'Middy around the bare GetItem, no middleware', handler: withSteps(0) },
    ...STEPS.map((step, index) => ({ name: step.name, adds: step.adds, handler: withSteps(index + 1) })),
    {
      name: 'logMetrics',
      adds: 'metrics and metadata stored and flushed as one EMF document: the notification handler',
      handler: createNotificationHandler({
        logger: createLogger(),
        metrics: createMetrics(),
        client: createLeaseDocumentClient(),
      }) as unknown as Handler,
    },
  ],
});
