/**
 * The lease context under each message: account, template, spend of budget, expiry. It follows the
 * notification's consistency, so that nothing the event contradicts is stated as current:
 * - consistent: the event's figures first, the record's where the event has none;
 * - event-newer: the record is a scan behind, so spend comes from the event only;
 * - superseded: the lease has moved on since the event, so its figures are the record's, and a line
 *   says what it is now ("has since been unfrozen");
 * - conflict, or no lease: only what the event says.
 */
import type { LeaseSummary } from '../lease.js';
import { amount, nested, text, usd } from './format.js';
import type { Facts, MessageInput } from './types.js';

/** One labelled line of context, such as `['Account', '111122223333']`. */
export type ContextLine = readonly [label: string, value: string];

const ENDED = new Set(['Expired', 'BudgetExceeded', 'ManuallyTerminated', 'AccountQuarantined', 'Ejected', 'ProvisioningFailed']);

const ENDED_WORDS: Readonly<Record<string, string>> = {
  Expired: 'it reached the end of its duration',
  BudgetExceeded: 'it spent its budget',
  ManuallyTerminated: 'an administrator ended it',
  AccountQuarantined: 'its account was quarantined',
  Ejected: 'its account was ejected',
  ProvisioningFailed: 'its blueprint failed to deploy',
};

/** The lease a message may quote: none when the record contradicts the event. */
const usableLease = (input: MessageInput): LeaseSummary | undefined => (input.consistency === 'conflict' ? undefined : input.lease);

/**
 * What the lease is now, when it has moved on since the event; undefined otherwise.
 *
 * @example
 * sinceThen({ detailType: 'LeaseFrozen', consistency: 'superseded', lease: { status: 'Active' }, facts: {} });
 * // => 'Since then, this lease has been unfrozen.'
 */
export const sinceThen = (input: MessageInput): string | undefined => {
  const status = input.consistency === 'superseded' ? input.lease?.status : undefined;
  if (status === undefined) return undefined;
  if (ENDED.has(status)) return `Since then, this lease has ended: ${ENDED_WORDS[status]}.`;
  if (status === 'Frozen') return 'Since then, this lease has been frozen.';
  if (status === 'ApprovalDenied') return 'Since then, this lease request has been denied.';
  if (status === 'PendingApproval') return 'Since then, this lease has gone back to waiting for approval.';
  if (status === 'Provisioning') return 'Since then, this lease has been approved and its account is being set up.';
  const wasFrozen = ['LeaseFrozen', 'LeaseFreezingThresholdAlert'].includes(input.detailType);
  const wasPending = ['LeaseRequested', 'LeaseProvisioningFailed'].includes(input.detailType);
  if (wasFrozen) return 'Since then, this lease has been unfrozen.';
  if (wasPending) return 'Since then, this lease has been approved.';
  return undefined;
};

const firstNumber = (...candidates: (number | undefined)[]): number | undefined => candidates.find((value) => value !== undefined);

/** Spend and budget, from where the consistency allows. */
const spendLine = (input: MessageInput, lease: LeaseSummary | undefined): ContextLine | undefined => {
  const facts: Facts = input.facts;
  const reason = nested(facts, 'reason');
  const eventSpend = firstNumber(amount(facts, 'totalSpend'), amount(reason, 'totalSpend'));
  const eventBudget = firstNumber(amount(facts, 'budget'), amount(reason, 'budget'), amount(facts, 'maxBudget'));
  const recordSpend = input.consistency === 'event-newer' ? undefined : lease?.totalCostAccrued;
  const spend = input.consistency === 'superseded' ? firstNumber(recordSpend, eventSpend) : firstNumber(eventSpend, recordSpend);
  const budget = input.consistency === 'superseded' ? firstNumber(lease?.maxSpend, eventBudget) : firstNumber(eventBudget, lease?.maxSpend);
  if (spend === undefined && budget === undefined) return undefined;
  if (spend === undefined) return ['Budget', usd(budget as number)];
  return ['Spend', budget === undefined ? `${usd(spend)} (no budget set)` : `${usd(spend)} of ${usd(budget)} budget`];
};

/** The date line: when the lease ended, or when it is due to end. */
const dateLine = (lease: LeaseSummary | undefined, formatDate: (iso: string) => string | undefined): ContextLine | undefined => {
  const ended = lease?.endDate === undefined ? undefined : formatDate(lease.endDate);
  if (ended !== undefined) return ['Ended', ended];
  const expires = lease?.expirationDate === undefined ? undefined : formatDate(lease.expirationDate);
  return expires === undefined ? undefined : ['Lease ends', expires];
};

/**
 * The context lines of a message, in reading order; a value nobody can vouch for is left out.
 *
 * @example
 * contextLines({ detailType: 'LeaseBudgetThresholdAlert', facts: { accountId: '111122223333', totalSpend: 40, budget: 50 }, consistency: null }, format);
 * // => [['Account', '111122223333'], ['Spend', 'USD 40.00 of USD 50.00 budget']]
 */
export const contextLines = (input: MessageInput, formatDate: (iso: string) => string | undefined): ContextLine[] => {
  const lease = usableLease(input);
  const account = text(input.facts, 'accountId') ?? lease?.awsAccountId;
  const template = lease?.originalLeaseTemplateName;
  const blueprint = text(input.facts, 'blueprintName') ?? lease?.blueprintName;
  const lines: (ContextLine | undefined)[] = [
    account === undefined ? undefined : ['Account', account],
    template === undefined ? undefined : ['Lease template', template],
    blueprint === undefined ? undefined : ['Blueprint', blueprint],
    spendLine(input, lease),
    dateLine(lease, formatDate),
    input.leaseId === undefined ? undefined : ['Lease ID', input.leaseId],
  ];
  return lines.filter((line): line is ContextLine => line !== undefined);
};
