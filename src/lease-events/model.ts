/**
 * Innovation Sandbox on AWS (ISB) lease events, described once, as ISB v1.2.14 publishes them: each
 * detail-type's own fields (its zod schema in `source/common/events/`), where its lease key sits, whom
 * ISB's own email service tells, and what ISB has written to the LeaseTable when it publishes. The
 * event types, the facts a notification carries, the reconciliation with the lease record and
 * docs/lease-events.md are all derived from this. Data only: no I/O.
 */
import type { LeaseEventDetailType } from '../events.js';
import {
  ACCOUNT_ID,
  FROZEN_REASON,
  fact,
  type LeaseEventSpec,
  NUMBER,
  optional,
  POSITIVE,
  TERMINATED_REASON,
  TEXT,
  THRESHOLD_ACTION,
} from './kinds.js';

// Stryker disable all: the description is pinned by the docs page's test and the property tests.

const accountId = fact(ACCOUNT_ID, 'The sandbox account.');

const OBJECT_KEY = { leaseId: 'object', userEmail: false } as const;
const STRING_KEY = { leaseId: 'string', userEmail: true } as const;

const HOLDER = ['lease-holder'] as const;
const APPROVERS = ['admins', 'managers'] as const;
const HOLDER_AND_APPROVERS = ['lease-holder', 'admins', 'managers'] as const;
const NOBODY = [] as const;

const MONITORED = ['Active', 'Frozen'] as const;
const MONITORING = 'lease monitoring (`lease-monitoring-handler.ts`), before its write';

/**
 * The 12 lease detail-types. Statuses at publish are read from `innovation-sandbox.ts` (the function
 * named) and `lease-monitoring-handler.ts` (which scans Active and Frozen leases, publishes, then
 * writes the scan's cost and check time).
 *
 * @example
 * LEASE_EVENTS.LeaseExpired.atPublish; // ['Active', 'Frozen']
 * Object.keys(LEASE_EVENTS.LeaseBudgetExceeded.facts); // ['accountId', 'budget', 'totalSpend']
 */
