/**
 * Type tests, in the manner of Middy's own: what a TypeScript user of the package gets. Compiled, not
 * run, by `npm run test:types`; a `// @ts-expect-error` line that stops being an error fails it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, EventBridgeEvent, SQSRecord } from 'aws-lambda';
import { expectTypeOf } from 'expect-type';
import {
  CircuitBreaker,
  createLeaseDocumentClient,
  type EnrichmentOutcome,
  enrichmentReport,
  type Lease,
  type LeaseEnrichmentContext,
  type LeaseInternal,
  type LeaseKeyExtractor,
  type LeaseStatus,
  type LeaseSummary,
  type LeaseWithStatus,
  leaseEnrichment,
  leaseKey,
  leaseSummary,
  type MonitoredLease,
  ownField,
} from 'lease-enrichment';
import { EnrichmentMetric, enrichmentReport as enrichmentReportFromSubpath } from 'lease-enrichment/enrichment-report';
import { leaseKey as leaseKeyFromSubpath, type LeaseKeyExtractor as SubpathExtractor } from 'lease-enrichment/lease-key';

const logger = new Logger();
const metrics = new Metrics();
const client = createLeaseDocumentClient();

/** An extractor for SQS records whose body names the lease. */
const fromMessageBody: LeaseKeyExtractor<SQSRecord> = (record) => {
  const body: unknown = JSON.parse(record.body);
  return {
    userEmail: ownField(body, 'owner'),
    uuid: ownField(body, 'leaseUuid'),
    paths: { userEmail: 'body.owner', uuid: 'body.leaseUuid' },
  };
};

// The subpaths export the same functions and types as the root.
expectTypeOf(leaseKeyFromSubpath).toEqualTypeOf(leaseKey);
expectTypeOf(enrichmentReportFromSubpath).toEqualTypeOf(enrichmentReport);
expectTypeOf<SubpathExtractor<SQSRecord>>().toEqualTypeOf<LeaseKeyExtractor<SQSRecord>>();
expectTypeOf(EnrichmentMetric.QueryLatency).toEqualTypeOf<'EnrichmentQueryLatencyMs'>();

// The context the middlewares add reaches the handler, with no type argument and no cast.
export const notification = middy()
  .use(leaseKey({ logger }))
  .use(leaseEnrichment({ logger, client }))
  .use(enrichmentReport({ logger, metrics }))
  .handler(async (_event, context) => {
    expectTypeOf(context).toExtend<Context>();
    expectTypeOf(context.enrichment).toEqualTypeOf<EnrichmentOutcome>();
    expectTypeOf(context.lease).not.toBeAny();
    expectTypeOf(context.lease).not.toBeUnknown();
    expectTypeOf(context.lease).toEqualTypeOf<Lease | undefined>();
    if (context.lease === undefined) return undefined;
    const { lease } = context;
    expectTypeOf(lease.uuid).toBeString();
    expectTypeOf(lease.status).toEqualTypeOf<LeaseStatus>();
    // ISB's lease model: the status narrows the record to that status's fields.
    // @ts-expect-error: a pending lease has no account yet, so the union does not promise one
    void lease.awsAccountId.length;
    if (lease.status === 'Frozen') {
      expectTypeOf(lease).toEqualTypeOf<MonitoredLease>();
      const frozen: LeaseWithStatus<'Frozen'> = { ...lease, status: 'Frozen' };
      expectTypeOf(frozen.status).toEqualTypeOf<'Frozen'>();
      expectTypeOf(lease.awsAccountId).toBeString();
      expectTypeOf(lease.expirationDate).toEqualTypeOf<string | undefined>();
    }
    if (lease.status === 'ApprovalDenied') {
      expectTypeOf(lease.ttl).toBeNumber();
      expectTypeOf(lease.approvedBy).toEqualTypeOf<string | undefined>();
    }
    // @ts-expect-error: 'Suspended' is no status of ISB's
    if (lease.status === 'Suspended') return undefined;
    expectTypeOf(leaseSummary(lease)).toEqualTypeOf<LeaseSummary>();
    // @ts-expect-error: the summary never carries an email address
    void leaseSummary(lease).userEmail;
    return leaseSummary(lease);
  });

// ... and so does what the middlewares leave in `request.internal`, for a middleware after them.
middy()
  .use(leaseKey({ logger }))
  .use(leaseEnrichment({ logger, client }))
  .before((request) => {
    expectTypeOf(request.internal).toExtend<LeaseInternal>();
  });

