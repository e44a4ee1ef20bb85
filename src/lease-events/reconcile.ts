/**
 * The lease record reconciled with the event: was the record in a status ISB writes before
 * publishing this event, has it moved on since, or does it contradict the event? From the lease
 * events description and ISB's status changes; pure functions.
 */
import type { LeaseEventDetailType } from '../events.js';
import { type Lease, type LeaseStatus, type LeaseSummary, leaseSummary } from '../lease.js';
import { isLeaseEventDetailType, leaseEventFacts } from './facts.js';
import type { ByReason } from './kinds.js';
import { LEASE_EVENTS } from './model.js';
import { LEASE_TRANSITIONS } from './transitions.js';
import type { LeaseEventFacts } from './types.js';

/**
 * How the lease record stands to the event:
 * - `consistent`: in a status ISB writes before publishing this event;
 * - `event-newer`: a monitoring event, and the record in the status it had when ISB published; the
 *   event's figures are newer than the record's cost and check time;
 * - `superseded`: the record has moved on since, to a status ISB's own changes reach from there;
 * - `conflict`: a status ISB's order of writes and events cannot explain.
 */
export type LeaseConsistency = 'consistent' | 'event-newer' | 'superseded' | 'conflict';

/** What {@link reconcile} makes of a lease record and an event. */
export interface LeaseReconciliation {
  readonly consistency: LeaseConsistency;
  /** The statuses ISB can have written when it published the event. */
  readonly statusesAtPublish: readonly LeaseStatus[];
  /** The lease to present: the record's summary, with the event's newer spend where it has one. */
  readonly lease: LeaseSummary;
  /** For `event-newer`: the record's `lastCheckedDate`, which its figures are as of. */
  readonly leaseAsOf?: string;
}

const byReason = <T>(value: readonly T[] | ByReason<readonly T[]>, facts: object): readonly T[] => {
  if (Array.isArray(value)) return value;
  const { byReason: map } = value as ByReason<readonly T[]>;
  const reason = (facts as { reason?: { type?: unknown } }).reason?.type;
  if (typeof reason === 'string' && Object.hasOwn(map, reason)) return map[reason] as readonly T[];
  return [...new Set(Object.values(map).flat())];
};

/**
 * The statuses the record can have when ISB publishes this event (for LeaseTerminated, the ended
 * status of its `reason.type`; any ended status when the reason is unusable).
 *
 * @example
 * statusesAtPublish('LeaseExpired', facts); // ['Active', 'Frozen']
 */
export const statusesAtPublish = (detailType: LeaseEventDetailType, facts: object): readonly LeaseStatus[] =>
  byReason<LeaseStatus>(LEASE_EVENTS[detailType].atPublish, facts);

/**
 * Every status ISB's own changes reach from `statuses`, one change or more later.
 *
 * @example
 * reachableFrom(['ApprovalDenied']); // Set {}
 */
export const reachableFrom = (statuses: readonly LeaseStatus[]): ReadonlySet<LeaseStatus> => {
  const reached = new Set<LeaseStatus>();
  const next = [...statuses];
  for (let status = next.pop(); status !== undefined; status = next.pop()) {
    for (const later of LEASE_TRANSITIONS[status]) {
      if (reached.has(later)) continue;
      reached.add(later);
      next.push(later);
    }
  }
  return reached;
};

const statusOf = (lease: Lease | Readonly<Record<string, unknown>>): unknown => (lease as { status?: unknown }).status;

/**
 * Whether a lease record needs a second, strongly consistent read before it is trusted for this
 * event: true when its status is not one ISB can have written when it published the event (an
 * eventually consistent read may have returned the version before ISB's write). False for events
 * outside the 12 lease detail-types. The leaseEnrichment option `rereadWhen` takes it.
 *
 * @example
 * leaseEnrichment({ logger, rereadWhen: (lease, event) => needsConsistentRead(event, lease) });
 */
export const needsConsistentRead = (event: unknown, lease: Lease | Readonly<Record<string, unknown>>): boolean => {
  const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  if (!isLeaseEventDetailType(detailType)) return false;
  const { facts } = leaseEventFacts(detailType, (event as { detail?: unknown }).detail);
  return !statusesAtPublish(detailType, facts).includes(statusOf(lease) as LeaseStatus);
};

/** The event's spend: `totalSpend`, or `reason.totalSpend`. */
const spendOf = (facts: object): number | undefined => {
  const { totalSpend, reason } = facts as { totalSpend?: number; reason?: { totalSpend?: number } };
  return totalSpend ?? reason?.totalSpend;
};

/** The event's spend is the newer figure unless the record was checked after the event. */
const withEventSpend = (summary: LeaseSummary, lease: object, facts: object, time: string | null): LeaseSummary => {
  const spend = spendOf(facts);
  if (spend === undefined) return summary;
  const checked = Date.parse(String((lease as { lastCheckedDate?: unknown }).lastCheckedDate));
  const published = Date.parse(String(time));
  return checked > published ? summary : { ...summary, totalCostAccrued: spend };
};

/**
 * Reconciles a lease record with the event it was looked up for (see {@link LeaseConsistency}).
 * The lease summary it returns never presents a figure the event contradicts: where the event
 * carries a spend (`totalSpend`, `reason.totalSpend`) and the record was not checked after the
 * event's `time`, the event's spend is the lease's `totalCostAccrued`.
 *
 * @example
 * reconcile({ detailType: 'LeaseBudgetExceeded', facts, lease, time: event.time });
 * // => { consistency: 'event-newer', lease: { …, totalCostAccrued: 52.14 }, leaseAsOf: '2026-11-25T10:00:00.000Z', … }
 */
export const reconcile = <D extends LeaseEventDetailType>({
  detailType,
  facts,
  lease,
  time,
}: {
  readonly detailType: D;
  readonly facts: LeaseEventFacts<D>;
  readonly lease: Lease | Readonly<Record<string, unknown>>;
  /** The event's `time`. */
  readonly time: string | null;
}): LeaseReconciliation => {
  const atPublish = statusesAtPublish(detailType, facts);
  const status = statusOf(lease) as LeaseStatus;
  const summary = withEventSpend(leaseSummary(lease), lease, facts, time);
  if (!atPublish.includes(status)) {
    const consistency = reachableFrom(atPublish).has(status) ? 'superseded' : 'conflict';
    return { consistency, statusesAtPublish: atPublish, lease: summary };
  }
  if (!LEASE_EVENTS[detailType].recordOlder) return { consistency: 'consistent', statusesAtPublish: atPublish, lease: summary };
  const checked = (lease as { lastCheckedDate?: unknown }).lastCheckedDate;
  return {
    consistency: 'event-newer',
    statusesAtPublish: atPublish,
    lease: summary,
    ...(typeof checked === 'string' ? { leaseAsOf: checked } : {}),
  };
};
