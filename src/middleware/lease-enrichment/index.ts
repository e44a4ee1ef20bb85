import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareObj, Request } from '@middy/core';
import { ENV } from '../../config.js';
import type { Lease, LeaseKey } from '../../lease.js';
import {
  type EnrichmentOutcome,
  LEASE_KEY_INTERNAL,
  LEASE_LOOKUP_INTERNAL,
  type LeaseEnrichmentContext,
  type LeaseInternal,
  type LeaseLookup,
  type QueryAttempt,
  type SkipReason,
} from '../types.js';
import { LookupBudget } from './budget.js';
import type { CircuitChange, CircuitPermit } from './circuit-breaker.js';
import { type Config, configure, type LeaseEnrichmentOptions } from './config.js';
import { errorFields, errorName, failureReason, isThrottling } from './errors.js';

/** One lookup under way: the key, the table, its budget and the attempts so far. */
interface Lookup {
  readonly key: LeaseKey;
  readonly table: string;
  readonly budget: LookupBudget;
  readonly attempts: QueryAttempt[];
}

type Read = { readonly lease: Lease | undefined } | { readonly error: unknown };

type Found = Pick<LeaseLookup, 'outcome' | 'lease' | 'reread'>;

/** One GetItem, timed by itself and added to the lookup's attempts. */
const query = async ({ client }: Config, lookup: Lookup, consistentRead: boolean): Promise<Read> => {
  const started = performance.now();
  const attempt = (result: string) => lookup.attempts.push({ durationMs: performance.now() - started, result });
  try {
    const command = new GetCommand({ TableName: lookup.table, Key: lookup.key, ConsistentRead: consistentRead });
    // ISB's record as it is stored; enrichmentReport judges it against the lease model.
    const lease = (await client.send(command, { abortSignal: lookup.budget })).Item as Lease | undefined;
    attempt(lease ? 'found' : 'not-found');
    return { lease };
  } catch (error) {
    attempt(lookup.budget.aborted ? 'timeout' : errorName(error));
    return { error };
  }
};

/** A GetItem, and one more after `retryDelayMs` when the first failed with an error in `retryOn` and time is left. */
const read = async (config: Config, lookup: Lookup, consistentRead: boolean): Promise<Read> => {
  const first = await query(config, lookup, consistentRead);
  if (!('error' in first) || lookup.budget.aborted || !config.retryOn.includes(errorName(first.error))) return first;
  await lookup.budget.sleep(config.retryDelayMs);
  return lookup.budget.aborted ? first : query(config, lookup, consistentRead);
};

/** Logs a failed read and says why it failed. */
const warnFailure = ({ logger }: Config, lookup: Lookup, error: unknown, message: string): string => {
  const reason = failureReason(error, lookup.budget.aborted);
  logger.warn(message, { reason, ...errorFields(error), attempts: lookup.attempts.length, budgetMs: lookup.budget.ms });
  return reason;
};

/** The lookup as the report sees it, logging what the breaker did. */
const finish = ({ logger }: Config, lookup: Lookup, change: CircuitChange, found: Found): LeaseLookup => {
  if (change === 'closed') logger.info('Circuit breaker closed: lease lookups resumed');
  if (change === 'opened') logger.warn('Circuit breaker opened: lease lookups paused', { reason: 'circuit-opened' });
  const throttled = lookup.attempts.filter(({ result }) => isThrottling(result)).length;
  return { ...found, attempts: lookup.attempts, throttled, circuitOpened: change === 'opened' };
};

/** Reads the lease within the lookup's budget, and once more, consistently, when `rereadWhen` asks. */
const fetchLease = async (config: Config, lookup: Lookup, permit: CircuitPermit, event: unknown): Promise<LeaseLookup> => {
  const first = await read(config, lookup, config.consistentRead);
  if ('error' in first) {
    const change = permit.complete('failure');
    const reason = warnFailure(config, lookup, first.error, 'Lease lookup failed; notification goes without lease context');
    return finish(config, lookup, change, { outcome: { status: 'failed', reason }, reread: false });
  }
  const { lease } = first;
  const outcome: EnrichmentOutcome = { status: lease ? 'enriched' : 'not-found' };
  if (!lease || config.consistentRead || !config.rereadWhen(lease, event)) {
    return finish(config, lookup, permit.complete('success'), { outcome, lease, reread: false });
  }
  const second = await read(config, lookup, true);
  if ('error' in second) {
    const change = permit.complete('failure');
    warnFailure(config, lookup, second.error, 'Lease re-read failed; the lookup keeps the lease it read first');
    return finish(config, lookup, change, { outcome, lease, reread: true });
  }
  // The consistent read is the answer: a record it cannot find is gone.
  const reread: EnrichmentOutcome = { status: second.lease ? 'enriched' : 'not-found' };
  return finish(config, lookup, permit.complete('success'), { outcome: reread, lease: second.lease, reread: true });
};

