import { describe, expect, it } from '@jest/globals';
import { leaseEventFacts, needsConsistentRead, reconcile } from '../../../src/lease-events/index.js';
import { leaseEvent, recordWithStatus } from '../../support/lambda.js';

const active = recordWithStatus('Active'); // totalCostAccrued 41.5, lastCheckedDate 2026-11-25T10:00:00.000Z
const key = { userEmail: active.userEmail, uuid: active.uuid };

const budgetAlert = {
  leaseId: key,
  accountId: '111122223333',
  budget: 50,
  totalSpend: 47.25,
  budgetThresholdTriggered: 45,
  actionRequested: 'ALERT',
} as const;

describe('reconcile', () => {
  it('takes a monitoring event as newer than the record: its spend, and the record’s check time as leaseAsOf', () => {
    const { facts } = leaseEventFacts('LeaseBudgetThresholdAlert', budgetAlert);

    const result = reconcile({ detailType: 'LeaseBudgetThresholdAlert', facts, lease: active, time: '2026-11-25T11:00:05Z' });

    expect(result).toMatchObject({ consistency: 'event-newer', leaseAsOf: '2026-11-25T10:00:00.000Z' });
    expect(result.lease).toMatchObject({ status: 'Active', totalCostAccrued: 47.25, maxSpend: 50 });
  });

  it('gives no leaseAsOf when the record has no check time of its own', () => {
    const { lastCheckedDate: _checked, ...unchecked } = active;
    const { facts } = leaseEventFacts('LeaseBudgetThresholdAlert', budgetAlert);

    const result = reconcile({ detailType: 'LeaseBudgetThresholdAlert', facts, lease: unchecked, time: '2026-11-25T11:00:05Z' });

    expect(result.consistency).toBe('event-newer');
    expect(result).not.toHaveProperty('leaseAsOf');
  });

  it('keeps the record’s spend when the record was checked after the event (a late delivery)', () => {
    const { facts } = leaseEventFacts('LeaseBudgetThresholdAlert', budgetAlert);

    const result = reconcile({ detailType: 'LeaseBudgetThresholdAlert', facts, lease: active, time: '2026-11-25T09:00:05Z' });

    expect(result.lease.totalCostAccrued).toBe(41.5);
  });

  it('calls a lease that ISB has terminated since a LeaseExpired superseded, and shows it as it is now', () => {
    const expired = recordWithStatus('Expired');
    const { facts } = leaseEventFacts('LeaseExpired', { accountId: expired.awsAccountId, leaseExpirationDate: '2026-11-25T10:05:00.000Z' });

    const result = reconcile({ detailType: 'LeaseExpired', facts, lease: expired, time: '2026-11-25T10:07:00Z' });

    expect(result).toEqual({
      consistency: 'superseded',
      statusesAtPublish: ['Active', 'Frozen'],
      lease: expect.objectContaining({ status: 'Expired' }),
    });
  });

  it('finds a LeaseTerminated whose record is in another ended status a conflict: ended leases never change', () => {
    const ejected = recordWithStatus('Ejected');
    const { facts } = leaseEventFacts('LeaseTerminated', {
      accountId: '121212121212',
      reason: { type: 'ManuallyTerminated', comment: 'x' },
    });

    expect(reconcile({ detailType: 'LeaseTerminated', facts, lease: ejected, time: null })).toMatchObject({
      consistency: 'conflict',
      statusesAtPublish: ['ManuallyTerminated'],
    });
  });

  it('finds a LeaseApproved with the record still PendingApproval a conflict', () => {
    const pending = recordWithStatus('PendingApproval');

    expect(reconcile({ detailType: 'LeaseApproved', facts: {}, lease: pending, time: null }).consistency).toBe('conflict');
  });

  it('never presents the record’s older spend as current for a frozen lease whose reason carries the scan’s', () => {
    const frozen = { ...recordWithStatus('Frozen'), totalCostAccrued: 150 };
    const { facts } = leaseEventFacts('LeaseFrozen', {
      accountId: frozen.awsAccountId,
      reason: { type: 'BudgetExceeded', triggeredBudgetThreshold: 190, budget: 200, totalSpend: 191.02 },
    });

    const result = reconcile({ detailType: 'LeaseFrozen', facts, lease: frozen, time: '2026-11-25T10:05:00Z' });

    expect(result).toMatchObject({ consistency: 'consistent', lease: { totalCostAccrued: 191.02 } });
  });
});

describe('needsConsistentRead', () => {
  it('is false when the status fits the event, true when it does not', () => {
    expect(needsConsistentRead(leaseEvent(budgetAlert, 'LeaseBudgetThresholdAlert'), active)).toBe(false);
    expect(
      needsConsistentRead(
        leaseEvent({ leaseId: key, accountId: '111122223333', reason: { type: 'ManuallyFrozen', comment: 'x' } }),
        active,
      ),
    ).toBe(true);
  });

  it('reads LeaseTerminated’s reason: the ended status it names', () => {
    const terminated = (type: string) =>
      leaseEvent({ leaseId: key, accountId: '121212121212', reason: { type, comment: 'x' } }, 'LeaseTerminated');
    const ejected = recordWithStatus('Ejected');

    expect(needsConsistentRead(terminated('Ejected'), ejected)).toBe(false);
    expect(needsConsistentRead(terminated('ManuallyTerminated'), ejected)).toBe(true);
    // Without a usable reason, any ended status is one ISB can have written.
    expect(needsConsistentRead(terminated('Unknown'), ejected)).toBe(false);
  });

  it('is false for events outside the 12 lease detail-types, whatever they hold', () => {
    expect(needsConsistentRead(leaseEvent({ leaseId: key }, 'BlueprintDeploymentSucceeded'), active)).toBe(false);
    expect(needsConsistentRead(null, active)).toBe(false);
  });
});
