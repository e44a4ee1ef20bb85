import {
  LEASE_FIELDS,
  LEASE_SCHEMA_VERSIONS,
  LEASE_STATUS_GROUPS,
  type LeaseField,
  type LeaseFieldKind,
  type LeaseStatusGroupSpec,
} from '../../lease.js';

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
 * The part of the judgement that depends only on the field names and the status: unknown fields,
 * missing fields, an unknown status. Same names and status, same answer: the report keeps it per
 * field set (see `shapes.ts`).
 */
export const fieldSetDrift = (names: readonly string[], status: unknown, hasStatus: boolean): LeaseDrift[] => {
  const unknown = names.filter((name) => !Object.hasOwn(LEASE_FIELDS, name));
  const group = GROUP_OF_STATUS.get(status);
  const present = new Set(names);
  const missing = (group?.required ?? ALWAYS_REQUIRED).filter((name) => !present.has(name));
  const drift: LeaseDrift[] = [];
  if (unknown.length > 0) drift.push({ kind: 'unknown-field', fields: unknown.sort() });
  if (missing.length > 0) drift.push({ kind: 'missing-field', fields: missing.sort() });
  if (hasStatus && !group) drift.push({ kind: 'unknown-status', fields: ['status'] });
  return drift;
};

/** The model's kind of each field, in order; `undefined` where the model has no such field (or for `status`). */
export const modelKinds = (names: readonly string[]): (LeaseFieldKind | undefined)[] =>
  names.map((name) => (name !== 'status' && Object.hasOwn(LEASE_FIELDS, name) ? LEASE_FIELDS[name as LeaseField].kind : undefined));

/**
 * The part of the judgement that depends on the values: fields of another kind than the model's,
 * and the schema version. `kinds` is {@link modelKinds} of `names`.
 */
export const valueDrift = (
  record: Readonly<Record<string, unknown>>,
  names: readonly string[],
  kinds: readonly (LeaseFieldKind | undefined)[],
): LeaseDrift[] => {
  let wrongType: string[] | undefined;
  for (let index = 0; index < names.length; index += 1) {
    const kind = kinds[index];
    const name = names[index] as string;
    if (kind !== undefined && kindOf(record[name]) !== kind) {
      wrongType ??= [];
      wrongType.push(name);
    }
  }
  const drift: LeaseDrift[] = [];
  if (wrongType) drift.push({ kind: 'wrong-type', fields: wrongType.sort() });
  const { meta } = record;
  if (Object.hasOwn(record, 'meta') && kindOf(meta) === 'object' && !schemaVersionOk(meta)) {
    drift.push({ kind: 'schema-version', fields: ['meta.schemaVersion'] });
  }
  return drift;
};

const ORDER: readonly LeaseDriftKind[] = ['unknown-field', 'missing-field', 'wrong-type', 'unknown-status', 'schema-version'];
const byKind = (a: LeaseDrift, b: LeaseDrift): number => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind);

/**
 * The whole judgement, from its two parts, in the order of {@link LeaseDriftKind}. An accepted field
 * set drops the field drift (`unknown-field`, `missing-field`).
 *
 * @example
 * combineDrift(fieldSetDrift(names, record.status, true), valueDrift(record, names, modelKinds(names)), false);
 */
export const combineDrift = (fieldSet: readonly LeaseDrift[], values: readonly LeaseDrift[], fieldSetAccepted: boolean): LeaseDrift[] => {
  const kept = fieldSetAccepted ? fieldSet.filter(({ kind }) => kind === 'unknown-status') : fieldSet;
  return values.length === 0 ? [...kept] : [...kept, ...values].sort(byKind);
};

/**
 * Judges a lease record against ISB's lease model. Fields that ISB really writes outside a status's
 * own schema (a pending lease's `totalCostAccrued: 0`, a denied lease's `approvedBy`) are fields of
 * some ISB status, so they are not drift; nor is an optional field's absence. Returns one entry per
 * kind found, in the order of {@link LeaseDriftKind}, with field names sorted; an empty list means
 * no drift.
 *
 * @example
 * leaseDrift({ ...activeLease, colour: 'blue' }); // => [{ kind: 'unknown-field', fields: ['colour'] }]
 */
export const leaseDrift = (record: Readonly<Record<string, unknown>>, options: LeaseDriftOptions = {}): LeaseDrift[] => {
  const names = Object.keys(record);
  return combineDrift(
    fieldSetDrift(names, record.status, Object.hasOwn(record, 'status')),
    valueDrift(record, names, modelKinds(names)),
    options.fieldSetAccepted === true,
  );
};
