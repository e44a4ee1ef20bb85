/**
 * The reconciliation, replayed through the notification handler against a table that answers every
 * GetItem with one record: for every lease detail-type and every status, the consistency and the
 * GetItem requests are what ISB's order of writes and events implies. The oracle below is written out
 * from ISB's source, not computed with the code under test.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { LEASE_STATUSES, type LeaseStatus } from '../../src/lease.js';
import { EnrichmentMetric } from '../../src/metric-names.js';
import { lambdaContext, leaseEvent, recordWithStatus } from '../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../support/output.js';
import { propertyNotificationHandler } from '../support/property.js';

const ddb = mockClient(DynamoDBDocumentClient);

const KEY = { userEmail: 'grace.hopper@example.gov.uk', uuid: '7b2e4c1d-5f6a-4b8c-9d0e-1f2a3b4c5d6e' };
const ENDINGS = ['Expired', 'BudgetExceeded', 'ManuallyTerminated', 'AccountQuarantined', 'Ejected', 'ProvisioningFailed'] as const;
const ALL = LEASE_STATUSES;
/** Reached from Active or Frozen by ISB: freeze, unfreeze, and every termination but a failed blueprint. */
const AFTER_MONITORED: readonly LeaseStatus[] = [
  'Active',
  'Frozen',
  'Expired',
  'BudgetExceeded',
  'ManuallyTerminated',
  'AccountQuarantined',
  'Ejected',
];

interface Case {
  readonly detail: Record<string, unknown>;
  /** Statuses ISB can have written when it publishes (innovation-sandbox.ts, lease-monitoring-handler.ts). */
  readonly atPublish: readonly LeaseStatus[];
  /** Statuses ISB's own changes reach later. */
  readonly later: readonly LeaseStatus[];
  readonly monitoring: boolean;
}

const monitoring = (detail: Record<string, unknown>): Case => ({
  detail,
  atPublish: ['Active', 'Frozen'],
  later: AFTER_MONITORED,
  monitoring: true,
});
const frozenReason = { type: 'BudgetExceeded', triggeredBudgetThreshold: 45, budget: 50, totalSpend: 47.25 };

/** One valid event per detail-type (LeaseTerminated once per reason), with its oracle. */
const CASES: Record<string, Case> = {
  LeaseRequested: {
    detail: { userEmail: KEY.userEmail, requiresManualApproval: true },
    atPublish: ['PendingApproval'],
    later: ALL,
    monitoring: false,
  },
  LeaseApproved: {
    detail: { leaseId: KEY.uuid, userEmail: KEY.userEmail, approvedBy: 'AUTO_APPROVED' },
    atPublish: ['Active'],
    later: AFTER_MONITORED,
    monitoring: false,
  },
  LeaseDenied: {
    detail: { leaseId: KEY.uuid, userEmail: KEY.userEmail, deniedBy: 'sam.manager@example.gov.uk' },
    atPublish: ['ApprovalDenied'],
    later: [],
    monitoring: false,
  },
  LeaseBudgetThresholdAlert: monitoring({
    accountId: '111122223333',
    budget: 50,
    totalSpend: 47.25,
    budgetThresholdTriggered: 45,
    actionRequested: 'ALERT',
  }),
  LeaseDurationThresholdAlert: monitoring({
    accountId: '111122223333',
    triggeredDurationThreshold: 24,
    leaseDurationInHours: 168,
    actionRequested: 'ALERT',
  }),
  LeaseFreezingThresholdAlert: monitoring({ accountId: '111122223333', reason: frozenReason }),
  LeaseBudgetExceeded: monitoring({ accountId: '111122223333', budget: 50, totalSpend: 52.14 }),
  LeaseExpired: monitoring({ accountId: '111122223333', leaseExpirationDate: '2026-11-25T10:05:00.000Z' }),
  LeaseFrozen: {
    detail: { accountId: '111122223333', reason: frozenReason },
    atPublish: ['Frozen'],
    later: AFTER_MONITORED,
    monitoring: false,
  },
  LeaseUnfrozen: {
    detail: { accountId: '111122223333', reason: 'Manually unfrozen' },
    atPublish: ['Active'],
    later: AFTER_MONITORED,
    monitoring: false,
  },
  LeaseProvisioningFailed: {
    detail: { accountId: '111122223333', blueprintName: 'Serverless starter' },
    atPublish: ['PendingApproval'],
    later: ALL,
    monitoring: false,
  },
  ...Object.fromEntries(
    ENDINGS.map((type) => [
      `LeaseTerminated/${type}`,
      {
        detail: { accountId: '111122223333', reason: { type, comment: 'x', leaseDurationInHours: 24, totalSpend: 52.14 } },
        atPublish: [type],
        later: [],
        monitoring: false,
      },
    ]),
  ),
};

const expected = (status: LeaseStatus, { atPublish, later, monitoring: isMonitoring }: Case) => {
  if (atPublish.includes(status)) return isMonitoring ? 'event-newer' : 'consistent';
  return later.includes(status) ? 'superseded' : 'conflict';
};

describe('the reconciliation, for every lease detail-type and every status the record can have', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    ddb.reset();
    output = captureOutput();
  });
  afterEach(() => output.restore());

  const handler = propertyNotificationHandler();

  it('is consistent or event-newer with one GetItem at publish-time statuses; superseded later; a conflict otherwise, after a consistent read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(CASES)), fc.constantFrom(...ALL), async (name, status) => {
        const testCase = CASES[name] as Case;
        const detailType = name.split('/')[0] as string;
        const record = { ...recordWithStatus('Active'), ...KEY, status };
        ddb.reset();
        ddb.on(GetCommand).resolves({ Item: record });
        output.lines.length = 0;
        const detail =
          detailType === 'LeaseApproved' || detailType === 'LeaseDenied' ? testCase.detail : { leaseId: KEY, ...testCase.detail };

        const notification = await handler(leaseEvent(detail, detailType), lambdaContext());

        const consistency = expected(status, testCase);
        expect(notification.consistency).toBe(consistency);
        const reads = ddb.commandCalls(GetCommand).map((call) => call.args[0].input.ConsistentRead ?? false);
        expect(reads).toEqual(consistency === 'consistent' || consistency === 'event-newer' ? [false] : [false, true]);
        expect(output.metric(EnrichmentMetric.Reread)).toEqual(reads.length === 2 ? [1] : []);
        expect(output.metric(EnrichmentMetric.ConsistencyConflict)).toEqual(consistency === 'conflict' ? [1] : []);
        const conflictLines = output.logs('WARN').filter((line) => String(line.message).startsWith('Lease record contradicts the event'));
        expect(conflictLines).toHaveLength(consistency === 'conflict' ? 1 : 0);
        if (consistency === 'event-newer') expect(notification.leaseAsOf).toBe(record.lastCheckedDate);
      }),
      { numRuns: 400 },
    );
  });

  it('covers every detail-type and status, exhaustively', async () => {
    for (const name of Object.keys(CASES)) {
      for (const status of ALL) {
        const testCase = CASES[name] as Case;
        const detailType = name.split('/')[0] as string;
        ddb.reset();
        ddb.on(GetCommand).resolves({ Item: { ...recordWithStatus('Active'), ...KEY, status } });
        const detail =
          detailType === 'LeaseApproved' || detailType === 'LeaseDenied' ? testCase.detail : { leaseId: KEY, ...testCase.detail };

        const notification = await handler(leaseEvent(detail, detailType), lambdaContext());

        expect({ name, status, consistency: notification.consistency }).toEqual({ name, status, consistency: expected(status, testCase) });
      }
    }
  });
});
