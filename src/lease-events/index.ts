/**
 * ISB's lease events, described once ({@link LEASE_EVENTS}), and what is derived from the
 * description: the event types, the facts a notification carries, and the reconciliation of a lease
 * record with the event.
 */

export { isLeaseEventDetailType, type LeaseEventFactsResult, leaseEventFacts } from './facts.js';
export {
  type ByReason,
  FREE_TEXT_MAX,
  type LeaseEventAudience,
  type LeaseEventSpec,
  type LeaseFactFields,
  type LeaseFactKind,
  type LeaseFactSpec,
} from './kinds.js';
export { LEASE_EVENTS } from './model.js';
export {
  type LeaseConsistency,
  type LeaseReconciliation,
  needsConsistentRead,
  reachableFrom,
  reconcile,
  statusesAtPublish,
} from './reconcile.js';
export { LEASE_TRANSITIONS } from './transitions.js';
export type { LeaseEvent, LeaseEventDetail, LeaseEventFacts, LeaseFactsByDetailType } from './types.js';
