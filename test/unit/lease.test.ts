import { describe, expect, it } from '@jest/globals';
import { leaseSummary } from '../../src/lease.js';
import { recordWithStatus } from '../support/lambda.js';

describe('leaseSummary', () => {
  it('keeps the fields a notification needs, and no email or free text', () => {
    const summary = leaseSummary(recordWithStatus('PendingApproval'));

    expect(summary).toEqual({
      uuid: '3f1c2a9e-8b4d-4e2a-9c61-0d5e7f8a9b10',
      status: 'PendingApproval',
      originalLeaseTemplateName: 'Developer sandbox (7 days)',
      maxSpend: 50,
      leaseDurationInHours: 168,
    });
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
