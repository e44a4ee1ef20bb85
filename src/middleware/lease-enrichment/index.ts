import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareObj, Request } from '@middy/core';
import { ENV, readEnv } from '../../config.js';
import type { Lease, LeaseKey } from '../../lease.js';
import { type Contained, contained } from '../contained.js';
import { checkOptions, methods, number, ofType, optionError, strings, text } from '../options.js';
import {
  type EnrichmentOutcome,
  LEASE_KEY_INTERNAL,
  LEASE_LOOKUP_INTERNAL,
  type LeaseEnrichmentContext,
  type LeaseInternal,
  type LeaseLogger,
  type LeaseLookup,
  type QueryAttempt,
  type SkipReason,
} from '../types.js';
import { CircuitBreaker, type CircuitChange, type CircuitPermit } from './circuit-breaker.js';
import { createLeaseDocumentClient } from './document-client.js';
import { errorFields, errorName, failureReason, isThrottling, THROTTLING_ERROR_NAMES } from './errors.js';

export interface LeaseEnrichmentOptions<TEvent = unknown> {
  /** Where failures, skips and breaker changes are logged. */
  logger: LeaseLogger;
  /** The client to query with. Default: one {@link createLeaseDocumentClient} per middleware. */
  client?: Pick<DynamoDBDocumentClient, 'send'>;
  /** Name or ARN of the LeaseTable. Default: `LEASE_TABLE_NAME`, read when the middleware is created. */
  tableName?: string;
  /** Error names retried once. Default: {@link THROTTLING_ERROR_NAMES}. */
  retryOn?: readonly string[];
  /** Wait before the one retry, in ms; less than `budgetMs`. Default 500. */
  retryDelayMs?: number;
  /** Most time the whole lookup (attempts and waits) may take, in ms. Default 2000. */
  budgetMs?: number;
  /** Time kept back from the Lambda's remaining time for the rest of the invocation, in ms. Default 500. */
  reserveMs?: number;
  /** The breaker guarding the table. Default: a `new CircuitBreaker()` (5 failures, 30 s). */
  circuitBreaker?: CircuitBreaker;
  /** Strongly consistent reads (twice the read cost). Default false. */
  consistentRead?: boolean;
  /**
   * After an eventually consistent read finds a lease, whether to read it once more with
   * `ConsistentRead: true`, within the same budget (an event may be newer than the copy read). Must
   * not throw. A re-read that fails or finds nothing leaves the first lease. Default: never.
   */
  rereadWhen?: (lease: Lease, event: TEvent) => boolean;
}

const SOURCE = 'leaseEnrichment';

const rules = {
  logger: methods('info', 'warn', 'error'),
  client: methods('send'),
  tableName: text("the LeaseTable's name or ARN"),
  retryOn: strings('array'),
  retryDelayMs: number({ min: 0 }),
  budgetMs: number({ above: 0 }),
  reserveMs: number({ min: 0, max: Number.MAX_VALUE }),
  circuitBreaker: methods('tryAcquire'),
  consistentRead: ofType('boolean'),
  rereadWhen: ofType('function'),
};

interface Config extends Required<Omit<LeaseEnrichmentOptions<never>, 'logger' | 'tableName' | 'rereadWhen'>> {
  readonly logger: Contained<LeaseLogger, 'info' | 'warn' | 'error'>;
  readonly tableName: string | undefined;
  readonly rereadWhen: (lease: Lease, event: unknown) => boolean;
}

/** One lookup under way: the key, the table, the budget's signal and the attempts so far. */
interface Lookup {
  readonly key: LeaseKey;
  readonly table: string;
  readonly budgetMs: number;
  readonly signal: AbortSignal;
  readonly attempts: QueryAttempt[];
}

type Read = { readonly lease: Lease | undefined } | { readonly error: unknown };

// The budget and the retry wait use the global setTimeout, not AbortSignal.timeout or
// timers/promises: Node runs those on its internal timers, which Jest's fake timers cannot move.

/** Waits `ms`, or less when `signal` aborts first. */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

