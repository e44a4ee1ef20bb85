/**
 * The lease as Innovation Sandbox on AWS stores it in its LeaseTable, and the names that describe
 * it. Everything here is data: no I/O, no SDK.
 */

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

/** Every status a lease can have. */
export const LEASE_STATUSES = [
  'PendingApproval',
  'ApprovalDenied',
  'Active',
  'Frozen',
  'Expired',
  'BudgetExceeded',
  'ManuallyTerminated',
  'AccountQuarantined',
  'Ejected',
] as const;

export type LeaseStatus = (typeof LEASE_STATUSES)[number];

/**
 * A LeaseTable item as DynamoDB returned it. Its fields depend on the lease's status and on the
 * Innovation Sandbox version that wrote it, so nothing beyond the key is assumed; read it through
 * {@link leaseSummary}.
 */
export type LeaseRecord = Readonly<Record<string, unknown>>;

/**
 * The lease fields a notification needs, type-checked. Emails (`userEmail`, `approvedBy`,
 * `createdBy`) and free text (`comments`) are left out on purpose.
 */
export interface LeaseSummary {
  uuid?: string;
  status?: string;
  originalLeaseTemplateName?: string;
  awsAccountId?: string;
  maxSpend?: number;
  totalCostAccrued?: number;
  leaseDurationInHours?: number;
  startDate?: string;
  expirationDate?: string;
  endDate?: string;
}

const SUMMARY_FIELDS = {
  uuid: 'string',
  status: 'string',
  originalLeaseTemplateName: 'string',
  awsAccountId: 'string',
  maxSpend: 'number',
  totalCostAccrued: 'number',
  leaseDurationInHours: 'number',
  startDate: 'string',
  expirationDate: 'string',
  endDate: 'string',
} as const satisfies Record<keyof LeaseSummary, 'string' | 'number'>;

/**
 * Picks the {@link LeaseSummary} fields out of a lease record, keeping a field only when it has the
 * expected type, so a drifted record can never put an unexpected value into a notification.
 *
 * @example
 * leaseSummary({ userEmail: 'ada@example.gov.uk', uuid: 'u-1', status: 'Active', maxSpend: 50 });
 * // => { uuid: 'u-1', status: 'Active', maxSpend: 50 }
 */
export const leaseSummary = (lease: LeaseRecord): LeaseSummary => {
  const summary: Record<string, unknown> = {};
  for (const [field, type] of Object.entries(SUMMARY_FIELDS)) {
    const value = Object.hasOwn(lease, field) ? lease[field] : undefined;
    if (typeof value === type && !(type === 'number' && !Number.isFinite(value))) {
      summary[field] = value;
    }
  }
  return summary as LeaseSummary;
};

/**
 * The top-level field names of each LeaseTable item shape that Innovation Sandbox writes, grouped by
 * status. Optional fields may be present or not in any shape. The drift detector's default baseline
 * is derived from this: one fingerprint per shape and per combination of optional fields.
 */
export const LEASE_RECORD_SHAPES = (() => {
  const common = [
    'userEmail',
    'uuid',
    'status',
    'originalLeaseTemplateUuid',
    'originalLeaseTemplateName',
    'maxSpend',
    'leaseDurationInHours',
    'budgetThresholds',
    'durationThresholds',
    'meta',
  ];
  const monitored = [
    'awsAccountId',
    'approvedBy',
    'startDate',
    'expirationDate',
    'lastCheckedDate',
    'totalCostAccrued',
  ];
  const ended = ['endDate', 'ttl'];
  return {
    optional: ['comments', 'createdBy', 'costReportGroup'],
    shapes: [
      { statuses: ['PendingApproval'], fields: common },
      { statuses: ['ApprovalDenied'], fields: [...common, ...ended] },
      { statuses: ['Active', 'Frozen'], fields: [...common, ...monitored] },
      {
        statuses: ['Expired', 'BudgetExceeded', 'ManuallyTerminated', 'AccountQuarantined', 'Ejected'],
        fields: [...common, ...monitored, ...ended],
      },
    ] satisfies { statuses: LeaseStatus[]; fields: string[] }[],
  } as const;
})();
