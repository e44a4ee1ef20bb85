/**
 * The lease as Innovation Sandbox on AWS (ISB) stores it in its LeaseTable: one declarative model of
 * ISB's lease record (schema version 3, ISB v1.2.14, `source/common/data/lease/lease.ts`), and
 * everything derived from it: the TypeScript type of a lease, the notification summary, the drift
 * detector (`middleware/enrichment-report/drift.ts`) and the model page in the docs. Everything here
 * is data: no I/O, no SDK, nothing compiled at load.
 */

// Stryker disable all: the model's data is pinned by the model page's test and ISB's property tests; its functions, at the end, are mutated.

/** The LeaseTable's composite primary key: `userEmail` (partition) and `uuid` (sort). */
export interface LeaseKey {
  readonly userEmail: string;
  readonly uuid: string;
}

/** DynamoDB's limits on key values, in UTF-8 bytes; longer values are rejected by the service. */
export const LEASE_KEY_LIMITS = {
  userEmail: { maxBytes: 2048 },
  uuid: { maxBytes: 1024 },
} as const;

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

/**
 * ISB's lease statuses, by status group (`AllLeaseStatusSchema` and the four group schemas in ISB's
 * `lease.ts`).
 */
const STATUSES = {
  pending: ['PendingApproval'],
  denied: ['ApprovalDenied'],
  monitored: ['Active', 'Frozen', 'Provisioning'],
  ended: ['Expired', 'BudgetExceeded', 'ManuallyTerminated', 'AccountQuarantined', 'Ejected', 'ProvisioningFailed'],
} as const;

/** A lease status, as ISB defines it. */
export type LeaseStatus = (typeof STATUSES)[keyof typeof STATUSES][number];

/** Every status a lease can have, in lifecycle order. */
export const LEASE_STATUSES: readonly LeaseStatus[] = Object.values(STATUSES).flat();

/** A top-level value as the DocumentClient unmarshalls it: what the drift detector checks. */
export type LeaseFieldKind = 'string' | 'number' | 'array' | 'object';

/** One field of the lease record: its kind at run time, and what it holds. */
export interface LeaseFieldSpec {
  readonly kind: LeaseFieldKind;
  /** One line for the docs. */
  readonly about: string;
  /** Holds an email address or free text: never in a notification summary. */
  readonly personal?: true;
  /** Part of {@link LeaseSummary}, the lease context a notification carries. */
  readonly summary?: true;
}

/**
 * Every top-level field an ISB lease record can have, whatever its status. A field outside this list
 * is `unknown-field` drift; one of another kind is `wrong-type` drift.
 */
export const LEASE_FIELDS = {
  userEmail: { kind: 'string', about: 'The lease holder, and the partition key.', personal: true },
  uuid: { kind: 'string', about: 'The lease id, and the sort key.', summary: true },
  status: { kind: 'string', about: 'Where the lease is in its lifecycle; decides the other fields.', summary: true },
  originalLeaseTemplateUuid: { kind: 'string', about: 'The lease template the lease was requested from.' },
  originalLeaseTemplateName: { kind: 'string', about: "That template's name.", summary: true },
  comments: { kind: 'string', about: "The requester's free text.", personal: true },
  createdBy: { kind: 'string', about: 'Who requested or assigned the lease.', personal: true },
  blueprintId: { kind: 'string', about: 'The blueprint deployed into the account, for blueprint templates.' },
  blueprintName: { kind: 'string', about: "That blueprint's name.", summary: true },
  maxSpend: { kind: 'number', about: 'Budget in USD; absent when the template has none.', summary: true },
  leaseDurationInHours: { kind: 'number', about: 'Duration; absent when the template has none.', summary: true },
  budgetThresholds: { kind: 'array', about: 'Spend at which ISB alerts or freezes the account.' },
  durationThresholds: { kind: 'array', about: 'Hours left at which ISB alerts or freezes the account.' },
  costReportGroup: { kind: 'string', about: "The template's cost reporting group." },
  meta: { kind: 'object', about: "ISB's schema version and edit times, added by its store on every write." },
  awsAccountId: { kind: 'string', about: 'The sandbox account.', summary: true },
  approvedBy: { kind: 'string', about: 'Who approved (an email address or `AUTO_APPROVED`), or denied.', personal: true },
  startDate: { kind: 'string', about: 'When the lease started (ISO 8601).', summary: true },
  expirationDate: { kind: 'string', about: 'When it expires (ISO 8601); absent without a duration.', summary: true },
  lastCheckedDate: { kind: 'string', about: "ISB's last cost and duration check (ISO 8601)." },
  totalCostAccrued: { kind: 'number', about: 'Spend so far, in USD.', summary: true },
  endDate: { kind: 'string', about: 'When the lease ended (ISO 8601).', summary: true },
  ttl: { kind: 'number', about: 'When DynamoDB deletes the record (epoch seconds).' },
} as const satisfies Record<string, LeaseFieldSpec>;