/** One GetItem, timed by itself and added to the lookup's attempts. */
const query = async ({ client }: Config, lookup: Lookup, consistentRead: boolean): Promise<Lease | undefined> => {
  const started = performance.now();
  const command = new GetCommand({ TableName: lookup.table, Key: lookup.key, ConsistentRead: consistentRead });
  try {
    // ISB's record as it is stored; enrichmentReport judges it against the lease model.
    const lease = (await client.send(command, { abortSignal: lookup.signal })).Item as Lease | undefined;
    lookup.attempts.push({ durationMs: performance.now() - started, result: lease ? 'found' : 'not-found' });
    return lease;
  } catch (error) {
    lookup.attempts.push({ durationMs: performance.now() - started, result: lookup.signal.aborted ? 'timeout' : errorName(error) });
    throw error;
  }
};

/** A GetItem, and one more after `retryDelayMs` when the first failed with an error in `retryOn` and time is left. */
const read = async (config: Config, lookup: Lookup, consistentRead: boolean): Promise<Read> => {
  try {
    return { lease: await query(config, lookup, consistentRead) };
  } catch (error) {
    if (lookup.signal.aborted || !config.retryOn.includes(errorName(error))) return { error };
    await sleep(config.retryDelayMs, lookup.signal);
    if (lookup.signal.aborted) return { error };
    return query(config, lookup, consistentRead).then(
      (lease) => ({ lease }),
      (retryError: unknown) => ({ error: retryError }),
    );
  }
};

/** Logs a failed read and says why it failed. */
const warnFailure = ({ logger }: Config, lookup: Lookup, error: unknown, message: string): string => {
  const reason = failureReason(error, lookup.signal.aborted);
  logger.warn(message, { reason, ...errorFields(error), attempts: lookup.attempts.length, budgetMs: lookup.budgetMs });
  return reason;
};

/** The lookup as the report sees it, logging what the breaker did. */
const finish = (
  { logger }: Config,
  lookup: Lookup,
  change: CircuitChange,
  found: Omit<LeaseLookup, 'attempts' | 'throttled' | 'circuitOpened'>,
) => {
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
  return finish(config, lookup, permit.complete('success'), { outcome, lease: second.lease ?? lease, reread: true });
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
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), budgetMs);
  try {
    return await fetchLease(
      config,
      { key: decision.key, table: tableName, budgetMs, signal: budget.signal, attempts: [] },
      permit,
      request.event,
    );
  } finally {
    clearTimeout(timer);
  }
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
  checkOptions(SOURCE, options, rules, ['logger']);
  const retryOn = options.retryOn ?? THROTTLING_ERROR_NAMES;
  const [retryDelayMs, budgetMs] = [options.retryDelayMs ?? 500, options.budgetMs ?? 2000];
  if (retryOn.length > 0 && retryDelayMs >= budgetMs) {
    throw optionError(SOURCE, 'retryDelayMs', [
      RangeError,
      `must be less than budgetMs (${budgetMs}), got ${retryDelayMs}: the retry could never run`,
    ]);
  }
  const config: Config = {
    logger: contained(options.logger, ['info', 'warn', 'error'], SOURCE),
    client: options.client ?? createLeaseDocumentClient(),
    tableName: options.tableName ?? readEnv(ENV.leaseTableName),
    retryOn,
    retryDelayMs,
    budgetMs,
    reserveMs: options.reserveMs ?? 500,
    circuitBreaker: options.circuitBreaker ?? new CircuitBreaker(),
    consistentRead: options.consistentRead ?? false,
    rereadWhen: (options.rereadWhen as Config['rereadWhen'] | undefined) ?? (() => false),
  };
  const leaseEnrichmentBefore = async (request: Request<TEvent, unknown, Error, LeaseEnrichmentContext, LeaseInternal>) => {
    const lookup = await lookUp(config, request);
    request.internal[LEASE_LOOKUP_INTERNAL] = lookup;
    request.context.enrichment = lookup.outcome;
    request.context.lease = lookup.lease;
  };
  return { before: leaseEnrichmentBefore };
};

export * from './circuit-breaker.js';
export { createLeaseDocumentClient } from './document-client.js';
export { THROTTLING_ERROR_NAMES } from './errors.js';
