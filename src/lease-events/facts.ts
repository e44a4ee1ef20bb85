/**
 * The facts of a lease event: the detail's own fields, each checked against its kind in the lease
 * events description. Only described fields are read, so a hostile detail (a million keys, a
 * 5,000-deep object, megabytes of text) costs a few property reads and yields a small, flat,
 * serializable object.
 */
import { maskEmails } from '../email-addresses.js';
import { LEASE_EVENT_DETAIL_TYPES, type LeaseEventDetailType } from '../events.js';
import type { LeaseFactFields, LeaseFactKind } from './kinds.js';
import { LEASE_EVENTS } from './model.js';
import type { LeaseEventFacts } from './types.js';

/** The facts of one event, and the fields left out of them. */
export interface LeaseEventFactsResult<D extends LeaseEventDetailType = LeaseEventDetailType> {
  readonly facts: LeaseEventFacts<D>;
  /** Described fields present with the wrong shape, by path (`reason.totalSpend`): names only, never values. */
  readonly leftOut: readonly string[];
  /** Fields ISB's schema requires that the detail lacks, by path. */
  readonly missing: readonly string[];
}

// Generous for any address ISB accepts, and a bound on what a notification carries.
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const ACCOUNT_ID = /^\d{12}$/;

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const own = (value: Readonly<Record<string, unknown>>, name: string): unknown => (Object.hasOwn(value, name) ? value[name] : undefined);

/** Collects left-out and missing paths while the facts are read. */
interface Findings {
  readonly leftOut: string[];
  readonly missing: string[];
}

/** The checked value of one field, or `undefined` (recorded in `findings`) when it has the wrong shape. */
const checked = (type: LeaseFactKind, value: unknown, path: string, findings: Findings): unknown => {
  switch (type.kind) {
    case 'text':
      return typeof value === 'string' && value.length <= type.maxLength ? maskEmails(value) : undefined;
    case 'accountId':
      return typeof value === 'string' && ACCOUNT_ID.test(value) ? value : undefined;
    case 'datetime':
      return typeof value === 'string' && DATETIME.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
    case 'email':
      return typeof value === 'string' && EMAIL.test(value) ? value : undefined;
    case 'approver':
      return value === 'AUTO_APPROVED' || (typeof value === 'string' && EMAIL.test(value)) ? value : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && (!type.positive || value > 0) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'enum':
      return typeof value === 'string' && type.values.includes(value) ? value : undefined;
    case 'reason': {
      const variant = isRecord(value) ? own(value, 'type') : undefined;
      if (typeof variant !== 'string' || !Object.hasOwn(type.variants, variant)) return undefined;
      return {
        type: variant,
        ...readFields(type.variants[variant] as LeaseFactFields, value as Record<string, unknown>, `${path}.`, findings),
      };
    }
  }
};

/** Reads the described fields of `detail`, and only those. */
const readFields = (fields: LeaseFactFields, detail: Readonly<Record<string, unknown>>, prefix: string, findings: Findings) => {
  const facts: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(fields)) {
    const path = `${prefix}${name}`;
    const value = own(detail, name);
    if (value === undefined) {
      if (!spec.optional) findings.missing.push(path);
      continue;
    }
    const fact = checked(spec.type, value, path, findings);
    if (fact === undefined) findings.leftOut.push(path);
    else facts[name] = fact;
  }
  return facts;
};

/**
 * Whether a detail-type is one of ISB's 12 lease detail-types.
 *
 * @example
 * isLeaseEventDetailType('LeaseFrozen'); // true
 */
export const isLeaseEventDetailType = (detailType: unknown): detailType is LeaseEventDetailType =>
  (LEASE_EVENT_DETAIL_TYPES as readonly unknown[]).includes(detailType);

/**
 * The facts of a lease event: for each field ISB's schema gives the detail-type (lease key fields
 * aside), its value when it has the field's kind. A field of the wrong shape is left out and named in
 * `leftOut`; fields the schema does not have are dropped; text is cut at ISB's limits and has email
 * addresses masked (only `approvedBy` and `deniedBy`, which ISB itself mails, keep theirs). A
 * detail-type outside the 12 has no facts.
 *
 * @example
 * leaseEventFacts('LeaseBudgetExceeded', { leaseId, accountId: '111122223333', budget: 50, totalSpend: 'lots' });
 * // => { facts: { accountId: '111122223333', budget: 50 }, leftOut: ['totalSpend'], missing: [] }
 */
export function leaseEventFacts<D extends LeaseEventDetailType>(detailType: D, detail: unknown): LeaseEventFactsResult<D>;
export function leaseEventFacts(detailType: unknown, detail: unknown): LeaseEventFactsResult;
export function leaseEventFacts(detailType: unknown, detail: unknown): LeaseEventFactsResult {
  const findings: Findings = { leftOut: [], missing: [] };
  if (!isLeaseEventDetailType(detailType)) return { facts: {}, ...findings };
  const fields: LeaseFactFields = LEASE_EVENTS[detailType].facts;
  const facts = readFields(fields, isRecord(detail) ? detail : {}, '', findings);
  return { facts: facts as LeaseEventFacts, ...findings };
}