const skipped = (reason: SkipReason): LeaseLookup => ({
  outcome: { status: 'skipped', reason },
  attempts: [],
  throttled: 0,
  circuitOpened: false,
  reread: false,
});

/** Decides whether to ask DynamoDB, asks, and says what came of it. Never rejects for anything the table does. */
const lookUp = async (config: Config, request: Request<unknown, unknown, Error, LeaseEnrichmentContext, LeaseInternal>) => {
  const { logger, tableName } = config;
  const decision = request.internal[LEASE_KEY_INTERNAL];
  if (!decision) {
    logger.error('No lease key decision: use the leaseKey middleware before leaseEnrichment; enrichment skipped', {
      reason: 'no-lease-key-middleware',
    });
    return skipped('no-lease-key-middleware');
  }
  if (!('key' in decision)) return skipped('invalid-lease-key');
  if (!tableName) {
    logger.error(`${ENV.leaseTableName} is not set; enrichment skipped`, { reason: 'no-table-configured' });
    return skipped('no-table-configured');
  }
  // A context made by hand (a test, a script) may not tell the time left: then the whole budget.
  const remainingMs = request.context.getRemainingTimeInMillis?.() ?? Number.NaN;
  const budgetMs = Number.isFinite(remainingMs) ? Math.min(config.budgetMs, remainingMs - config.reserveMs) : config.budgetMs;
  if (budgetMs <= 0) {
    logger.warn('Too little time left to look the lease up; enrichment skipped', { reason: 'no-time-left' });
    return skipped('no-time-left');
  }
  const permit = config.circuitBreaker.tryAcquire();
  if (!permit) {
    logger.warn('Circuit breaker open; enrichment skipped', { reason: 'circuit-open' });
    return skipped('circuit-open');
  }
  const budget = new LookupBudget(budgetMs);
  const lookup = { key: decision.key, table: tableName, budget, attempts: [] };
  return fetchLease(config, lookup, permit, request.event).finally(() => budget.end());
};

/**
 * Fetches the lease named by the checked key (from `leaseKey`) with one GetItem, and puts it on
 * `context.lease`, with the outcome on `context.enrichment`. It never throws for anything the
 * table does, nor for its logger failing:
 * - throttling (`retryOn`) is retried once after `retryDelayMs`; every other error fails at once,
 *   with the error's name (or, for a network error, Node's code such as `ECONNRESET`) as the reason,
 *   or `throttled` for any of {@link THROTTLING_ERROR_NAMES};
 * - the whole lookup, waits included, stops at `budgetMs` (or sooner, when the Lambda has less time
 *   left than that plus `reserveMs`), aborting the request;
 * - after `circuitBreaker`'s run of failures, DynamoDB is left alone for a while and lookups are
 *   `skipped` with reason `circuit-open`, until one probe succeeds.
 * What it observed (attempt latencies, throttles, breaker changes, a re-read) goes to
 * `request.internal[LEASE_LOOKUP_INTERNAL]` for `enrichmentReport`. Wrong options throw a
 * `TypeError` or `RangeError` naming the option when it is made.
 *
 * IAM: `dynamodb:GetItem` on the table (and `kms:Decrypt` on its key, for ISB's LeaseTable).
 *
 * @example
 * const client = createLeaseDocumentClient();
 * export const handler = middy<EventBridgeEvent<string, unknown>, unknown, Error, LeaseEnrichmentContext>()
 *   .use(leaseKey({ logger }))
 *   .use(leaseEnrichment({ logger, client }))
 *   .handler((event, context) => ({ status: context.enrichment.status, lease: context.lease }));
 */
export const leaseEnrichment = <TEvent = unknown>(
  options: LeaseEnrichmentOptions<TEvent>,
): MiddlewareObj<TEvent, unknown, Error, LeaseEnrichmentContext, LeaseInternal> => {
  const config = configure(options);
  const leaseEnrichmentBefore = async (request: Request<TEvent, unknown, Error, LeaseEnrichmentContext, LeaseInternal>) => {
    const lookup = await lookUp(config, request);
    request.internal[LEASE_LOOKUP_INTERNAL] = lookup;
    request.context.enrichment = lookup.outcome;
    request.context.lease = lookup.lease;
  };
  return { before: leaseEnrichmentBefore };
};

export * from './circuit-breaker.js';
export type { LeaseEnrichmentOptions } from './config.js';
export { createLeaseDocumentClient } from './document-client.js';
export { THROTTLING_ERROR_NAMES } from './errors.js';