/** The name of a lease record field. */
export type LeaseField = keyof typeof LEASE_FIELDS;

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

const PENDING_REQUIRED = [
  'userEmail',
  'uuid',
  'status',
  'originalLeaseTemplateUuid',
  'originalLeaseTemplateName',
] as const satisfies readonly LeaseField[];
const PENDING_OPTIONAL = [
  'comments',
  'createdBy',
  'blueprintId',
  'blueprintName',
  'maxSpend',
  'leaseDurationInHours',
  'budgetThresholds',
  'durationThresholds',
  'costReportGroup',
  'meta',
] as const satisfies readonly LeaseField[];
const MONITORED_REQUIRED = [
  ...PENDING_REQUIRED,
  'awsAccountId',
  'approvedBy',
  'startDate',
  'lastCheckedDate',
  'totalCostAccrued',
] as const satisfies readonly LeaseField[];
const MONITORED_OPTIONAL = [...PENDING_OPTIONAL, 'expirationDate'] as const satisfies readonly LeaseField[];

/** A status group of the model: its statuses, and the fields their records have. */
export interface LeaseStatusGroupSpec {
  readonly statuses: readonly string[];
  /** In ISB's schema and always written. Missing: `missing-field` drift. */
  readonly required: readonly LeaseField[];
  /** In ISB's schema, written or not. */
  readonly optional: readonly LeaseField[];
  /**
   * Not in ISB's schema for these statuses, yet written by ISB: its store validates a record and
   * then writes the original object, so fields set on the way survive. Never drift.
   */
  readonly alsoStored: readonly LeaseField[];
  /** Where ISB writes the `alsoStored` fields, for the docs. */
  readonly alsoStoredBy?: string;
}

/**
 * ISB's four lease status groups. Monitored extends pending, ended extends monitored, denied extends
 * pending, as in ISB's schemas.
 */
export const LEASE_STATUS_GROUPS = {
  pending: {
    statuses: STATUSES.pending,
    required: PENDING_REQUIRED,
    optional: PENDING_OPTIONAL,
    alsoStored: ['totalCostAccrued'],
    alsoStoredBy: '`requestLease` and `resetLease` write `totalCostAccrued: 0`',
  },
  denied: {
    statuses: STATUSES.denied,
    required: [...PENDING_REQUIRED, 'ttl'],
    optional: PENDING_OPTIONAL,
    alsoStored: ['totalCostAccrued', 'approvedBy'],
    alsoStoredBy: '`denyLease` keeps the pending record and sets `approvedBy` to the denier; no `endDate`',
  },
  monitored: {
    statuses: STATUSES.monitored,
    required: MONITORED_REQUIRED,
    optional: MONITORED_OPTIONAL,
    alsoStored: [],
  },
  ended: {
    statuses: STATUSES.ended,
    required: [...MONITORED_REQUIRED, 'endDate', 'ttl'],
    optional: MONITORED_OPTIONAL,
    alsoStored: [],
  },
} as const satisfies Record<string, LeaseStatusGroupSpec>;

/** The name of a status group: `pending`, `denied`, `monitored` or `ended`. */
export type LeaseStatusGroup = keyof typeof LEASE_STATUS_GROUPS;

/** The `meta.schemaVersion` values ISB's lease schema accepts (it reads versions 1 to 3). */
export const LEASE_SCHEMA_VERSIONS = { min: 1, max: 3 } as const;

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

// Stryker restore all
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
