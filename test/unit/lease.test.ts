import { describe, expect, it } from '@jest/globals';
import { LEASE_FIELDS, leaseSummary } from '../../src/lease.js';
import { leaseRecords, recordWithStatus } from '../support/lambda.js';

describe('leaseSummary', () => {
  it('keeps the fields a notification needs, and no email or free text', () => {
    const summary = leaseSummary(recordWithStatus('PendingApproval'));

    expect(summary).toEqual({
      uuid: '3f1c2a9e-8b4d-4e2a-9c61-0d5e7f8a9b10',
      status: 'PendingApproval',
      originalLeaseTemplateName: 'Developer sandbox (7 days)',
      maxSpend: 50,
      leaseDurationInHours: 168,
      totalCostAccrued: 0,
    });
  });

  it('names the account, budget, spend and dates of a monitored lease, and its blueprint', () => {
    const lease = leaseRecords.find((item) => item.status === 'Provisioning')!;

    expect(leaseSummary(lease)).toEqual({
      uuid: '2d8f7b63-4c8e-4019-8b32-6f5e4d3c2b1a',
      status: 'Provisioning',
      originalLeaseTemplateName: 'Serverless starter (blueprint)',
      blueprintName: 'Serverless starter',
      awsAccountId: '555566667777',
      maxSpend: 100,
      leaseDurationInHours: 72,
      totalCostAccrued: 0,
      startDate: '2026-11-25T10:13:00.000Z',
    });
  });

  it('takes its fields from the model: every summary field, and no personal one', () => {
    const summaryFields = Object.entries(LEASE_FIELDS)
      .filter(([, spec]) => 'summary' in spec)
      .map(([name]) => name);
    const everything = Object.fromEntries(
      Object.entries(LEASE_FIELDS).map(([name, spec]) => [name, spec.kind === 'number' ? 1 : spec.kind === 'string' ? 'x' : []]),
    );

    expect(Object.keys(leaseSummary(everything)).sort()).toEqual(summaryFields.sort());
    expect(summaryFields.filter((name) => 'personal' in LEASE_FIELDS[name as keyof typeof LEASE_FIELDS])).toEqual([]);
  });

  it('drops fields of the wrong type, non-finite numbers and inherited fields', () => {
    const lease = Object.assign(Object.create({ status: 'Active' }) as Record<string, unknown>, {
      maxSpend: '50',
      totalCostAccrued: Number.NaN,
      leaseDurationInHours: Number.POSITIVE_INFINITY,
      awsAccountId: 111122223333,
      uuid: 'u-1',
    });

    expect(leaseSummary(lease)).toEqual({ uuid: 'u-1' });
  });
});
