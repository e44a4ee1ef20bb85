import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { LEASE_FIELDS, LEASE_STATUS_GROUPS, LEASE_STATUSES } from '../../src/lease.js';
import { leaseDrift } from '../../src/middleware/enrichment-report/index.js';
import { anyIsbLeaseRecord, everyIsbFieldCombination, ISB_STATUS_GROUPS, ISB_STATUSES } from '../support/isb-lease-records.js';

/** A field every status group requires, with its status group, to take away. */
const requiredField = anyIsbLeaseRecord.chain((record) => {
  const group = Object.values(ISB_STATUS_GROUPS).find((item) => item.statuses.includes(String(record.status)))!;
  return fc.constantFrom(...Object.keys(group.required), 'status').map((field) => ({ record, field }));
});

describe("ISB's lease model", () => {
  it('has the statuses and status groups ISB defines', () => {
    expect([...LEASE_STATUSES].sort()).toEqual([...ISB_STATUSES].sort());
    for (const [name, group] of Object.entries(ISB_STATUS_GROUPS)) {
      expect(LEASE_STATUS_GROUPS[name as keyof typeof LEASE_STATUS_GROUPS].statuses).toEqual(group.statuses);
    }
  });

  it('finds no drift in any combination of optional and really-stored fields, for every status', () => {
    let records = 0;
    const drifted: unknown[] = [];
    for (const record of everyIsbFieldCombination()) {
      records += 1;
      const drift = leaseDrift(record);
      if (drift.length > 0) drifted.push({ status: record.status, fields: Object.keys(record).sort(), drift });
    }

    expect(drifted.slice(0, 3)).toEqual([]);
    expect(records).toBeGreaterThan(20_000);
  });

  it('finds no drift in records ISB could write, whatever their values', () => {
    fc.assert(
      fc.property(anyIsbLeaseRecord, (record) => {
        expect(leaseDrift(record)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  describe('finds each kind of drift', () => {
    it('unknown-field: a top-level field no ISB status has', () => {
      const unknownName = fc.string({ minLength: 1, maxLength: 20 }).filter((name) => !Object.hasOwn(LEASE_FIELDS, name));
      fc.assert(
        fc.property(anyIsbLeaseRecord, unknownName, fc.jsonValue(), (record, name, value) => {
          expect(leaseDrift({ ...record, [name]: value })).toContainEqual({ kind: 'unknown-field', fields: [name] });
        }),
      );
    });

    it('missing-field: a field the status requires, absent', () => {
      fc.assert(
        fc.property(requiredField, ({ record, field }) => {
          const { [field]: _removed, ...rest } = record;
          expect(leaseDrift(rest)).toContainEqual({ kind: 'missing-field', fields: [field] });
        }),
      );
    });

    it('unknown-status: a status ISB does not define', () => {
      const status = fc.oneof(
        fc.string().filter((text) => !ISB_STATUSES.includes(text)),
        fc.constantFrom('Active ', 'active', 'Suspended', 'Quarantine'),
        fc.integer(),
      );
      fc.assert(
        fc.property(anyIsbLeaseRecord, status, (record, value) => {
          expect(leaseDrift({ ...record, status: value })).toContainEqual({ kind: 'unknown-status', fields: ['status'] });
        }),
      );
    });

    it('schema-version: a meta.schemaVersion outside 1 to 3, such as 4', () => {
      const version = fc.oneof(fc.constant(4), fc.constant(0), fc.integer({ min: 4 }), fc.double({ min: 1.1, max: 2.9 }), fc.constant('3'));
      fc.assert(
        fc.property(anyIsbLeaseRecord, version, (record, schemaVersion) => {
          expect(leaseDrift({ ...record, meta: { schemaVersion } })).toEqual([{ kind: 'schema-version', fields: ['meta.schemaVersion'] }]);
        }),
      );
    });

    it('wrong-type: a known field holding another kind of value', () => {
      const wrongValue = (kind: string) =>
        kind === 'string' ? fc.oneof(fc.integer(), fc.boolean()) : kind === 'number' ? fc.string() : fc.oneof(fc.string(), fc.integer());
      const field = fc.constantFrom(...Object.keys(LEASE_FIELDS).filter((name) => name !== 'status'));
      fc.assert(
        fc.property(
          anyIsbLeaseRecord,
          field.chain((name) => wrongValue(LEASE_FIELDS[name as keyof typeof LEASE_FIELDS].kind).map((value) => ({ name, value }))),
          (record, { name, value }) => {
            expect(leaseDrift({ ...record, [name]: value })).toContainEqual({ kind: 'wrong-type', fields: [name] });
          },
        ),
      );
    });
  });
});