export const LEASE_EVENTS = {
  LeaseRequested: {
    schema: 'lease-requested-event.ts',
    publishedBy: '`requestLease` (`innovation-sandbox.ts`), after creating the record',
    key: { leaseId: 'object', userEmail: true },
    facts: {
      requiresManualApproval: fact({ kind: 'boolean' }, 'Whether a manager must approve.'),
      comments: optional(TEXT, "The requester's note."),
    },
    tells: APPROVERS,
    atPublish: ['PendingApproval'],
    recordOlder: false,
  },
  LeaseApproved: {
    schema: 'lease-approved-event.ts',
    publishedBy: '`publishLease` (`innovation-sandbox.ts`), after setting it Active',
    key: STRING_KEY,
    facts: { approvedBy: fact({ kind: 'approver' }, 'The approver, or `AUTO_APPROVED`.') },
    tells: HOLDER,
    atPublish: ['Active'],
    recordOlder: false,
  },
  LeaseDenied: {
    schema: 'lease-denied-event.ts',
    publishedBy: '`denyLease` (`innovation-sandbox.ts`), after the update',
    key: STRING_KEY,
    facts: { deniedBy: fact({ kind: 'email' }, 'The manager who denied it.') },
    tells: HOLDER,
    atPublish: ['ApprovalDenied'],
    recordOlder: false,
  },
  LeaseBudgetThresholdAlert: {
    schema: 'lease-budget-threshold-breached-alert.ts',
    publishedBy: MONITORING,
    key: OBJECT_KEY,
    facts: {
      accountId,
      budget: optional(NUMBER, 'The lease budget, in USD.'),
      totalSpend: fact(NUMBER, 'Spend at the scan, in USD.'),
      budgetThresholdTriggered: fact(NUMBER, 'The threshold crossed, in USD.'),
      actionRequested: fact(THRESHOLD_ACTION, 'What the threshold asks for.'),
    },
    tells: HOLDER,
    atPublish: MONITORED,
    recordOlder: true,
  },
  LeaseDurationThresholdAlert: {
    schema: 'lease-duration-threshold-breached-alert.ts',
    publishedBy: MONITORING,
    key: OBJECT_KEY,
    facts: {
      accountId,
      triggeredDurationThreshold: fact(POSITIVE, 'Hours left at the threshold crossed.'),
      leaseDurationInHours: fact(POSITIVE, 'Start to expiry, in whole hours.'),
      actionRequested: fact(THRESHOLD_ACTION, 'What the threshold asks for.'),
    },
    tells: HOLDER,
    atPublish: MONITORED,
    recordOlder: true,
  },
  LeaseFreezingThresholdAlert: {
    schema: 'lease-freezing-threshold-breached-alert.ts',
    publishedBy: `${MONITORING}; the lifecycle manager then freezes an Active lease`,
    key: OBJECT_KEY,
    facts: { accountId, reason: fact(FROZEN_REASON, 'The threshold that asks for the freeze.') },
    tells: NOBODY,
    atPublish: MONITORED,
    recordOlder: true,
  },
  LeaseBudgetExceeded: {
    schema: 'lease-budget-exceeded-alert.ts',
    publishedBy: `${MONITORING}; the lifecycle manager then terminates the lease`,
    key: OBJECT_KEY,
    facts: {
      accountId,
      budget: fact(NUMBER, 'The lease budget, in USD.'),
      totalSpend: fact(NUMBER, 'Spend at the scan, in USD.'),
    },
    tells: NOBODY,
    atPublish: MONITORED,
    recordOlder: true,
  },
  LeaseExpired: {
    schema: 'lease-expired-alert.ts',
    publishedBy: `${MONITORING}; the lifecycle manager then terminates the lease`,
    key: OBJECT_KEY,
    facts: { accountId, leaseExpirationDate: fact({ kind: 'datetime' }, 'When the lease expired.') },
    tells: NOBODY,
    atPublish: MONITORED,
    recordOlder: true,
  },
  LeaseTerminated: {
    schema: 'lease-terminated-event.ts',
    publishedBy: '`terminateLease` (`innovation-sandbox.ts`), after writing the ended status',
    key: OBJECT_KEY,
    facts: { accountId, reason: fact(TERMINATED_REASON, 'Why the lease ended.') },
    tells: {
      byReason: {
        Expired: HOLDER_AND_APPROVERS,
        BudgetExceeded: HOLDER_AND_APPROVERS,
        ManuallyTerminated: HOLDER,
        AccountQuarantined: HOLDER,
        Ejected: HOLDER,
        ProvisioningFailed: HOLDER_AND_APPROVERS,
      },
    },
    atPublish: {
      byReason: {
        Expired: ['Expired'],
        BudgetExceeded: ['BudgetExceeded'],
        ManuallyTerminated: ['ManuallyTerminated'],
        AccountQuarantined: ['AccountQuarantined'],
        Ejected: ['Ejected'],
        ProvisioningFailed: ['ProvisioningFailed'],
      },
    },
    recordOlder: false,
  },
  LeaseFrozen: {
    schema: 'lease-frozen-event.ts',
    publishedBy: '`freezeLease` (`innovation-sandbox.ts`), after its transaction',
    key: OBJECT_KEY,
    facts: { accountId, reason: fact(FROZEN_REASON, 'Why the lease was frozen.') },
    tells: { byReason: { BudgetExceeded: HOLDER_AND_APPROVERS, Expired: HOLDER_AND_APPROVERS, ManuallyFrozen: HOLDER } },
    atPublish: ['Frozen'],
    recordOlder: false,
  },
  LeaseUnfrozen: {
    schema: 'lease-unfrozen-event.ts',
    publishedBy: '`unfreezeLease` (`innovation-sandbox.ts`), after its transaction',
    key: OBJECT_KEY,
    facts: {
      accountId,
      maxBudget: optional(NUMBER, 'The lease budget, in USD.'),
      leaseDurationInHours: optional(NUMBER, 'The lease duration.'),
      reason: fact(TEXT, 'Why, as ISB words it (`Manually unfrozen`).'),
    },
    tells: HOLDER,
    atPublish: ['Active'],
    recordOlder: false,
  },
  LeaseProvisioningFailed: {
    schema: 'lease-provisioning-failed-event.ts',
    publishedBy: '`resetLease` (`innovation-sandbox.ts`), after resetting the record',
    key: OBJECT_KEY,
    facts: { accountId, blueprintName: fact(TEXT, 'The blueprint that failed to deploy.') },
    tells: APPROVERS,
    atPublish: ['PendingApproval'],
    recordOlder: false,
  },
} as const satisfies Record<LeaseEventDetailType, LeaseEventSpec>;
