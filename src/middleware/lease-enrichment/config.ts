import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, readEnv } from '../../config.js';
import { type Contained, contained } from '../../contained.js';
import type { Lease } from '../../lease.js';
import { checkOptions, MAX_TIMER_MS, methods, number, ofType, optionError, strings, text } from '../options.js';
import type { LeaseLogger } from '../types.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { createLeaseDocumentClient } from './document-client.js';
import { THROTTLING_ERROR_NAMES } from './errors.js';

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
   * not throw. A re-read that fails leaves the first lease; one that finds nothing makes the outcome `not-found`. Default: never.
   */
  rereadWhen?: (lease: Lease, event: TEvent) => boolean;
}

/** The options, checked and merged over the defaults: what the hook runs on. */
export interface Config extends Required<Omit<LeaseEnrichmentOptions<never>, 'logger' | 'tableName' | 'rereadWhen'>> {
  readonly logger: Contained<LeaseLogger, 'info' | 'warn' | 'error'>;
  readonly tableName: string | undefined;
  readonly rereadWhen: (lease: Lease, event: unknown) => boolean;
}

const SOURCE = 'leaseEnrichment';

const rules = {
  logger: methods('info', 'warn', 'error'),
  client: methods('send'),
  tableName: text("the LeaseTable's name or ARN"),
  retryOn: strings('array'),
  retryDelayMs: number({ min: 0, max: MAX_TIMER_MS }),
  budgetMs: number({ above: 0, max: MAX_TIMER_MS }),
  reserveMs: number({ min: 0 }),
  circuitBreaker: methods('tryAcquire'),
  consistentRead: ofType('boolean'),
  rereadWhen: ofType('function'),
};

/** Checks the options (a `TypeError` or `RangeError` naming the one that is wrong) and fills in the defaults. */
export const configure = <TEvent>(options: LeaseEnrichmentOptions<TEvent>): Config => {
  checkOptions(SOURCE, options, rules, ['logger']);
  const { retryOn = THROTTLING_ERROR_NAMES, retryDelayMs = 500, budgetMs = 2000 } = options;
  if (retryOn.length > 0 && retryDelayMs >= budgetMs) {
    const problem = `must be less than budgetMs (${budgetMs}), got ${retryDelayMs}: the retry could never run`;
    throw optionError(SOURCE, 'retryDelayMs', [RangeError, problem]);
  }
  return {
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
};
