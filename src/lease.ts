/**
 * The lease as Innovation Sandbox on AWS (ISB) stores it in its LeaseTable: the TypeScript types of
 * a lease, derived from ISB's lease model (`lease-model.ts`, re-exported here), and the notification
 * summary. No I/O, no SDK.
 */

import {
  LEASE_FIELDS,
  type LEASE_STATUS_GROUPS,
  type LeaseField,
  type LeaseStatus,
  type LeaseStatusGroup,
  type LeaseStatusGroupSpec,
} from './lease-model.js';

export * from './lease-model.js';

/** The LeaseTable's composite primary key: `userEmail` (partition) and `uuid` (sort). */
export interface LeaseKey {
  readonly userEmail: string;
  readonly uuid: string;
}

/** What a budget or duration threshold asks ISB to do when it is crossed. */
export type LeaseThresholdAction = 'ALERT' | 'FREEZE_ACCOUNT';

/** A budget threshold, copied from the lease template. */
export interface LeaseBudgetThreshold {
  readonly dollarsSpent: number;
  readonly action: LeaseThresholdAction;
}

/** A duration threshold, copied from the lease template. */
export interface LeaseDurationThreshold {
  readonly hoursRemaining: number;
  readonly action: LeaseThresholdAction;
}

/** The metadata ISB's store adds on every write. */
export interface LeaseMeta {
  readonly schemaVersion: number;
  readonly createdTime?: string;
  readonly lastEditTime?: string;
}

interface KindTypes {
  string: string;
  number: number;
  array: readonly unknown[];
  object: object;
}

/** Fields whose TypeScript type is narrower than their kind. */
interface NarrowerTypes {
  status: LeaseStatus;
  budgetThresholds: readonly LeaseBudgetThreshold[];
  durationThresholds: readonly LeaseDurationThreshold[];
  meta: LeaseMeta;
}

/** The TypeScript type of a lease record field. */
export type LeaseFieldType<F extends LeaseField> = F extends keyof NarrowerTypes
  ? NarrowerTypes[F]
  : KindTypes[(typeof LEASE_FIELDS)[F]['kind']];

// A narrower type must still be of the field's kind: `status: number` here would not compile.
const narrowerTypesMatchKinds: {
  [F in keyof NarrowerTypes]: NarrowerTypes[F] extends KindTypes[(typeof LEASE_FIELDS)[F]['kind']] ? true : never;
} = {
  status: true,
  budgetThresholds: true,
  durationThresholds: true,
  meta: true,
};
void narrowerTypesMatchKinds;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type GroupLease<G extends LeaseStatusGroup, Group extends LeaseStatusGroupSpec = (typeof LEASE_STATUS_GROUPS)[G]> = Simplify<
  { readonly status: (typeof LEASE_STATUS_GROUPS)[G]['statuses'][number] } & {
    readonly [F in Exclude<Group['required'][number], 'status'>]: LeaseFieldType<F>;
  } & {
    readonly [F in Exclude<Group['optional'][number] | Group['alsoStored'][number], Group['required'][number]>]?: LeaseFieldType<F>;
  }
>;

/** A lease awaiting approval. */
export type PendingLease = GroupLease<'pending'>;
/** A lease whose request was denied; deleted by DynamoDB's TTL after ISB's `leases.ttl` days. */
export type ApprovalDeniedLease = GroupLease<'denied'>;
/** A lease with an account: active, frozen, or provisioning its blueprint. */
export type MonitoredLease = GroupLease<'monitored'>;
/** A lease that has ended, for whatever reason; deleted by DynamoDB's TTL after ISB's `leases.ttl` days. */
export type EndedLease = GroupLease<'ended'>;

/**
 * A LeaseTable item as ISB writes it: a union discriminated by `status`, so that narrowing on the
 * status gives the fields that status has. The record is ISB's, read as it is: `enrichmentReport`
 * judges each one against this model and reports drift.
 *
 * @example
 * if (lease.status === 'Active') console.log(lease.awsAccountId, lease.expirationDate);
 */
export type Lease = PendingLease | ApprovalDeniedLease | MonitoredLease | EndedLease;

/**
 * A lease of one status, narrowed to the fields that status has.
 *
 * @example
 * const frozen: LeaseWithStatus<'Frozen'> = …; frozen.awsAccountId; // string
 */
export type LeaseWithStatus<S extends LeaseStatus> = Lease & { readonly status: S };

type SummaryField = {
  [F in LeaseField]: (typeof LEASE_FIELDS)[F] extends { readonly summary: true } ? F : never;
}[LeaseField];

/**
 * The lease fields a notification carries: those the model marks `summary`. Email addresses
 * (`userEmail`, `approvedBy`, `createdBy`) and free text (`comments`) are never among them.
 */
export type LeaseSummary = { -readonly [F in SummaryField]?: LeaseFieldType<F> };

const SUMMARY_FIELDS = (Object.keys(LEASE_FIELDS) as LeaseField[])
  .filter((name) => 'summary' in LEASE_FIELDS[name])
  .map((name) => [name, LEASE_FIELDS[name].kind] as const);

/**
 * Picks the {@link LeaseSummary} fields out of a lease record, keeping a field only when it has the
 * model's type (and, for numbers, is finite), so a drifted record can never put an unexpected value
 * into a notification.
 *
 * @example
 * leaseSummary({ userEmail: 'ada@example.gov.uk', uuid: 'u-1', status: 'PendingApproval', maxSpend: 50, … });
 * // => { uuid: 'u-1', status: 'PendingApproval', maxSpend: 50, … }
 */
export const leaseSummary = (lease: Lease | Readonly<Record<string, unknown>>): LeaseSummary => {
  const record = lease as Readonly<Record<string, unknown>>;
  const summary: Record<string, unknown> = {};
  for (const [name, kind] of SUMMARY_FIELDS) {
    const value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (typeof value === kind && (kind !== 'number' || Number.isFinite(value))) summary[name] = value;
  }
  return summary as LeaseSummary;
};
