import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, type GetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { ENV, readEnv } from '../../config.js';
import type { Lease, LeaseKey } from '../../lease.js';
import { contained } from '../contained.js';
import { LOGGER_RULE, MAX_TIMER_MS, type OptionsSchema, validateOptions, withDefaults } from '../options.js';
import {
  ENRICHMENT_INTERNAL,
  type EnrichmentRecord,
  LEASE_KEY_INTERNAL,
  type LeaseEnrichmentContext,
  type LeaseInternal,
  type LeaseLogger,
  LOGGER_METHODS,
  type QueryAttempt,
  type SkipReason,
} from '../types.js';
import { CircuitBreaker, type CircuitChange } from './circuit-breaker.js';
import { type Deadline, Deadlines } from './deadline.js';
import { createLeaseDocumentClient } from './document-client.js';

export interface LeaseEnrichmentOptions {
  /** Where failures, skips and breaker changes are logged. */
  logger: LeaseLogger;
  /** The client to query with. Default: one {@link createLeaseDocumentClient} per middleware. */
  client?: Pick<DynamoDBDocumentClient, 'send'>;
  /** Name or ARN of the LeaseTable. Default: `LEASE_TABLE_NAME`, read when the middleware is created. */
  tableName?: string;
  /** Error names retried once. Default: {@link THROTTLING_ERROR_NAMES}. */
  retryOn?: readonly string[];
  /** Wait before the one retry, in ms. Default 500. */
  retryDelayMs?: number;
  /** Most time the whole enrichment (attempts and wait) may take, in ms. Default 2000. */
  budgetMs?: number;
  /** Time kept back from the Lambda's remaining time for the rest of the invocation, in ms. Default 500. */
  reserveMs?: number;
  /** The breaker guarding the table. Default: a `new CircuitBreaker()` (5 failures, 30 s). */
  circuitBreaker?: CircuitBreaker;
  /** Strongly consistent reads (twice the read cost). Default false. */
  consistentRead?: boolean;
  /**
   * After a read finds a lease: when this returns true, read it once more with `ConsistentRead: true`,
   * inside the same budget (an attempt like any other). If that read fails, the first lease stays.
   * Default: never.
   */
  rereadWhen?: (lease: Lease, event: unknown) => boolean;
}

/**
 * The error names DynamoDB throttles with: `ProvisionedThroughputExceededException` on a table's
 * provisioned or on-demand throughput, `ThrottlingException` and `RequestLimitExceeded` on the
 * account's or the control plane's limits (Innovation Sandbox's LeaseTable is on-demand and sees all
 * three). These, and only these, count as throttling in the `throttled` reason and metric.
 */
