/**
 * Lease records as Innovation Sandbox on AWS v1.2.14 writes them, described from its source and
 * independently of `src/lease.ts`, so that tests can judge our model against it:
 * - the schemas: `source/common/data/lease/lease.ts` (PendingLeaseSchema and the three that extend it)
 *   and the template fields it picks from `lease-template/lease-template.ts`;
 * - the write paths that store more than a status's schema: `requestLease`, `resetLease` and
 *   `denyLease` in `source/common/innovation-sandbox.ts`, whose store validates a record and then
 *   writes the original object, nulls removed (`validateItem`, `removeNullFieldsForDynamoDB`).
 */
import fc from 'fast-check';

type Arbitraries = Record<string, fc.Arbitrary<unknown>>;

const isoDate = fc
  .date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString());
const email = fc
  .tuple(fc.stringMatching(/^[a-z]{1,12}$/), fc.stringMatching(/^[a-z]{1,12}$/))
  .map(([given, family]) => `${given}.${family}@example.gov.uk`);
const dollars = fc.double({ min: 0.01, max: 100_000, noNaN: true, noDefaultInfinity: true });
const hours = fc.integer({ min: 1, max: 8760 });
const action = fc.constantFrom('ALERT', 'FREEZE_ACCOUNT');
const accountId = fc.stringMatching(/^\d{12}$/);
const ttl = fc.integer({ min: 1_700_000_000, max: 2_000_000_000 });

/** PendingLeaseSchema: the key, status, template fields; the rest optional. */
const PENDING_REQUIRED: Arbitraries = {
  userEmail: email,
  uuid: fc.uuid({ version: 4 }),
  originalLeaseTemplateUuid: fc.uuid({ version: 4 }),
  originalLeaseTemplateName: fc.string({ minLength: 1, maxLength: 50 }),
};
const PENDING_OPTIONAL: Arbitraries = {
  comments: fc.string({ maxLength: 1000 }),
  createdBy: email,
  blueprintId: fc.uuid({ version: 4 }),
  blueprintName: fc.string({ minLength: 1, maxLength: 50 }),
  // A template may have no budget and no duration when ISB's global config allows it.
  maxSpend: dollars,
  leaseDurationInHours: hours,
  budgetThresholds: fc.array(fc.record({ dollarsSpent: dollars, action }), { maxLength: 3 }),
  durationThresholds: fc.array(fc.record({ hoursRemaining: hours, action }), { maxLength: 3 }),
  costReportGroup: fc.string({ minLength: 1, maxLength: 50 }),
  // ISB reads schema versions 1 to 3; its store writes the current one.
  meta: fc.record(
    { schemaVersion: fc.integer({ min: 1, max: 3 }), createdTime: isoDate, lastEditTime: isoDate },
    { requiredKeys: ['schemaVersion'] },
  ),
};
/** MonitoredLeaseSchema adds the account, approval, dates and cost. */
const MONITORED_REQUIRED: Arbitraries = {
  ...PENDING_REQUIRED,
  awsAccountId: accountId,
  approvedBy: fc.oneof(email, fc.constant('AUTO_APPROVED')),
  startDate: isoDate,
  lastCheckedDate: isoDate,
  totalCostAccrued: fc.double({ min: 0, max: 100_000, noNaN: true, noDefaultInfinity: true }),
};
const MONITORED_OPTIONAL: Arbitraries = { ...PENDING_OPTIONAL, expirationDate: isoDate };

/** One status group as ISB stores it. */
export interface IsbStatusGroup {
  readonly statuses: readonly string[];
  readonly required: Arbitraries;
  /** In the schema, written or not. */
  readonly optional: Arbitraries;
  /** Written by ISB's write paths beyond the schema ("really stored"), or not. */
  readonly alsoStored: Arbitraries;
}

export const ISB_STATUS_GROUPS: Record<'pending' | 'denied' | 'monitored' | 'ended', IsbStatusGroup> = {
  pending: {
    statuses: ['PendingApproval'],
    required: PENDING_REQUIRED,
    optional: PENDING_OPTIONAL,
    // requestLease writes totalCostAccrued: 0 (approvedBy and awsAccountId are null, so removed); so does resetLease.
    alsoStored: { totalCostAccrued: fc.constant(0) },
  },
  denied: {
    statuses: ['ApprovalDenied'],
    required: { ...PENDING_REQUIRED, ttl },
    optional: PENDING_OPTIONAL,
    // denyLease spreads the pending lease and sets approvedBy to the denier; it sets no endDate.
    alsoStored: { totalCostAccrued: fc.constant(0), approvedBy: email },
  },
  monitored: {
    statuses: ['Active', 'Frozen', 'Provisioning'],
    required: MONITORED_REQUIRED,
    optional: MONITORED_OPTIONAL,
    alsoStored: {},
  },
  ended: {
    statuses: ['Expired', 'BudgetExceeded', 'ManuallyTerminated', 'AccountQuarantined', 'Ejected', 'ProvisioningFailed'],
    required: { ...MONITORED_REQUIRED, endDate: isoDate, ttl },
    optional: MONITORED_OPTIONAL,
    alsoStored: {},
  },
};

/** Every status ISB defines. */
export const ISB_STATUSES = Object.values(ISB_STATUS_GROUPS).flatMap((group) => group.statuses);

/**
 * Records ISB could store with this status: random values, each optional and "really stored" field
 * present or not.
 */
export const isbLeaseRecord = (group: IsbStatusGroup, status: string): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(fc.record(group.required), fc.record({ ...group.optional, ...group.alsoStored }, { requiredKeys: [] }))
    .map(([required, optional]) => ({ ...optional, ...required, status }));

/** Any ISB lease record, of any status. */
export const anyIsbLeaseRecord: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  ...Object.values(ISB_STATUS_GROUPS).flatMap((group) => group.statuses.map((status) => isbLeaseRecord(group, status))),
);

/**
 * Every combination of present and absent optional and "really stored" fields, for each status, with
 * one sample value per field: exhaustive where random generation would only sample.
 */
export function* everyIsbFieldCombination(): Generator<Record<string, unknown>> {
  for (const group of Object.values(ISB_STATUS_GROUPS)) {
    const sample = (arbitraries: Arbitraries) =>
      Object.fromEntries(Object.entries(arbitraries).map(([name, arbitrary]) => [name, fc.sample(arbitrary, { numRuns: 1, seed: 7 })[0]]));
    const required = sample(group.required);
    const optional = Object.entries(sample({ ...group.optional, ...group.alsoStored }));
    for (const status of group.statuses) {
      for (let mask = 0; mask < 2 ** optional.length; mask += 1) {
        const present = optional.filter((_, index) => (mask >> index) & 1);
        yield { ...Object.fromEntries(present), ...required, status };
      }
    }
  }
}