// The handler may name the context type itself, as the README's handlers do.
middy<EventBridgeEvent<string, unknown>, unknown, Error, LeaseEnrichmentContext, LeaseInternal>()
  .use(leaseKey({ logger }))
  .use(leaseEnrichment({ logger }))
  .handler((_event, context) => context.enrichment.status);

// An extractor types the event: the handler gets the extractor's event ...
middy()
  .use(leaseKey({ logger, extract: fromMessageBody }))
  .handler((event) => {
    expectTypeOf(event).toEqualTypeOf<SQSRecord>();
  });

// ... and a handler written for another event does not compile.
middy()
  .use(leaseKey({ logger, extract: fromMessageBody }))
  // @ts-expect-error: the extractor reads SQS records, the handler takes something else
  .handler((event: { foo: number }) => event.foo);

// An event type written as `middy<E>()` is intersected by Middy with the extractor's (its `use` takes
// any middleware), so the chain cannot tell that they disagree: the event must then be both, and the
// handler, called with an `E` alone (as in the function's own tests), does not compile.
declare const lambdaContext: Context;
const stated = middy<{ foo: number }>().use(leaseKey({ logger, extract: fromMessageBody }));
expectTypeOf(stated).parameter(0).toEqualTypeOf<SQSRecord & { foo: number }>();
// @ts-expect-error: `{ foo }` alone is not an SQS record
void stated({ foo: 1 }, lambdaContext);

// An extractor for another event than the middleware's does not compile either.
// @ts-expect-error: an SQS extractor on a middleware for another event
leaseKey<{ foo: number }>({ logger, extract: fromMessageBody });

// A function that is not an extractor is refused.
// @ts-expect-error: an extractor returns the key fields or a problem, not a string
leaseKey({ logger, extract: (_event: SQSRecord) => 'owner' });

// Options are checked: required ones, names and types.
// @ts-expect-error: logger is required
leaseKey({});
// @ts-expect-error: no such option
leaseKey({ logger, validate: true });
// @ts-expect-error: logger is required
leaseEnrichment({ client });
// @ts-expect-error: a budget is a number of milliseconds
leaseEnrichment({ logger, budgetMs: '2s' });
// @ts-expect-error: retryOn lists error names
leaseEnrichment({ logger, retryOn: [429] });
// @ts-expect-error: a client must be able to send commands
leaseEnrichment({ logger, client: {} });
// @ts-expect-error: the breaker is a CircuitBreaker, not its options
leaseEnrichment({ logger, circuitBreaker: { failureThreshold: 3 } });
leaseEnrichment({ logger, circuitBreaker: new CircuitBreaker({ failureThreshold: 3, openMs: 10_000 }) });
// @ts-expect-error: exactOptionalPropertyTypes: an option given is a value, not undefined
leaseEnrichment({ logger, tableName: undefined });
// @ts-expect-error: metrics are required
enrichmentReport({ logger });
// @ts-expect-error: known fingerprints are strings
enrichmentReport({ logger, metrics, knownFingerprints: [1] });
// @ts-expect-error: failureThreshold is a number
new CircuitBreaker({ failureThreshold: '5' });
// A logger needs what the middleware calls: `console` will do, and so will info, warn and error alone.
leaseKey({ logger: console });
leaseKey({ logger: { info: console.info, warn: console.warn, error: console.error } });
leaseEnrichment({ logger: { info: console.info, warn: console.warn, error: console.error } });
// @ts-expect-error: a logger without warn is not enough
leaseKey({ logger: { info: () => undefined } });
// @ts-expect-error: leaseEnrichment logs errors too
leaseEnrichment({ logger: { info: console.info, warn: console.warn } });
// rereadWhen sees the lease and the event, whose type it gives the middleware.
const approved = leaseEnrichment({
  logger,
  rereadWhen: (lease, event: EventBridgeEvent<'LeaseApproved', unknown>) => lease.status === 'PendingApproval' && event.detail !== null,
});
expectTypeOf(approved.before).parameter(0).toHaveProperty('event').toEqualTypeOf<EventBridgeEvent<'LeaseApproved', unknown>>();
// @ts-expect-error: the lease is ISB's, with ISB's statuses
leaseEnrichment({ logger, rereadWhen: (lease) => lease.status === 'Suspended' });
// @ts-expect-error: the removed subpath
await import('lease-enrichment/lease-enrichment');
