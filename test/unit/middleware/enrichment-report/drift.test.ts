import { describe, expect, it } from '@jest/globals';
import { leaseDrift } from '../../../../src/middleware/enrichment-report/drift.js';
import { recordWithStatus } from '../../../support/lambda.js';

describe('leaseDrift', () => {
  it('finds nothing in a lease as ISB stores it', () => {
    expect(leaseDrift(recordWithStatus('ApprovalDenied'))).toEqual([]);
  });

  it('takes null, booleans and arrays for what they are, not for the kind the model wants', () => {
    const lease = { ...recordWithStatus('Active'), awsAccountId: null, maxSpend: true, meta: [3], budgetThresholds: {} };

    expect(leaseDrift(lease)).toEqual([{ kind: 'wrong-type', fields: ['awsAccountId', 'budgetThresholds', 'maxSpend', 'meta'] }]);
    expect(leaseDrift({ ...recordWithStatus('Active'), meta: null })).toEqual([{ kind: 'wrong-type', fields: ['meta'] }]);
  });

  it('reports every kind at once, in a fixed order, fields sorted', () => {
    const { startDate: _start, uuid: _uuid, ...rest } = recordWithStatus('Frozen');
    const lease = { ...rest, zeta: 1, alpha: 2, status: 'Thawed', ttl: 'soon', meta: { schemaVersion: 4 } };

    expect(leaseDrift(lease)).toEqual([
      { kind: 'unknown-field', fields: ['alpha', 'zeta'] },
      { kind: 'missing-field', fields: ['uuid'] },
      { kind: 'wrong-type', fields: ['ttl'] },
      { kind: 'unknown-status', fields: ['status'] },
      { kind: 'schema-version', fields: ['meta.schemaVersion'] },
    ]);
  });

  it('names every missing field, sorted', () => {
    const { uuid: _uuid, awsAccountId: _account, ...lease } = recordWithStatus('Active');

    expect(leaseDrift(lease)).toEqual([{ kind: 'missing-field', fields: ['awsAccountId', 'uuid'] }]);
  });

  it('requires of a record with an unknown status only what every status requires', () => {
    const { awsAccountId: _account, ...lease } = { ...recordWithStatus('Active'), status: 'Paused' };

    expect(leaseDrift(lease)).toEqual([{ kind: 'unknown-status', fields: ['status'] }]);
  });

  it('calls a status that is no string unknown, and nothing else', () => {
    expect(leaseDrift({ ...recordWithStatus('Active'), status: 7 })).toEqual([{ kind: 'unknown-status', fields: ['status'] }]);
  });

  it("judges only the record's own fields, not what its prototype holds", () => {
    const { meta: _meta, ...withoutMeta } = recordWithStatus('Expired');
    const record = Object.assign(Object.create({ meta: { schemaVersion: 9 } }) as Record<string, unknown>, withoutMeta);

    expect(leaseDrift(record)).toEqual([]);
  });

  it('names a missing status as a missing field, not an unknown status', () => {
    const { status: _status, ...lease } = recordWithStatus('PendingApproval');

    expect(leaseDrift(lease)).toEqual([{ kind: 'missing-field', fields: ['status'] }]);
  });

  it('accepts schema versions 1 to 3, and a record without meta', () => {
    const { meta: _meta, ...withoutMeta } = recordWithStatus('Expired');

    for (const schemaVersion of [1, 2, 3]) {
      expect(leaseDrift({ ...withoutMeta, meta: { schemaVersion } })).toEqual([]);
    }
    expect(leaseDrift(withoutMeta)).toEqual([]);
    for (const schemaVersion of [undefined, 0, 4, 2.5, '3']) {
      expect(leaseDrift({ ...withoutMeta, meta: { schemaVersion } })).toEqual([{ kind: 'schema-version', fields: ['meta.schemaVersion'] }]);
    }
  });

  it('leaves missing fields out too for an accepted field set', () => {
    const { startDate: _start, ...lease } = { ...recordWithStatus('Active'), sandboxTier: 'gold' };

    expect(leaseDrift(lease, { fieldSetAccepted: true })).toEqual([]);
  });

  it('leaves field drift out for an accepted field set, and still reports values', () => {
    const lease = { ...recordWithStatus('Active'), sandboxTier: 'gold', status: 'Paused' };

    expect(leaseDrift(lease, { fieldSetAccepted: true })).toEqual([{ kind: 'unknown-status', fields: ['status'] }]);
  });
});
