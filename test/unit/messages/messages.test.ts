import { describe, expect, it } from '@jest/globals';
import type { LeaseSummary } from '../../../src/lease.js';
import { escapeHtml, type MessageInput, renderMessages, TEMPLATES, usd } from '../../../src/messages/index.js';

const SETTINGS = { timeZone: 'UTC', webAppUrl: 'https://sandbox.example.gov.uk' };
const HOLDER = 'grace.hopper@example.gov.uk';
const LEASE_ID = { userEmail: HOLDER, uuid: '7b2e4c1d-5f6a-4b8c-9d0e-1f2a3b4c5d6e' };

const input = (detailType: string, facts: Record<string, unknown>, more: Partial<MessageInput> = {}): MessageInput => ({
  detailType,
  facts,
  consistency: null,
  leaseId: LEASE_ID.uuid,
  holder: HOLDER,
  ...more,
});

const render = (detailType: string, facts: Record<string, unknown>, more: Partial<MessageInput> = {}) =>
  renderMessages(input(detailType, facts, more), SETTINGS);

/** Each detail-type and reason: who is told, the subject, and what the text must say. */
const CASES: [string, Record<string, unknown>, { audience: string; subject: string; says: string[] }[]][] = [
  [
    'LeaseRequested',
    { leaseId: LEASE_ID, userEmail: HOLDER, requiresManualApproval: true, comments: 'For the benefits calculator' },
    [
      {
        audience: 'operators',
        subject: 'Action needed: Innovation Sandbox lease request to approve',
        says: [HOLDER, 'Approve or deny', 'Their comment: For the benefits calculator'],
      },
    ],
  ],
  [
    'LeaseApproved',
    { leaseId: LEASE_ID.uuid, userEmail: HOLDER, approvedBy: 'AUTO_APPROVED' },
    [{ audience: 'holder', subject: 'Innovation Sandbox: your lease is approved', says: ['approved automatically'] }],
  ],
  [
    'LeaseDenied',
    { leaseId: LEASE_ID.uuid, userEmail: HOLDER, deniedBy: 'ada.lovelace@example.gov.uk' },
    [{ audience: 'holder', subject: 'Innovation Sandbox: your lease request was denied', says: ['denied by ada.lovelace@example.gov.uk'] }],
  ],
  [
    'LeaseProvisioningFailed',
    { leaseId: LEASE_ID, accountId: '111122223333', blueprintName: 'Serverless starter' },
    [
      {
        audience: 'operators',
        subject: 'Action needed: Innovation Sandbox blueprint "Serverless starter" failed to deploy',
        says: ['into account 111122223333', 'reset the lease to pending approval', 'approve the lease again'],
      },
    ],
  ],
  [
    'LeaseBudgetThresholdAlert',
    { leaseId: LEASE_ID, accountId: '111122223333', budget: 50, totalSpend: 41.5, budgetThresholdTriggered: 40, actionRequested: 'ALERT' },
    [
      {
        audience: 'holder',
        subject: 'Innovation Sandbox: your sandbox has reached USD 40.00 of spend',
        says: ['Spend: USD 41.50 of USD 50.00 budget', 'delete what you no longer need'],
      },
    ],
  ],
  [
    'LeaseBudgetThresholdAlert',
    { leaseId: LEASE_ID, accountId: '111122223333', totalSpend: 41.5, budgetThresholdTriggered: 40, actionRequested: 'FREEZE_ACCOUNT' },
    [
      {
        audience: 'holder',
        subject: 'Innovation Sandbox: your sandbox has reached USD 40.00 of spend',
        says: ['will freeze the account', 'USD 41.50 (no budget set)'],
      },
    ],
  ],
  [
    'LeaseDurationThresholdAlert',
    { leaseId: LEASE_ID, accountId: '111122223333', triggeredDurationThreshold: 24, leaseDurationInHours: 168, actionRequested: 'ALERT' },
    [{ audience: 'holder', subject: 'Innovation Sandbox: your lease ends in 24 hours', says: ['24 hours left of its 168 hours'] }],
  ],
  [
    'LeaseDurationThresholdAlert',
    {
      leaseId: LEASE_ID,
      accountId: '111122223333',
      triggeredDurationThreshold: 1,
      leaseDurationInHours: 8,
      actionRequested: 'FREEZE_ACCOUNT',
    },
    [{ audience: 'holder', subject: 'Innovation Sandbox: your lease ends in 1 hour', says: ['will freeze the account'] }],
  ],
  [
    'LeaseFrozen',
    {
      leaseId: LEASE_ID,
      accountId: '111122223333',
      reason: { type: 'BudgetExceeded', triggeredBudgetThreshold: 45, budget: 50, totalSpend: 45.25 },
    },
    [
      {
        audience: 'holder',
        subject: 'Innovation Sandbox: your sandbox account is frozen (budget)',
        says: ['spend reached USD 45.00', 'USD 45.25 of USD 50.00 budget', 'cannot use'],
      },
      { audience: 'operators', subject: 'Action needed: sandbox account 111122223333 frozen (budget)', says: ['still billed', 'eject it'] },
    ],
  ],
  [
    'LeaseFrozen',
    { leaseId: LEASE_ID, accountId: '111122223333', reason: { type: 'Expired', triggeredDurationThreshold: 2, leaseDurationInHours: 48 } },
    [
      {
        audience: 'holder',
        subject: 'Innovation Sandbox: your sandbox account is frozen (duration)',
        says: ['with 2 hours of its lease left'],
      },
      { audience: 'operators', subject: 'Action needed: sandbox account 111122223333 frozen (duration)', says: ['still billed'] },
    ],
  ],
  [
    'LeaseFrozen',
    { leaseId: LEASE_ID, accountId: '111122223333', reason: { type: 'ManuallyFrozen', comment: 'Security review' } },
    [
      {
        audience: 'holder',
        subject: 'Innovation Sandbox: your sandbox account is frozen (by an administrator)',
        says: ['Reason given: Security review'],
      },
    ],
  ],
  [
    'LeaseUnfrozen',
    { leaseId: LEASE_ID, accountId: '111122223333', maxBudget: 100, leaseDurationInHours: 72, reason: 'Budget raised' },
    [
      {
        audience: 'holder',
        subject: 'Innovation Sandbox: your sandbox account is available again',
        says: ['a budget of USD 100.00 and a duration of 72 hours', 'Reason given: Budget raised'],
      },
    ],
  ],
  [
    'LeaseTerminated',
    { leaseId: LEASE_ID, accountId: '111122223333', reason: { type: 'BudgetExceeded', budget: 50, totalSpend: 50.75 } },
    [
      {
        audience: 'holder',
        subject: 'Innovation Sandbox: your lease has ended (budget spent)',
        says: ['budget of USD 50.00', 'USD 50.75 of USD 50.00 budget', 'no longer use'],
      },
      {
        audience: 'operators',
        subject: 'Innovation Sandbox: lease on sandbox account 111122223333 ended (budget spent)',
        says: ['cleaning up'],
      },
    ],
  ],
  [
    'LeaseTerminated',
    { leaseId: LEASE_ID, accountId: '111122223333', reason: { type: 'Expired', leaseDurationInHours: 168 } },
    [
      { audience: 'holder', subject: 'Innovation Sandbox: your lease has ended (time up)', says: ['duration of 168 hours'] },
      {
        audience: 'operators',
        subject: 'Innovation Sandbox: lease on sandbox account 111122223333 ended (time up)',
        says: ['cleaning up'],
      },
    ],
  ],
  [
    'LeaseTerminated',
    { leaseId: LEASE_ID, accountId: '111122223333', reason: { type: 'ManuallyTerminated', comment: 'Terminated by admin' } },
    [
      {
        audience: 'holder',
        subject: 'Innovation Sandbox: your lease has ended (ended by an administrator)',
        says: ['Reason given: Terminated by admin'],
      },
    ],
  ],
  [
    'LeaseTerminated',
    { leaseId: LEASE_ID, accountId: '111122223333', reason: { type: 'AccountQuarantined', comment: 'Account quarantined by admin' } },
    [{ audience: 'holder', subject: 'Innovation Sandbox: your lease has ended (account quarantined)', says: ['quarantined'] }],
  ],
  [
    'LeaseTerminated',
    { leaseId: LEASE_ID, accountId: '111122223333', reason: { type: 'Ejected', comment: 'Account ejected by admin' } },
    [{ audience: 'holder', subject: 'Innovation Sandbox: your lease has ended (account ejected)', says: ['ejected the account'] }],
  ],
  [
    'LeaseTerminated',
    { leaseId: LEASE_ID, accountId: '111122223333', reason: { type: 'ProvisioningFailed', comment: 'Blueprint deployment failed' } },
    [
      { audience: 'holder', subject: 'Innovation Sandbox: your lease has ended (blueprint failed)', says: ['request a new lease'] },
      {
        audience: 'operators',
        subject: 'Action needed: blueprint failed to deploy into sandbox account 111122223333',
        says: ["blueprint's configuration"],
      },
    ],
  ],
];

