import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareObj, Request } from '@middy/core';
import { ENV, readEnv } from '../../config.js';
import type { LeaseKey, LeaseRecord } from '../../lease.js';
import type {
  EnrichmentRecord,
  LeaseEnrichmentContext,
  LeaseEnrichmentOutcome,
  LeaseInternal,
  QueryAttempt,
  SkipReason,
  LeaseLogger,
} from '../types.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { createLeaseDocumentClient } from './document-client.js';

export interface LeaseEnrichmentOptions {
  /** Where failures, skips and breaker changes are logged. */
  logger: LeaseLogger;
  /** The client to query with. Default: one {@link createLeaseDocumentClient} per middleware. */
  client?: Pick<DynamoDBDocumentClient, 'send'>;
  /** Name or ARN of the LeaseTable. Default: `LEASE_TABLE_NAME`, read when the middleware is created. */
  tableName?: string;
  /** Error names retried once. Default: `['ProvisionedThroughputExceededException']`. */
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
}

type EnrichmentRequest = Request<unknown, unknown, Error, LeaseEnrichmentContext, LeaseInternal>;

type Lookup = { readonly attempts: readonly QueryAttempt[] } & (
  | { readonly failed: false; readonly lease?: LeaseRecord }
  | { readonly failed: true; readonly error: unknown; readonly timedOut: boolean }
);

const errorName = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof (error as Error).name === 'string'
    ? (error as Error).name
    : 'UnknownError';

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

/**
 * Settles with `value`, or rejects as soon as `signal` aborts, whether or not what produced `value`
 * listens to the signal (an injected client may not).
 */
const unlessAborted = <T>(value: T | PromiseLike<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(value)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });

/** Waits `ms`, or rejects as soon as `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Fetches the lease named by the checked key (from the lease key middleware) with one GetItem, and
 * puts it on `context.lease`, with the outcome on `context.leaseEnrichment`. It never throws for
 * anything the table does:
 * - throttling (`retryOn`) is retried once after `retryDelayMs`; every other error fails at once,
 *   with the error's name (or, for a network error, Node's code such as `ECONNRESET`) as the reason;
 * - the whole lookup, wait included, stops at `budgetMs` (or sooner, when the Lambda has less time
 *   left), aborting the request;
 * - after `circuitBreaker`'s run of failures, DynamoDB is left alone for a while and lookups are
 *   `skipped` with reason `circuit-open`, until one probe succeeds.
 * What it observed (attempt latencies, throttles, breaker changes) goes to `request.internal` for the
 * enrichment report middleware.
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
  const {
    logger,
    client = createLeaseDocumentClient(),
    tableName = readEnv(ENV.leaseTableName),
    retryDelayMs = 500,
    budgetMs = 2000,
    reserveMs = 500,
    circuitBreaker = new CircuitBreaker(),
    consistentRead = false,
  } = options;
  const retryOn = new Set(options.retryOn ?? ['ProvisionedThroughputExceededException']);

  const lookup = async (key: LeaseKey, table: string, timeMs: number): Promise<Lookup> => {
    const attempts: QueryAttempt[] = [];
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeMs);
    const { signal } = deadline;

    const attempt = async (): Promise<LeaseRecord | undefined> => {
      const started = performance.now();
      const command = new GetCommand({
        TableName: table,
        Key: { userEmail: key.userEmail, uuid: key.uuid },
        ConsistentRead: consistentRead,
      });
      try {
        const { Item } = await unlessAborted(client.send(command, { abortSignal: signal }), signal);
        attempts.push({ durationMs: performance.now() - started, result: Item ? 'found' : 'not-found' });
        // ISB's record as it is stored; enrichmentReport judges it against the lease model.
        return Item as LeaseRecord | undefined;
      } catch (error) {
        attempts.push({ durationMs: performance.now() - started, result: signal.aborted ? 'timeout' : errorName(error) });
        throw error;
      }
    };

    try {
      try {
        return { failed: false, lease: await attempt(), attempts };
      } catch (error) {
        if (signal.aborted || !retryOn.has(errorName(error))) throw error;
      }
      await sleep(retryDelayMs, signal);
      return { failed: false, lease: await attempt(), attempts };
    } catch (error) {
      return { failed: true, error, attempts, timedOut: signal.aborted };
    } finally {
      clearTimeout(timer);
    }
  };

  const skip = (reason: SkipReason): EnrichmentRecord => ({
    outcome: { status: 'skipped', reason },
    attempts: [],
    throttled: 0,
    circuitOpened: false,
  });

  const enrich = async (request: EnrichmentRequest): Promise<EnrichmentRecord> => {
    const decision = request.internal.leaseKey;
    if (!decision) {
      logger.error('No lease key decision: use the leaseKey middleware before leaseEnrichment; enrichment skipped', {
        reason: 'no-lease-key-middleware',
      });
      return skip('no-lease-key-middleware');
    }
    if (!('key' in decision)) return skip('invalid-lease-key');
    if (!tableName) {
      logger.error(`${ENV.leaseTableName} is not set; enrichment skipped`, { reason: 'no-table-configured' });
      return skip('no-table-configured');
    }
    const { getRemainingTimeInMillis } = request.context;
    const timeMs =
      typeof getRemainingTimeInMillis === 'function'
        ? Math.min(budgetMs, getRemainingTimeInMillis() - reserveMs)
        : budgetMs;
    if (timeMs <= 0) {
      logger.warn('Too little time left to look the lease up; enrichment skipped', { reason: 'no-time-left' });
      return skip('no-time-left');
    }
    if (!circuitBreaker.tryAcquire()) {
      logger.warn('Circuit breaker open; enrichment skipped', { reason: 'circuit-open' });
      return skip('circuit-open');
    }

    const found = await lookup(decision.key, tableName, timeMs);
    const { attempts } = found;
    const throttled = attempts.filter((item) => retryOn.has(item.result)).length;
    if (!found.failed) {
      if (circuitBreaker.recordSuccess()) logger.info('Circuit breaker closed: lease lookups resumed');
      const outcome: LeaseEnrichmentOutcome = { status: found.lease ? 'enriched' : 'not-found' };
      return { outcome, lease: found.lease, attempts, throttled, circuitOpened: false };
    }

    const { error } = found;
    const name = errorName(error);
    const code = systemErrorCode(error);
    const reason = found.timedOut ? 'timeout' : retryOn.has(name) ? 'throttled' : (code ?? name);
    logger.warn('Lease lookup failed; notification goes without lease context', {
      reason,
      errorName: name,
      errorCode: code,
      httpStatusCode: httpStatusOf(error),
      attempts: attempts.length,
      budgetMs: timeMs,
    });
    const circuitOpened = circuitBreaker.recordFailure();
    if (circuitOpened) {
      logger.warn('Circuit breaker opened: lease lookups paused', { reason: 'circuit-opened' });
    }
    return { outcome: { status: 'failed', reason }, attempts, throttled, circuitOpened };
  };

  const leaseEnrichmentBefore = async (request: EnrichmentRequest): Promise<void> => {
    const record = await enrich(request);
    request.internal.leaseEnrichment = record;
    request.context.leaseEnrichment = record.outcome;
    request.context.lease = record.lease;
  };

  return { before: leaseEnrichmentBefore };
};

export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
export { createLeaseDocumentClient } from './document-client.js';
