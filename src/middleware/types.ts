import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Lease, LeaseKey } from '../lease.js';

/**
 * What the middlewares need of a logger: `info`, `warn` and `error` (`leaseKey` calls only `warn`).
 * A Powertools `Logger` fits, and so does `console` in a quick script.
 */
export type LeaseLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** Why a lease key was rejected: which field, and what is wrong with it. */
export interface LeaseKeyProblem {
  /** Where the field sits in the event, for example `detail.leaseId.uuid`. */
  readonly field: string;
  readonly problem: 'missing' | 'not-an-object' | 'not-a-string' | 'empty' | 'too-long' | 'malformed';
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
 * The outcome of one enrichment, as the handler sees it on `context.enrichment`.
 * - `enriched`: the lease is on `context.lease`;
 * - `not-found`: DynamoDB answered without an item;
 * - `skipped`: DynamoDB was not asked (`reason` says why);
 * - `failed`: DynamoDB was asked and did not answer usefully (`reason` says why).
 */
export type EnrichmentOutcome =
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
 * What `leaseEnrichment` observed in one lookup, for `enrichmentReport` to turn into metrics and log
 * lines. Kept in `request.internal` so that the I/O and the reporting stay separate.
 */
export interface LeaseLookup {
  readonly outcome: EnrichmentOutcome;
  readonly lease?: Lease;
  readonly attempts: readonly QueryAttempt[];
  /** Throttling responses among the attempts. */
  readonly throttled: number;
  /** Whether this lookup opened the circuit breaker. */
  readonly circuitOpened: boolean;
  /** Whether a second, strongly consistent GetItem was made (see the `rereadWhen` option). */
  readonly reread: boolean;
}

/** Where `leaseKey` leaves its {@link LeaseKeyDecision} in `request.internal`. Namespaced, as Powertools' keys are. */
export const LEASE_KEY_INTERNAL = 'leaseKey.decision';

/** Where `leaseEnrichment` leaves its {@link LeaseLookup} in `request.internal`. */
export const LEASE_LOOKUP_INTERNAL = 'leaseEnrichment.lookup';

/**
 * The middlewares' shared state in `request.internal`, under their own namespaced keys.
 *
 * @example
 * const decision = request.internal[LEASE_KEY_INTERNAL];
 */
export type LeaseInternal = {
  [LEASE_KEY_INTERNAL]?: LeaseKeyDecision;
  [LEASE_LOOKUP_INTERNAL]?: LeaseLookup;
};

/**
 * The Lambda context once the enrichment middleware has run. Type a handler's context with it and
 * `context.lease` needs no cast.
 *
 * @example
 * const notify = (event: unknown, context: LeaseEnrichmentContext) =>
 *   context.lease ? leaseSummary(context.lease) : context.enrichment.status;
 */
export interface LeaseEnrichmentContext extends Context {
  /** The lease, when `enrichment.status` is `enriched`. */
  lease?: Lease;
  enrichment: EnrichmentOutcome;
}