describe('a message per detail-type and reason', () => {
  it.each(CASES)('%s %j', (detailType, facts, expected) => {
    const messages = render(detailType, facts);
    expect(messages.map(({ audience, subject }) => ({ audience, subject }))).toEqual(
      expected.map(({ audience, subject }) => ({ audience, subject })),
    );
    for (const [index, { says }] of expected.entries()) {
      const message = messages[index];
      for (const phrase of says) {
        expect(message?.text).toContain(phrase);
        // The HTML puts the context in a table: label and value in their own cells.
        expect(message?.html).toContain(escapeHtml(phrase.replace(/^Spend: /, '')));
      }
      expect(message?.text).toContain(`Lease ID: ${LEASE_ID.uuid}`);
      expect(message?.text).toContain('Sign in to Innovation Sandbox: https://sandbox.example.gov.uk');
      expect(message?.html).toContain('<a href="https://sandbox.example.gov.uk">');
    }
  });

  it.each(['LeaseFreezingThresholdAlert', 'LeaseBudgetExceeded', 'LeaseExpired'])(
    '%s tells nobody, as ISB does: the lifecycle manager’s LeaseFrozen or LeaseTerminated follows',
    (detailType) => {
      expect(render(detailType, { leaseId: LEASE_ID, accountId: '111122223333', budget: 50, totalSpend: 51 })).toEqual([]);
    },
  );

  it('tells nobody about an event that is not a lease event', () => {
    expect(render('BlueprintDeploymentSucceeded', { leaseId: LEASE_ID })).toEqual([]);
  });

  it('still tells the holder of a freeze or an end whose reason is missing or new', () => {
    expect(
      render('LeaseFrozen', { accountId: '111122223333', reason: { type: 'SomethingNew' } }).map((m) => [m.template, m.audience]),
    ).toEqual([['LeaseFrozen', 'holder']]);
    expect(render('LeaseTerminated', { accountId: '111122223333' }).map((m) => m.subject)).toEqual([
      'Innovation Sandbox: your lease has ended',
    ]);
  });

  it('has a template for every detail-type and reason ISB distinguishes', () => {
    expect([...TEMPLATES.keys()].sort()).toEqual([
      'LeaseApproved',
      'LeaseBudgetExceeded',
      'LeaseBudgetThresholdAlert',
      'LeaseDenied',
      'LeaseDurationThresholdAlert',
      'LeaseExpired',
      'LeaseFreezingThresholdAlert',
      'LeaseFrozen',
      'LeaseFrozen.BudgetExceeded',
      'LeaseFrozen.Expired',
      'LeaseFrozen.ManuallyFrozen',
      'LeaseProvisioningFailed',
      'LeaseRequested',
      'LeaseTerminated',
      'LeaseTerminated.AccountQuarantined',
      'LeaseTerminated.BudgetExceeded',
      'LeaseTerminated.Ejected',
      'LeaseTerminated.Expired',
      'LeaseTerminated.ManuallyTerminated',
      'LeaseTerminated.ProvisioningFailed',
      'LeaseUnfrozen',
    ]);
  });
});

