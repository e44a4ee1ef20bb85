/**
 * Messages from ISB's lease monitoring. ISB emails the holder about the alert thresholds only: a
 * freezing threshold, a spent budget and an expiry are followed by the lifecycle manager's
 * LeaseFrozen or LeaseTerminated, which carries the message, so those three send nothing here either.
 */
import { amount, text } from './format.js';
import type { Template } from './types.js';

const APP = 'Innovation Sandbox';

/** Spend crossed an alert threshold (`EmailTemplates.LeaseBudgetAlert`). */
export const leaseBudgetThresholdAlert: Template = {
  id: 'LeaseBudgetThresholdAlert',
  audiences: ['holder'],
  parts: (facts, _audience, _input, format) => {
    const threshold = amount(facts, 'budgetThresholdTriggered');
    const freezes = text(facts, 'actionRequested') === 'FREEZE_ACCOUNT';
    return {
      subject: `${APP}: your sandbox has reached ${threshold === undefined ? 'a spending alert' : `${format.usd(threshold)} of spend`}`,
      summary: `Your sandbox account has reached the ${threshold === undefined ? '' : `${format.usd(threshold)} `}spending alert set for this lease.`,
      action: freezes
        ? `${APP} will freeze the account at this threshold. Save your work now and delete resources you no longer need.`
        : 'Review the resources running in your account and delete what you no longer need, so that you stay within the budget. ' +
          'At the budget, the account is frozen or cleaned up.',
    };
  },
};

/** Few hours remain (`EmailTemplates.LeaseDurationThresholdAlert`); ISB's `triggeredDurationThreshold` is hours remaining. */
export const leaseDurationThresholdAlert: Template = {
  id: 'LeaseDurationThresholdAlert',
  audiences: ['holder'],
  parts: (facts, _audience, _input, format) => {
    const left = amount(facts, 'triggeredDurationThreshold');
    const duration = amount(facts, 'leaseDurationInHours');
    const freezes = text(facts, 'actionRequested') === 'FREEZE_ACCOUNT';
    return {
      subject: `${APP}: your lease ends ${left === undefined ? 'soon' : `in ${format.hours(left)}`}`,
      summary:
        `Your lease has ${left === undefined ? 'little time' : format.hours(left)} left` +
        `${duration === undefined ? '' : ` of its ${format.hours(duration)}`}.`,
      action: freezes
        ? `${APP} will freeze the account at this point. Save your work and finish what you need now.`
        : 'Finish your work and save what you need before the lease ends. You lose access to the account then.',
    };
  },
};

/** Followed by LeaseFrozen: ISB sends nothing for it. */
export const leaseFreezingThresholdAlert: Template = {
  id: 'LeaseFreezingThresholdAlert',
  audiences: [],
  parts: () => ({ subject: '', summary: '', action: '' }),
};

/** Followed by LeaseTerminated: ISB sends nothing for it. */
export const leaseBudgetExceeded: Template = { ...leaseFreezingThresholdAlert, id: 'LeaseBudgetExceeded' };

/** Followed by LeaseTerminated: ISB sends nothing for it. */
export const leaseExpired: Template = { ...leaseFreezingThresholdAlert, id: 'LeaseExpired' };
