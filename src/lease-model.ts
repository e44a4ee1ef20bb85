/**
 * ISB's lease record as data (schema version 3, ISB v1.2.14, `source/common/data/lease/lease.ts`):
 * its statuses, its fields and their kinds, and which fields each status group has. `lease.ts`
 * derives the lease types and the summary from it, `leaseDrift` judges records against it, and
 * `npm run build:docs` writes the model page from it. Data only: no I/O, nothing compiled at load.
 */

/** DynamoDB's limits on key values, in UTF-8 bytes; longer values are rejected by the service. */
export const LEASE_KEY_LIMITS = {
  userEmail: { maxBytes: 2048 },
  uuid: { maxBytes: 1024 },
} as const;

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
