import { LEASE_FIELDS, LEASE_SCHEMA_VERSIONS, LEASE_STATUS_GROUPS, type LeaseField, type LeaseStatusGroupSpec } from '../../lease.js';

/**
 * How a lease record departs from ISB's lease model (`LEASE_FIELDS`, `LEASE_STATUS_GROUPS`):
 * - `unknown-field`: a top-level field that no ISB lease status has;
 * - `missing-field`: a field the record's status requires, absent;
 * - `wrong-type`: a known field holding another kind of value than the model's (a number as a string);
 * - `unknown-status`: a `status` that ISB does not define;
 * - `schema-version`: a `meta.schemaVersion` outside the versions the model supports.
 */
export type LeaseDriftKind = 'unknown-field' | 'missing-field' | 'wrong-type' | 'unknown-status' | 'schema-version';

/** One kind of drift, and the fields it concerns: names, never values. */
export interface LeaseDrift {
  readonly kind: LeaseDriftKind;
  readonly fields: readonly string[];
}

/** What the drift check may take as known. */
export interface LeaseDriftOptions {
  /**
   * The record's field set is one an operator accepts (its fingerprint is in the allow-list): field
   * drift (`unknown-field`, `missing-field`) is not reported. Values still are.
   */
  readonly fieldSetAccepted?: boolean;
}

// Looked up with whatever `status` holds: anything but one of ISB's status strings finds no group.
const GROUP_OF_STATUS: ReadonlyMap<unknown, LeaseStatusGroupSpec> = new Map(
  Object.values(LEASE_STATUS_GROUPS).flatMap((group) => group.statuses.map((status) => [status, group] as const)),
);

// Fields every status requires: all that can be expected of a record whose status is unknown.
const ALWAYS_REQUIRED = LEASE_STATUS_GROUPS.pending.required;

/** A value's kind as the model names kinds: `array`, or its `typeof`; `null` has none. */
const kindOf = (value: unknown): string | undefined => (Array.isArray(value) ? 'array' : value === null ? undefined : typeof value);

const schemaVersionOk = (meta: unknown): boolean => {
  const version = (meta as { schemaVersion?: unknown }).schemaVersion;
  return Number.isInteger(version) && (version as number) >= LEASE_SCHEMA_VERSIONS.min && (version as number) <= LEASE_SCHEMA_VERSIONS.max;
};

/**
 * Judges a lease record against ISB's lease model. Fields that ISB really writes outside a status's
 * own schema (a pending lease's `totalCostAccrued: 0`, a denied lease's `approvedBy`) are fields of
 * some ISB status, so they are not drift; nor is an optional field's absence. Returns one entry per
 * kind found, in the order of {@link LeaseDriftKind}, with field names sorted; an empty list means
 * no drift. An accepted field set (`fieldSetAccepted`) leaves out `unknown-field` and `missing-field`.
 *
 * @example
 * leaseDrift({ ...activeLease, colour: 'blue' }); // => [{ kind: 'unknown-field', fields: ['colour'] }]
 */
export const leaseDrift = (record: Readonly<Record<string, unknown>>, options: LeaseDriftOptions = {}): LeaseDrift[] => {
  const group = GROUP_OF_STATUS.get(record.status);
  const unknownFields: string[] = [];
  const wrongTypes: string[] = [];
  for (const name of Object.keys(record)) {
    if (!Object.hasOwn(LEASE_FIELDS, name)) unknownFields.push(name);
    else if (name !== 'status' && kindOf(record[name]) !== LEASE_FIELDS[name as LeaseField].kind) wrongTypes.push(name);
  }
  const drift: LeaseDrift[] = [];
  const found = (kind: LeaseDriftKind, fields: string[]): void => {
    if (fields.length > 0) drift.push({ kind, fields: fields.sort() });
  };
  if (!options.fieldSetAccepted) {
    found('unknown-field', unknownFields);
    found(
      'missing-field',
      (group?.required ?? ALWAYS_REQUIRED).filter((name) => !Object.hasOwn(record, name)),
    );
  }
  found('wrong-type', wrongTypes);
  if (Object.hasOwn(record, 'status') && !group) found('unknown-status', ['status']);
  if (Object.hasOwn(record, 'meta') && kindOf(record.meta) === 'object' && !schemaVersionOk(record.meta)) {
    found('schema-version', ['meta.schemaVersion']);
  }
  return drift;
};
