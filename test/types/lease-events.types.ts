/**
 * Type tests of ISB's lease event types, as a user of the package gets them (compiled by
 * `npm run test:types`, not run).
 */
import middy from '@middy/core';
import { expectTypeOf } from 'expect-type';
import {
  type LeaseEvent,
  type LeaseEventFacts,
  type LeaseFactsByDetailType,
  type LeaseKeyExtractor,
  type LeaseNotification,
  leaseEventFacts,
  leaseKey,
} from 'lease-enrichment';
import type { LeaseEvent as LeaseEventFromSubpath } from 'lease-enrichment/lease-key';

expectTypeOf<LeaseEventFromSubpath>().toEqualTypeOf<LeaseEvent>();

// Narrowing on detail-type types the detail, with the lease key where ISB puts it.
export const holder = (event: LeaseEvent): string => {
  switch (event['detail-type']) {
    case 'LeaseApproved':
    case 'LeaseDenied':
      expectTypeOf(event.detail.leaseId).toEqualTypeOf<string>();
      return event.detail.userEmail;
    case 'LeaseBudgetThresholdAlert':
      expectTypeOf(event.detail.actionRequested).toEqualTypeOf<'ALERT' | 'FREEZE_ACCOUNT'>();
      expectTypeOf(event.detail.budget).toEqualTypeOf<number | undefined>();
      return event.detail.leaseId.userEmail;
    case 'LeaseTerminated':
      if (event.detail.reason.type === 'BudgetExceeded') expectTypeOf(event.detail.reason.totalSpend).toEqualTypeOf<number>();
      return event.detail.leaseId.userEmail;
    default:
      return event.detail.leaseId.userEmail;
  }
};

// A lease key extractor typed by ISB's events.
export const fromIsbEvent: LeaseKeyExtractor<LeaseEvent> = (event) => {
  if (event['detail-type'] === 'LeaseApproved' || event['detail-type'] === 'LeaseDenied') {
    return {
      userEmail: event.detail.userEmail,
      uuid: event.detail.leaseId,
      paths: { userEmail: 'detail.userEmail', uuid: 'detail.leaseId' },
    };
  }
  return { ...event.detail.leaseId, paths: { userEmail: 'detail.leaseId.userEmail', uuid: 'detail.leaseId.uuid' } };
};

// The extractor types the handler's event.
export const typed = middy()
  .use(leaseKey({ logger: console, extract: fromIsbEvent }))
  .handler(async (event) => {
    expectTypeOf(event).toEqualTypeOf<LeaseEvent>();
  });

// Facts: every field may be missing (a wrong shape is left out), and a reason keeps its union.
const { facts } = leaseEventFacts('LeaseFrozen', {});
expectTypeOf(facts).toEqualTypeOf<LeaseFactsByDetailType['LeaseFrozen']>();
expectTypeOf(facts.accountId).toEqualTypeOf<string | undefined>();
if (facts.reason?.type === 'ManuallyFrozen') expectTypeOf(facts.reason.comment).toEqualTypeOf<string | undefined>();
// @ts-expect-error: LeaseFrozen has no totalSpend of its own; it sits in reason
facts.totalSpend;
expectTypeOf<LeaseEventFacts<'LeaseApproved'>>().toEqualTypeOf<{ readonly approvedBy?: string }>();
expectTypeOf<LeaseNotification['consistency']>().toEqualTypeOf<'consistent' | 'event-newer' | 'superseded' | 'conflict' | null>();

// With the default extractor, an explicit type argument types the handler's event.
export const typedByArgument = middy()
  .use(leaseKey<LeaseEvent>({ logger: console }))
  .handler(async (event) => {
    expectTypeOf(event).toEqualTypeOf<LeaseEvent>();
  });
