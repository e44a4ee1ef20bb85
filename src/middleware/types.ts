import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Lease, LeaseKey } from '../lease.js';

/** The logger methods the middlewares call. */
export const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * What the middlewares need of a logger. A Powertools `Logger` fits, and so does `console` in a
 * quick script.
 */
export type LeaseLogger = Pick<Logger, (typeof LOGGER_METHODS)[number]>;

/** Why a lease key was rejected: which field, and what is wrong with it. */
export interface LeaseKeyProblem {
  /** Where the field sits in the event, for example `detail.leaseId.uuid`. */
  readonly field: string;
  readonly problem: 'missing' | 'not-an-object' | 'not-a-string' | 'empty' | 'too-long' | 'malformed' | 'unverified';
  /** The JavaScript type found, for `not-a-string` and `not-an-object`. */
  readonly got?: string;
  /** The byte limit, for `too-long`. */
  readonly limitBytes?: number;
}

/**
 * What the lease key middleware decided, for the enrichment middleware: a checked key, or the
 * problems that made it skip.
 */
export type LeaseKeyDecision = { readonly key: LeaseKey } | { readonly problems: readonly LeaseKeyProblem[] };

/**
 * The outcome of one enrichment, as the handler sees it.
 * - `enriched`: the lease is on `context.lease`;
 * - `not-found`: DynamoDB answered without an item;
 * - `skipped`: DynamoDB was not asked (`reason` says why);
 * - `failed`: DynamoDB was asked and did not answer usefully (`reason` says why).
 */
export type LeaseEnrichmentOutcome =
  | { readonly status: 'enriched' | 'not-found' }
  | { readonly status: 'skipped'; readonly reason: SkipReason }
  | { readonly status: 'failed'; readonly reason: string };

export type SkipReason = 'invalid-lease-key' | 'no-lease-key-middleware' | 'no-table-configured' | 'no-time-left' | 'circuit-open';

/** One GetItem attempt: how long the query took and what it gave. */
export interface QueryAttempt {
  readonly durationMs: number;
  /** `found`, `not-found`, `timeout`, or the error's name. */
  readonly result: string;
}

/**
 * Everything the enrichment middleware observed, for the report middleware to turn into metrics and
 * log lines. Kept in `request.internal` so that the I/O and the reporting stay separate.
 */
export interface EnrichmentRecord {
  readonly outcome: LeaseEnrichmentOutcome;
  readonly lease?: Lease;
  readonly attempts: readonly QueryAttempt[];
  /** Throttling responses among the attempts. */
  readonly throttled: number;
  /** Whether this enrichment opened the circuit breaker. */
  readonly circuitOpened: boolean;
  /** Whether a second, strongly consistent GetItem was made (`rereadWhen`). */
  readonly reread?: boolean;
}

/** Where `leaseKey` leaves its {@link LeaseKeyDecision} in `request.internal`. Namespaced, as Powertools' keys are. */
export const LEASE_KEY_INTERNAL = 'lease-enrichment.key';

/** Where `leaseEnrichment` leaves its {@link EnrichmentRecord} in `request.internal`. */
export const ENRICHMENT_INTERNAL = 'lease-enrichment.enrichment';

/**
 * The middlewares' shared state in `request.internal`, under their own namespaced keys.
 *
 * @example
 * const decision = request.internal[LEASE_KEY_INTERNAL];
 */
export type LeaseInternal = {
  [LEASE_KEY_INTERNAL]?: LeaseKeyDecision;
  [ENRICHMENT_INTERNAL]?: EnrichmentRecord;
};

/**
 * The Lambda context once the enrichment middleware has run. Type a handler's context with it and
 * `context.lease` needs no cast.
 *
 * @example
 * const notify = (event: LeaseEvent, context: LeaseEnrichmentContext) =>
 *   context.lease ? leaseSummary(context.lease) : undefined;
 */
export interface LeaseEnrichmentContext extends Context {
  /** The lease, when `leaseEnrichment.status` is `enriched`. */
  lease?: Lease;
  leaseEnrichment: LeaseEnrichmentOutcome;
}
