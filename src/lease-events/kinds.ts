/**
 * The kinds of the facts in ISB's lease events, as its zod schemas define them, and the parts of the
 * events description that several detail-types share (`reason` unions, threshold actions).
 */

import type { LeaseStatus } from '../lease.js';

// Stryker disable all: data, pinned by the docs page's test and the property tests.

/** How a fact is checked: the kinds of ISB's zod schemas, with the limits that bound a notification. */
export type LeaseFactKind =
  /** A string of at most `maxLength` characters; email addresses in it are masked. */
  | { readonly kind: 'text'; readonly maxLength: number }
  /** Twelve digits (`AwsAccountIdSchema`). */
  | { readonly kind: 'accountId' }
  /** An ISO 8601 date and time (`z.string().datetime()`). */
  | { readonly kind: 'datetime' }
  /** An email address, which ISB itself mails to the lease holder. */
  | { readonly kind: 'email' }
  /** An email address or `AUTO_APPROVED` (`ApprovedBySchema`). */
  | { readonly kind: 'approver' }
  /** A finite number; `positive` where ISB's schema says `.gt(0)`. */
  | { readonly kind: 'number'; readonly positive?: true }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A discriminated union on `type`, as ISB's `LeaseFrozenReasonSchema` and `LeaseTerminatedReasonSchema`. */
  | { readonly kind: 'reason'; readonly variants: Readonly<Record<string, LeaseFactFields>> };

/** One field of an event's detail. */
export interface LeaseFactSpec {
  readonly type: LeaseFactKind;
  /** `.optional()` in ISB's schema. */
  readonly optional?: true;
  /** One line for the docs. */
  readonly about: string;
}

export type LeaseFactFields = Readonly<Record<string, LeaseFactSpec>>;

/** Who ISB's email service (`email-service.ts`) writes to: `to` the lease holder, `bcc` admins and managers. */
export type LeaseEventAudience = 'lease-holder' | 'admins' | 'managers';

/** A value that depends on the event's `reason.type`, where ISB distinguishes. */
export interface ByReason<T> {
  readonly byReason: Readonly<Record<string, T>>;
}

/** One lease detail-type. */
export interface LeaseEventSpec {
  /** ISB's schema file in `source/common/events/`. */
  readonly schema: string;
  /** What publishes it, and the file (for the docs). */
  readonly publishedBy: string;
  /** `leaseId` as `{ userEmail, uuid }` or as the uuid string; `userEmail` true when the holder's address also sits beside it. */
  readonly key: { readonly leaseId: 'object' | 'string'; readonly userEmail: boolean };
  /** The detail's own fields, lease key fields excluded. */
  readonly facts: LeaseFactFields;
  /** Whom ISB's own emails tell; nobody for an empty list. */
  readonly tells: readonly LeaseEventAudience[] | ByReason<readonly LeaseEventAudience[]>;
  /** The statuses the record can have when ISB publishes. */
  readonly atPublish: readonly LeaseStatus[] | ByReason<readonly LeaseStatus[]>;
  /** True when ISB publishes before writing the scan's `totalCostAccrued` and `lastCheckedDate`. */
  readonly recordOlder: boolean;
}

/** ISB's `FreeTextSchema`: at most 1000 characters. Also the bound on ISB's unbounded strings. */
export const FREE_TEXT_MAX = 1000;

export const fact = <const T extends LeaseFactKind>(type: T, about: string) => ({ type, about });
export const optional = <const T extends LeaseFactKind>(type: T, about: string) => ({ type, optional: true as const, about });

export const TEXT = { kind: 'text', maxLength: FREE_TEXT_MAX } as const;
export const ACCOUNT_ID = { kind: 'accountId' } as const;
export const NUMBER = { kind: 'number' } as const;
export const POSITIVE = { kind: 'number', positive: true } as const;
export const THRESHOLD_ACTION = { kind: 'enum', values: ['ALERT', 'FREEZE_ACCOUNT'] } as const;

const comment = fact(TEXT, 'Why, as ISB words it.');

/** `LeaseFrozenReasonSchema` (`lease-frozen-event.ts`), shared by LeaseFreezingThresholdAlert. */
export const FROZEN_REASON = {
  kind: 'reason',
  variants: {
    BudgetExceeded: {
      triggeredBudgetThreshold: fact(POSITIVE, 'The budget threshold crossed, in USD.'),
      budget: optional(NUMBER, 'The lease budget, in USD.'),
      totalSpend: fact(NUMBER, 'Spend at the scan, in USD.'),
    },
    Expired: {
      triggeredDurationThreshold: fact(POSITIVE, 'Hours left at the threshold crossed.'),
      leaseDurationInHours: fact(POSITIVE, 'The lease duration.'),
    },
    ManuallyFrozen: { comment },
  },
} as const;

/** `LeaseTerminatedReasonSchema` (`lease-terminated-event.ts`). */
export const TERMINATED_REASON = {
  kind: 'reason',
  variants: {
    Expired: { leaseDurationInHours: fact(POSITIVE, 'The lease duration.') },
    BudgetExceeded: {
      budget: optional(NUMBER, 'The lease budget, in USD.'),
      totalSpend: fact(NUMBER, 'Spend recorded on the lease, in USD.'),
    },
    ManuallyTerminated: { comment },
    AccountQuarantined: { comment },
    Ejected: { comment },
    ProvisioningFailed: { comment },
  },
} as const;
