/**
 * The notification: what a sender needs to tell people about one lease event, built from the event
 * and the lease the middlewares found (or not). Pure: no I/O, no logging; the handler reports what
 * {@link buildLeaseNotification} found.
 */
import { type LeaseSummary, leaseSummary } from './lease.js';
import {
  isLeaseEventDetailType,
  type LeaseConsistency,
  type LeaseEventFacts,
  type LeaseReconciliation,
  leaseEventFacts,
  reconcile,
} from './lease-events/index.js';
import { fromEventBridgeDetail, ownField } from './middleware/lease-key/extractors.js';
import type { EnrichmentOutcome, LeaseEnrichmentContext } from './middleware/types.js';

/**
 * The notification. `facts` are the detail's own fields under ISB's names (see
 * docs/lease-events.md), for every outcome; `lease` and `consistency` only when a lease was found.
 */
export interface LeaseNotification {
  eventId: string | null;
  detailType: string | null;
  source: string | null;
  /** The event's `time`. */
  time: string | null;
  /** The lease holder's address, as the event names it; `null` when the lease key is unusable. */
  recipient: string | null;
  /** The detail-type's own fields, checked against ISB's schema; `{}` for a detail-type outside the 12. */
  facts: LeaseEventFacts | Record<string, never>;
  /** True when `lease` is present. */
  enriched: boolean;
  enrichment: EnrichmentOutcome;
  /** How the lease record stands to the event; `null` without a lease or for a detail-type outside the 12. */
  consistency: LeaseConsistency | null;
  /** For `event-newer`: the record's `lastCheckedDate`, which the lease's other figures are as of. */
  leaseAsOf?: string;
  lease?: LeaseSummary;
}

/** What the handler reports besides the notification: names and statuses only. */
export interface LeaseNotificationFindings {
  /** Facts left out for their shape, and required ones missing, by path. */
  readonly leftOut: readonly string[];
  readonly missing: readonly string[];
  /** The reconciliation, when there was a lease to reconcile. */
  readonly reconciliation?: LeaseReconciliation;
  /** The record's status, for a conflict's WARN line. */
  readonly leaseStatus?: unknown;
}

const stringField = (event: unknown, field: string): string | null => {
  const value = ownField(event, field);
  return typeof value === 'string' ? value : null;
};

/** The lease key was checked and usable: every outcome but these skips. */
const keyUsable = (outcome: EnrichmentOutcome): boolean =>
  !(outcome.status === 'skipped' && (outcome.reason === 'invalid-lease-key' || outcome.reason === 'no-lease-key-middleware'));

const recipientOf = (event: unknown, outcome: EnrichmentOutcome): string | null => {
  if (!keyUsable(outcome)) return null;
  const { userEmail } = fromEventBridgeDetail(event) as { userEmail?: unknown };
  return typeof userEmail === 'string' ? userEmail : null;
};

/**
 * Builds the notification for an event and what the middlewares put on the context, and says what
 * the handler should report.
 *
 * @example
 * const { notification, findings } = buildLeaseNotification(event, context);
 */
export const buildLeaseNotification = (
  event: unknown,
  context: LeaseEnrichmentContext,
): { notification: LeaseNotification; findings: LeaseNotificationFindings } => {
  const detailType = stringField(event, 'detail-type');
  const time = stringField(event, 'time');
  const { facts, leftOut, missing } = leaseEventFacts(detailType, ownField(event, 'detail'));
  const notification: LeaseNotification = {
    eventId: stringField(event, 'id'),
    detailType,
    source: stringField(event, 'source'),
    time,
    recipient: recipientOf(event, context.enrichment),
    facts,
    enriched: context.lease !== undefined,
    enrichment: context.enrichment,
    consistency: null,
  };
  const { lease } = context;
  if (!lease) return { notification, findings: { leftOut, missing } };
  if (!isLeaseEventDetailType(detailType)) {
    notification.lease = leaseSummary(lease);
    return { notification, findings: { leftOut, missing } };
  }
  const reconciliation = reconcile({ detailType, facts, lease, time });
  notification.consistency = reconciliation.consistency;
  if (reconciliation.leaseAsOf !== undefined) notification.leaseAsOf = reconciliation.leaseAsOf;
  notification.lease = reconciliation.lease;
  return { notification, findings: { leftOut, missing, reconciliation, leaseStatus: lease.status } };
};
