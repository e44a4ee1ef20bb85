import { describe, expect, it } from '@jest/globals';
import { LEASE_EVENT_DETAIL_TYPES } from '../../../src/events.js';
import { isLeaseEventDetailType, LEASE_EVENTS, leaseEventFacts } from '../../../src/lease-events/index.js';
import { leaseEvents } from '../../support/lambda.js';

const KEY = { userEmail: 'grace.hopper@example.gov.uk', uuid: '7b2e4c1d-5f6a-4b8c-9d0e-1f2a3b4c5d6e' };

describe('leaseEventFacts', () => {
  it("keeps ISB's own fields of a budget alert, under ISB's names, without the lease key", () => {
    const result = leaseEventFacts('LeaseBudgetThresholdAlert', {
      leaseId: KEY,
      accountId: '111122223333',
      budget: 50,
      totalSpend: 41.5,
      budgetThresholdTriggered: 40,
      actionRequested: 'ALERT',
    });

    expect(result).toEqual({
      facts: { accountId: '111122223333', budget: 50, totalSpend: 41.5, budgetThresholdTriggered: 40, actionRequested: 'ALERT' },
      leftOut: [],
      missing: [],
    });
  });

  it('leaves out a field of the wrong shape and names it, with nested reason fields by path', () => {
    const result = leaseEventFacts('LeaseFrozen', {
      leaseId: KEY,
      accountId: '1111',
      reason: { type: 'BudgetExceeded', triggeredBudgetThreshold: 0, budget: 200, totalSpend: 'lots' },
    });

    expect(result).toEqual({
      facts: { reason: { type: 'BudgetExceeded', budget: 200 } },
      leftOut: ['accountId', 'reason.triggeredBudgetThreshold', 'reason.totalSpend'],
      missing: [],
    });
  });

  it('leaves out a reason whose type ISB does not define, and names missing required fields', () => {
    expect(leaseEventFacts('LeaseTerminated', { leaseId: KEY, reason: { type: 'toString', comment: 'x' } })).toEqual({
      facts: {},
      leftOut: ['reason'],
      missing: ['accountId'],
    });
    expect(leaseEventFacts('LeaseTerminated', { leaseId: KEY, accountId: '121212121212', reason: { type: 'Ejected' } })).toEqual({
      facts: { accountId: '121212121212', reason: { type: 'Ejected' } },
      leftOut: [],
      missing: ['reason.comment'],
    });
  });

  it('drops fields the schema does not have, and inherited ones', () => {
    const detail = JSON.parse('{"__proto__":{"approvedBy":"AUTO_APPROVED"},"leaseId":"u-1","userEmail":"a@example.gov.uk","extra":1}');

    expect(leaseEventFacts('LeaseApproved', detail)).toEqual({ facts: {}, leftOut: [], missing: ['approvedBy'] });
  });

  it('keeps the approver and denier ISB mails, and masks addresses in every text it keeps', () => {
    const frozen = leaseEventFacts('LeaseFrozen', {
      accountId: '444455556666',
      reason: { type: 'ManuallyFrozen', comment: 'Manually frozen by it.admin@example.gov.uk' },
    });

    expect(frozen.facts).toEqual({ accountId: '444455556666', reason: { type: 'ManuallyFrozen', comment: 'Manually frozen by [email]' } });
    expect(leaseEventFacts('LeaseDenied', { deniedBy: 'sam.manager@example.gov.uk' }).facts).toEqual({
      deniedBy: 'sam.manager@example.gov.uk',
    });
    expect(leaseEventFacts('LeaseApproved', { approvedBy: 'AUTO_APPROVED' }).facts).toEqual({ approvedBy: 'AUTO_APPROVED' });
    expect(leaseEventFacts('LeaseApproved', { approvedBy: 'not an address' }).leftOut).toEqual(['approvedBy']);
  });

  it('bounds text at ISB’s 1000 characters, so a hostile event cannot make the notification huge', () => {
    const huge = leaseEventFacts('LeaseRequested', { requiresManualApproval: true, comments: 'x'.repeat(1001) });
    const deep = leaseEventFacts('LeaseUnfrozen', {
      accountId: '222233334444',
      reason: JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`),
    });

    expect(huge).toEqual({ facts: { requiresManualApproval: true }, leftOut: ['comments'], missing: [] });
    expect(deep).toEqual({ facts: { accountId: '222233334444' }, leftOut: ['reason'], missing: [] });
    expect(JSON.stringify(deep.facts)).toBe('{"accountId":"222233334444"}');
  });

  it('checks numbers, dates and enums as ISB’s schemas do', () => {
    const result = leaseEventFacts('LeaseDurationThresholdAlert', {
      accountId: '111122223333',
      triggeredDurationThreshold: -1,
      leaseDurationInHours: Number.POSITIVE_INFINITY,
      actionRequested: 'DELETE',
    });
    const expired = leaseEventFacts('LeaseExpired', { accountId: '111122223333', leaseExpirationDate: '25/11/2026' });

    expect(result.leftOut).toEqual(['triggeredDurationThreshold', 'leaseDurationInHours', 'actionRequested']);
    expect(leaseEventFacts('LeaseRequested', { requiresManualApproval: 'yes' }).leftOut).toEqual(['requiresManualApproval']);
    expect(expired.leftOut).toEqual(['leaseExpirationDate']);
    expect(leaseEventFacts('LeaseExpired', { leaseExpirationDate: '2026-11-25T10:05:00.000Z' }).facts).toEqual({
      leaseExpirationDate: '2026-11-25T10:05:00.000Z',
    });
  });

  it('has no facts for a detail-type outside the 12, nor for a detail that is not an object', () => {
    expect(leaseEventFacts('BlueprintDeploymentSucceeded', { duration: 412 })).toEqual({ facts: {}, leftOut: [], missing: [] });
    expect(leaseEventFacts('LeaseExpired', null)).toEqual({ facts: {}, leftOut: [], missing: ['accountId', 'leaseExpirationDate'] });
    expect(isLeaseEventDetailType('constructor')).toBe(false);
  });

  it('reads every fixture event of the 12 detail-types without leaving anything out', () => {
    const isb = leaseEvents.filter(
      (event) => isLeaseEventDetailType(event['detail-type']) && (event.detail as { leaseId?: unknown } | null)?.leaseId !== undefined,
    );

    expect(new Set(isb.map((event) => event['detail-type']))).toEqual(new Set(LEASE_EVENT_DETAIL_TYPES));
    for (const event of isb) {
      const { leftOut, missing } = leaseEventFacts(event['detail-type'], event.detail);
      expect({ id: event.id, leftOut, missing }).toEqual({ id: event.id, leftOut: [], missing: [] });
    }
  });

  it('describes every detail-type with its key form, as ISB publishes it', () => {
    const stringKeys = LEASE_EVENT_DETAIL_TYPES.filter((type) => LEASE_EVENTS[type].key.leaseId === 'string');

    expect(stringKeys).toEqual(['LeaseApproved', 'LeaseDenied']);
  });
});