describe('values from events and records', () => {
  it('escapes every value in HTML, and keeps the text as written', () => {
    const hostile = '<script>alert("x")</script> & \'co\'';
    const [message] = render(
      'LeaseFrozen',
      { accountId: hostile, reason: { type: 'ManuallyFrozen', comment: hostile } },
      {
        lease: { originalLeaseTemplateName: hostile },
      },
    );
    expect(message?.html).not.toContain('<script>');
    expect(message?.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
    expect(message?.text).toContain(`Reason given: ${hostile}`);
    expect(message?.text).toContain(`Lease template: ${hostile}`);
  });

  it('leaves out a field of the wrong kind instead of quoting it', () => {
    const [message] = render('LeaseBudgetThresholdAlert', {
      accountId: 42,
      totalSpend: '41.5',
      budget: null,
      budgetThresholdTriggered: Number.NaN,
    });
    expect(message?.subject).toBe('Innovation Sandbox: your sandbox has reached a spending alert');
    expect(message?.text).not.toMatch(/Account:|Spend:|Budget:|NaN|null|41\.5/);
  });

  it('writes dates in the zone it is given, with the zone', () => {
    const lease: LeaseSummary = { expirationDate: '2026-07-01T09:30:00.000Z' };
    const [london] = renderMessages(input('LeaseApproved', {}, { lease }), { timeZone: 'Europe/London' });
    const [utc] = renderMessages(input('LeaseApproved', {}, { lease }), { timeZone: 'UTC' });
    expect(london?.text).toContain('Lease ends: 1 July 2026 at 10:30 BST');
    expect(utc?.text).toContain('Lease ends: 1 July 2026 at 09:30 UTC');
    expect(london?.text).not.toContain('Sign in to Innovation Sandbox:');
  });

  it('writes US dollars with two decimals and thousands separated', () => {
    expect(usd(1234.5)).toBe('USD 1,234.50');
    expect(usd(0)).toBe('USD 0.00');
  });
});

describe('the lease context follows the notification’s consistency', () => {
  const lease: LeaseSummary = {
    status: 'Active',
    originalLeaseTemplateName: 'Developer sandbox (7 days)',
    awsAccountId: '999999999999',
    maxSpend: 50,
    totalCostAccrued: 38,
    expirationDate: '2026-11-28T10:00:00.000Z',
  };
  const alert = { accountId: '111122223333', budget: 50, totalSpend: 41.5, budgetThresholdTriggered: 40, actionRequested: 'ALERT' };

  it('consistent: the event’s figures, and the record’s template and expiry', () => {
    const [message] = render('LeaseBudgetThresholdAlert', alert, { lease, consistency: 'consistent' });
    expect(message?.text).toContain('Account: 111122223333');
    expect(message?.text).toContain('Lease template: Developer sandbox (7 days)');
    expect(message?.text).toContain('Spend: USD 41.50 of USD 50.00 budget');
    expect(message?.text).toContain('Lease ends: 28 November 2026 at 10:00 UTC');
  });

  it('event-newer: never the record’s older spend, even when the event has none', () => {
    const [message] = render('LeaseApproved', { approvedBy: 'AUTO_APPROVED' }, { lease, consistency: 'event-newer' });
    expect(message?.text).toContain('Budget: USD 50.00');
    expect(message?.text).not.toContain('USD 38.00');
  });

  it('superseded: says what the lease is now, with the record’s figures, and no stale call to act', () => {
    const facts = {
      accountId: '111122223333',
      reason: { type: 'BudgetExceeded', triggeredBudgetThreshold: 45, budget: 50, totalSpend: 45.25 },
    };
    const messages = render('LeaseFrozen', facts, { lease: { ...lease, totalCostAccrued: 46 }, consistency: 'superseded' });
    for (const message of messages) {
      expect(message.text).toContain('Since then, this lease has been unfrozen.');
      expect(message.text).toContain('Spend: USD 46.00 of USD 50.00 budget');
      expect(message.text).toContain('Sign in to Innovation Sandbox to see the lease as it is now.');
      expect(message.text).not.toContain('cannot use the account while it is frozen');
    }
  });

  it.each([
    ['Frozen', 'LeaseBudgetThresholdAlert', 'Since then, this lease has been frozen.'],
    ['BudgetExceeded', 'LeaseBudgetThresholdAlert', 'Since then, this lease has ended: it spent its budget.'],
    ['Active', 'LeaseRequested', 'Since then, this lease has been approved.'],
    ['ApprovalDenied', 'LeaseRequested', 'Since then, this lease request has been denied.'],
    ['PendingApproval', 'LeaseApproved', 'Since then, this lease has gone back to waiting for approval.'],
    ['Provisioning', 'LeaseRequested', 'Since then, this lease has been approved and its account is being set up.'],
  ])('superseded by %s after %s', (status, detailType, line) => {
    const [message] = render(detailType, alert, {
      lease: { ...lease, status: status as LeaseSummary['status'] },
      consistency: 'superseded',
    });
    expect(message?.text).toContain(line);
  });

  it('conflict: only what the event says, nothing from the record', () => {
    const [message] = render('LeaseApproved', { approvedBy: 'AUTO_APPROVED' }, { lease, consistency: 'conflict' });
    expect(message?.text).not.toMatch(/999999999999|Developer sandbox|USD|Lease ends/);
    expect(message?.text).toContain(`Lease ID: ${LEASE_ID.uuid}`);
  });

  it('no lease (skipped, not found, failed): still a message, with what the event says', () => {
    const [message] = render('LeaseBudgetThresholdAlert', alert);
    expect(message?.text).toContain('Spend: USD 41.50 of USD 50.00 budget');
    expect(message?.text).not.toMatch(/Lease template|Lease ends|Since then/);
  });

  it('an ended lease shows when it ended, not when it was due to', () => {
    const [message] = render(
      'LeaseTerminated',
      { reason: { type: 'Ejected', comment: 'x' } },
      { lease: { ...lease, status: 'Ejected', endDate: '2026-11-25T10:18:00.000Z' }, consistency: 'consistent' },
    );
    expect(message?.text).toContain('Ended: 25 November 2026 at 10:18 UTC');
    expect(message?.text).not.toContain('Lease ends');
  });
});
