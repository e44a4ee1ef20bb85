/**
 * Frozen and unfrozen leases. ISB tells the holder about every freeze, and its admins and managers
 * about the automatic ones (budget, duration), which ask them to act (`EmailTemplates.LeaseFrozen`).
 */
import { amount, nested, text } from './format.js';
import type { Audience, Facts, Formats, MessageParts, Template } from './types.js';

const APP = 'Innovation Sandbox';

const HOLDER_ACTION = `You cannot use the account while it is frozen. Contact your ${APP} administrator or manager if you need it again.`;

const OPERATOR_ACTION =
  'Its resources are still billed while it is frozen. Review the account with the lease holder, then either ' +
  `unfreeze it, start its clean-up, or eject it from ${APP} to keep using it elsewhere.`;

const account = (facts: Facts): string => {
  const id = text(facts, 'accountId');
  return id === undefined ? 'sandbox account' : `sandbox account ${id}`;
};

const frozen = (facts: Facts, audience: Audience, why: string, subjectWhy: string): MessageParts => {
  const holder = audience === 'holder';
  return {
    subject: holder ? `${APP}: your sandbox account is frozen (${subjectWhy})` : `Action needed: ${account(facts)} frozen (${subjectWhy})`,
    summary: `${holder ? `Your ${account(facts)}` : `The ${account(facts)}`} has been frozen ${why}.`,
    action: holder ? HOLDER_ACTION : OPERATOR_ACTION,
  };
};

/** Spend reached the freeze threshold. */
export const leaseFrozenBudget: Template = {
  id: 'LeaseFrozen.BudgetExceeded',
  audiences: ['holder', 'operators'],
  parts: (facts, audience, _input, format: Formats) => {
    const threshold = amount(nested(facts, 'reason'), 'triggeredBudgetThreshold');
    const why =
      threshold === undefined ? 'because its spend reached the freeze threshold' : `because its spend reached ${format.usd(threshold)}`;
    return frozen(facts, audience, why, 'budget');
  },
};

/** The lease reached its freeze point before its end; `triggeredDurationThreshold` is hours remaining. */
export const leaseFrozenDuration: Template = {
  id: 'LeaseFrozen.Expired',
  audiences: ['holder', 'operators'],
  parts: (facts, audience, _input, format) => {
    const left = amount(nested(facts, 'reason'), 'triggeredDurationThreshold');
    const why = left === undefined ? 'as its lease nears its end' : `with ${format.hours(left)} of its lease left`;
    return frozen(facts, audience, why, 'duration');
  },
};

/** An administrator or manager froze it; ISB tells the holder only. */
export const leaseFrozenManually: Template = {
  id: 'LeaseFrozen.ManuallyFrozen',
  audiences: ['holder'],
  parts: (facts, audience) => {
    const comment = text(nested(facts, 'reason'), 'comment');
    return {
      ...frozen(facts, audience, `by an ${APP} administrator or manager`, 'by an administrator'),
      details: comment ? [`Reason given: ${comment}`] : [],
    };
  },
};

/** The lease is usable again, with its new limits (`EmailTemplates.LeaseUnfrozen`). */
export const leaseUnfrozen: Template = {
  id: 'LeaseUnfrozen',
  audiences: ['holder'],
  parts: (facts, _audience, _input, format) => {
    const budget = amount(facts, 'maxBudget');
    const duration = amount(facts, 'leaseDurationInHours');
    const reason = text(facts, 'reason');
    const limits = [
      budget === undefined ? undefined : `a budget of ${format.usd(budget)}`,
      duration === undefined ? undefined : `a duration of ${format.hours(duration)}`,
    ]
      .filter(Boolean)
      .join(' and ');
    return {
      subject: `${APP}: your sandbox account is available again`,
      summary: `Your ${account(facts)} has been unfrozen${limits ? `, with ${limits}` : ''}.`,
      action: `Sign in to ${APP} to use your account, and stay within the lease's limits.`,
      details: reason ? [`Reason given: ${reason}`] : [],
    };
  },
};