export const THROTTLING_ERROR_NAMES: readonly string[] = Object.freeze([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

const THROTTLING = new Set(THROTTLING_ERROR_NAMES);

const SOURCE = 'leaseEnrichment';

const defaults = {
  retryOn: THROTTLING_ERROR_NAMES,
  retryDelayMs: 500,
  budgetMs: 2000,
  reserveMs: 500,
  consistentRead: false,
};

const optionsSchema: OptionsSchema = {
  logger: LOGGER_RULE,
  client: { type: 'object', methods: ['send'] },
  tableName: { type: 'string' },
  retryOn: { type: 'strings' },
  retryDelayMs: { type: 'number', minimum: 0, maximum: MAX_TIMER_MS },
  budgetMs: { type: 'number', exclusiveMinimum: 0, maximum: MAX_TIMER_MS },
  reserveMs: { type: 'number', minimum: 0 },
  circuitBreaker: { type: 'object', methods: ['tryAcquire'] },
  consistentRead: { type: 'boolean' },
  rereadWhen: { type: 'function' },
};

/**
 * Checks {@link leaseEnrichment}'s options, as the middleware does when it is made: a `TypeError`
 * naming the option for a wrong type or an unknown option, a `RangeError` for a number that is NaN,
 * infinite or out of bounds.
 *
 * @example
 * leaseEnrichmentValidateOptions({ logger, budgetMs: Number.NaN });
 * // RangeError: leaseEnrichment: option 'budgetMs' must be a finite number, got NaN
 */
export const leaseEnrichmentValidateOptions = (options: LeaseEnrichmentOptions): void => validateOptions(SOURCE, optionsSchema, options);

/** The options, merged over the defaults: what the hooks run on. */
interface LeaseEnrichmentConfig {
  readonly logger: LeaseLogger;
  readonly client: Pick<DynamoDBDocumentClient, 'send'>;
  readonly tableName: string | undefined;
  readonly retryOn: ReadonlySet<string>;
  readonly retryDelayMs: number;
  readonly budgetMs: number;
  readonly reserveMs: number;
  readonly circuitBreaker: CircuitBreaker;
  readonly consistentRead: boolean;
  readonly rereadWhen?: (lease: Lease, event: unknown) => boolean;
  /** The lookups' deadlines, on one timer. */
  readonly deadlines: Deadlines;
}

type EnrichmentRequest = Request<unknown, unknown, Error, LeaseEnrichmentContext, LeaseInternal>;

/** One GetItem: what the report sees, plus the lease or the error. */
type Attempt = QueryAttempt & ({ readonly lease?: Lease } | { readonly failed: true; readonly error: unknown });

/** A whole lookup: its attempts, and the lease or why there is none. */
interface Lookup {
  readonly attempts: readonly QueryAttempt[];
  readonly lease?: Lease;
  /** Present when the lookup failed; `error` may itself be `undefined` (a client can reject with anything). */
  readonly failure?: { readonly error: unknown; readonly timedOut: boolean };
  /** Whether a second, strongly consistent read was made (`rereadWhen`). */
  readonly reread?: boolean;
  /** Whether that read failed: the breaker counts it. */
  readonly rereadFailed?: boolean;
}

const errorName = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof (error as Error).name === 'string' ? (error as Error).name : 'UnknownError';

const httpStatusOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;

/**
 * Node's system error code (`ECONNRESET`, `ECONNREFUSED`, …), if any. The SDK renames a reset
 * connection `TimeoutError`, which would read like our own budget `timeout`; the code says what
 * happened.
 */
const systemErrorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
};

// The budget and the retry wait use the global setTimeout, not AbortSignal.timeout or
// timers/promises: Node runs those on its internal timers, which Jest's fake timers cannot move.

/** Waits `ms`; resolves false at once if the deadline passes first. */
const waitUnlessPast = (ms: number, deadline: Deadline): Promise<boolean> =>
  new Promise<boolean>((resolve) => {
    const stop = deadline.listen(() => {
      clearTimeout(timer);
      resolve(false);
    });
    const timer = setTimeout(() => {
      stop();
      resolve(true);
    }, ms);
  });

/**
 * One GetItem on the lease key, timed by itself. Settles when DynamoDB answers or the deadline
 * passes, whichever comes first, whether or not the client honours the deadline (an injected one may
 * not). Never rejects: an error is part of the attempt. One promise, no async layers: this runs on
 * every invocation.
 */
const queryLease = (
  config: LeaseEnrichmentConfig,
  table: string,
  key: LeaseKey,
  deadline: Deadline,
  consistentRead = config.consistentRead,
): Promise<Attempt> =>
  new Promise<Attempt>((resolve) => {
    const started = performance.now();
    const failed = (error: unknown): void => {
      stop();
      const result = deadline.aborted ? 'timeout' : errorName(error);
      resolve({ durationMs: performance.now() - started, result, failed: true, error });
    };
    const stop = deadline.listen(() => failed(deadline.reason));
    const answered = (output: GetCommandOutput | undefined): void => {
      if (output === null || typeof output !== 'object') {
        failed(new TypeError('The client answered GetItem without an output object'));
        return;
      }
      stop();
      // ISB's record as it is stored; enrichmentReport judges it against the lease model.
      const lease = output.Item as Lease | undefined;
      resolve({ durationMs: performance.now() - started, result: lease ? 'found' : 'not-found', lease });
    };
    try {
      const command = new GetCommand({
        TableName: table,
        Key: { userEmail: key.userEmail, uuid: key.uuid },
        ConsistentRead: consistentRead,
      });
      Promise.resolve(config.client.send(command, { abortSignal: deadline })).then(answered, failed);
    } catch (error) {
      failed(error);
    }
  });

const toLookup = (attempts: readonly Attempt[], deadline: Deadline): Lookup => {
  const summary = attempts.map(({ durationMs, result }) => ({ durationMs, result }));
  const last = attempts[attempts.length - 1] as Attempt;
  return 'failed' in last
    ? { attempts: summary, failure: { error: last.error, timedOut: deadline.aborted } }
    : { attempts: summary, lease: last.lease };
};

/**
 * One read of the lease: one GetItem, and one more after `retryDelayMs` when the first failed with an
 * error named in `retryOn`. The deadline aborts the request and the wait alike.
 */
const readWithRetry = async (
  config: LeaseEnrichmentConfig,
  table: string,
  key: LeaseKey,
  deadline: Deadline,
  consistentRead?: boolean,
): Promise<Attempt[]> => {
  const first = await queryLease(config, table, key, deadline, consistentRead);
  const retry = 'failed' in first && !deadline.aborted && config.retryOn.has(first.result);
  if (!retry || !(await waitUnlessPast(config.retryDelayMs, deadline))) return [first];
  return [first, await queryLease(config, table, key, deadline, consistentRead)];
};

// --- The consistent re-read (`rereadWhen`): one more read, inside the same deadline. ---

const wantsReread = (config: LeaseEnrichmentConfig, lease: Lease, event: unknown): boolean => {
  if (!config.rereadWhen || config.consistentRead) return false;
  try {
    return config.rereadWhen(lease, event) === true;
  } catch (error) {
    config.logger.error('rereadWhen threw; the first read stands', { errorName: errorName(error) });
    return false;
  }
};

/** Reads the found lease again with `ConsistentRead: true`; a failed re-read keeps the first lease. */
const reread = async (config: LeaseEnrichmentConfig, table: string, key: LeaseKey, deadline: Deadline, lookup: Lookup): Promise<Lookup> => {
  const again = toLookup(await readWithRetry(config, table, key, deadline, true), deadline);
  const attempts = [...lookup.attempts, ...again.attempts];
  if (again.failure) {
    config.logger.warn('Consistent re-read failed; the first read stands', { reason: failureReason(again.failure) });
    return { attempts, lease: lookup.lease, reread: true, rereadFailed: true };
  }
  return { attempts, lease: again.lease, reread: true };
};

// --- End of the consistent re-read. ---

/** Looks the lease up within `timeMs`: a read, and a consistent one after it when `rereadWhen` asks. */
const lookupLease = async (
  config: LeaseEnrichmentConfig,
  table: string,
  key: LeaseKey,
  timeMs: number,
  event: unknown,
): Promise<Lookup> => {
  const deadline = config.deadlines.start(timeMs);
  try {
    const first = toLookup(await readWithRetry(config, table, key, deadline), deadline);
    const again = first.lease && !deadline.aborted && wantsReread(config, first.lease, event);
    return again ? await reread(config, table, key, deadline, first) : first;
  } finally {
    deadline.end();
  }
};

/** How long the lookup may take: the budget, or less when the Lambda has less time left than that plus the reserve. */
const timeAllowed = (context: Context, { budgetMs, reserveMs }: LeaseEnrichmentConfig): number => {
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.NaN;
  // A context that cannot tell (a test, a container) leaves the whole budget.
  return Number.isFinite(remaining) ? Math.min(budgetMs, remaining - reserveMs) : budgetMs;
};

const failureReason = ({ error, timedOut }: NonNullable<Lookup['failure']>): string => {
  if (timedOut) return 'timeout';
  const name = errorName(error);
  return THROTTLING.has(name) ? 'throttled' : (systemErrorCode(error) ?? name);
};

const skipped = (reason: SkipReason): EnrichmentRecord => ({
  outcome: { status: 'skipped', reason },
  attempts: [],
  throttled: 0,
  circuitOpened: false,
});

/** What one lookup gives the report, logging the failure and the breaker's changes on the way. */
const toRecord = (lookup: Lookup, change: CircuitChange, { logger }: LeaseEnrichmentConfig, timeMs: number): EnrichmentRecord => {
  const { attempts, lease, failure, reread = false } = lookup;
  const throttled = attempts.filter((attempt) => THROTTLING.has(attempt.result)).length;
  if (!failure) {
    if (change === 'closed') logger.info('Circuit breaker closed: lease lookups resumed');
    if (change === 'opened') logger.warn('Circuit breaker opened: lease lookups paused', { reason: 'circuit-opened' });
    const outcome = { status: lease ? 'enriched' : 'not-found' } as const;
    return { outcome, lease, attempts, throttled, circuitOpened: change === 'opened', reread };
  }
  const reason = failureReason(failure);
  logger.warn('Lease lookup failed; notification goes without lease context', {
    reason,
    errorName: errorName(failure.error),
    errorCode: systemErrorCode(failure.error),
    httpStatusCode: httpStatusOf(failure.error),
    attempts: attempts.length,
    budgetMs: timeMs,
  });
  const circuitOpened = change === 'opened';
  if (circuitOpened) logger.warn('Circuit breaker opened: lease lookups paused', { reason: 'circuit-opened' });
  return { outcome: { status: 'failed', reason }, attempts, throttled, circuitOpened };
};

/** Decides whether to ask DynamoDB, asks, and says what came of it. Never rejects for anything the table does. */
const enrich = async (request: EnrichmentRequest, config: LeaseEnrichmentConfig): Promise<EnrichmentRecord> => {
  const { logger, tableName, circuitBreaker } = config;
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
  const timeMs = timeAllowed(request.context, config);
  if (timeMs <= 0) {
    logger.warn('Too little time left to look the lease up; enrichment skipped', { reason: 'no-time-left' });
    return skipped('no-time-left');
  }
  const permit = circuitBreaker.tryAcquire();
  if (!permit) {
    logger.warn('Circuit breaker open; enrichment skipped', { reason: 'circuit-open' });
    return skipped('circuit-open');
  }

  let lookup: Lookup | undefined;
  let change: CircuitChange;
  try {
    lookup = await lookupLease(config, tableName, decision.key, timeMs, request.event);
  } finally {
    // First, before anything can throw: an unrecorded probe would keep the breaker from closing.
    change = permit.record(lookup && !lookup.failure && !lookup.rereadFailed ? 'success' : 'failure');
  }
  return toRecord(lookup, change, config, timeMs);
};

/**
 * Fetches the lease named by the checked key (from the lease key middleware) with one GetItem, and
 * puts it on `context.lease`, with the outcome on `context.leaseEnrichment`. It never throws for
 * anything the table does, nor for its logger failing:
 * - throttling (`retryOn`) is retried once after `retryDelayMs`; every other error fails at once,
 *   with the error's name (or, for a network error, Node's code such as `ECONNRESET`) as the reason,
 *   or `throttled` for any of {@link THROTTLING_ERROR_NAMES};
 * - the whole lookup, wait included, stops at `budgetMs` (or sooner, when the Lambda has less time
 *   left), aborting the request;
 * - after `circuitBreaker`'s run of failures, DynamoDB is left alone for a while and lookups are
 *   `skipped` with reason `circuit-open`, until one probe succeeds.
 * What it observed (attempt latencies, throttles, breaker changes) goes to
 * `request.internal[ENRICHMENT_INTERNAL]` for the enrichment report middleware. Options are checked
 * when it is made ({@link leaseEnrichmentValidateOptions}).
 *
 * IAM: `dynamodb:GetItem` on the table.
 *
 * @example
 * const client = createLeaseDocumentClient();
 * export const handler = middy<LeaseEvent, Notification, Error, LeaseEnrichmentContext>()
 *   .use(leaseKey({ logger }))
 *   .use(leaseEnrichment({ logger, client }))
 *   .handler((event, context) => ({ lease: context.lease }));
 */
export const leaseEnrichment = (
  options: LeaseEnrichmentOptions,
): MiddlewareObj<unknown, unknown, Error, LeaseEnrichmentContext, LeaseInternal> => {
  leaseEnrichmentValidateOptions(options);
  const { logger, client, circuitBreaker, retryOn, ...rest } = withDefaults(
    { ...defaults, tableName: readEnv(ENV.leaseTableName) },
    options,
  );
  const config: LeaseEnrichmentConfig = {
    ...rest,
    logger: contained(logger, LOGGER_METHODS, SOURCE),
    client: client ?? createLeaseDocumentClient(),
    circuitBreaker: circuitBreaker ?? new CircuitBreaker(),
    retryOn: new Set(retryOn),
    deadlines: new Deadlines(),
  };

  const leaseEnrichmentBefore = async (request: EnrichmentRequest): Promise<void> => {
    const record = await enrich(request, config);
    request.internal[ENRICHMENT_INTERNAL] = record;
    request.context.leaseEnrichment = record.outcome;
    request.context.lease = record.lease;
  };

  return { before: leaseEnrichmentBefore };
};

export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitChange,
  type CircuitPermit,
  type CircuitState,
  circuitBreakerValidateOptions,
} from './circuit-breaker.js';
export { createLeaseDocumentClient } from './document-client.js';
