/**
 * Ended leases, one template per ISB reason (`EmailTemplates.LeaseTerminated`). ISB tells the holder
 * every time, and its admins and managers when the lease ran out of budget or time or its blueprint
 * failed to deploy.
 */
import { amount, nested, text } from './format.js';
import type { Audience, Facts, MessageParts, Template } from './types.js';

const APP = 'Innovation Sandbox';

const NO_ACCESS = `You can no longer use the account. Contact your ${APP} administrator or manager if you need help, or request a new lease.`;
const CLEAN_UP = `${APP} is cleaning up the account and will return it to the pool. You will be told if the clean-up needs a hand.`;

const account = (facts: Facts): string => {
  const id = text(facts, 'accountId');
  return id === undefined ? 'the sandbox account' : `sandbox account ${id}`;
};

const ended = (facts: Facts, audience: Audience, why: string, subjectWhy: string): MessageParts =>
  audience === 'holder'
    ? {
        subject: `${APP}: your lease has ended (${subjectWhy})`,
        summary: `Your lease on ${account(facts)} has ended ${why}.`,
        action: NO_ACCESS,
      }
    : {
        subject: `${APP}: lease on ${account(facts)} ended (${subjectWhy})`,
        summary: `The lease on ${account(facts)} has ended ${why}.`,
        action: CLEAN_UP,
      };

const withComment = (parts: MessageParts, facts: Facts): MessageParts => {
  const comment = text(nested(facts, 'reason'), 'comment');
  return comment === undefined ? parts : { ...parts, details: [`Reason given: ${comment}`] };
};

export const leaseTerminatedBudget: Template = {
  id: 'LeaseTerminated.BudgetExceeded',
  audiences: ['holder', 'operators'],
  parts: (facts, audience, _input, format) => {
    const budget = amount(nested(facts, 'reason'), 'budget');
    return ended(
      facts,
      audience,
      `because it reached its budget${budget === undefined ? '' : ` of ${format.usd(budget)}`}`,
      'budget spent',
    );
  },
};

export const leaseTerminatedDuration: Template = {
  id: 'LeaseTerminated.Expired',
  audiences: ['holder', 'operators'],
  parts: (facts, audience, _input, format) => {
    const duration = amount(nested(facts, 'reason'), 'leaseDurationInHours');
    return ended(
      facts,
      audience,
      `because it reached its ${duration === undefined ? 'duration' : `duration of ${format.hours(duration)}`}`,
      'time up',
    );
  },
};

export const leaseTerminatedManually: Template = {
  id: 'LeaseTerminated.ManuallyTerminated',
  audiences: ['holder'],
  parts: (facts, audience) => withComment(ended(facts, audience, 'because an administrator ended it', 'ended by an administrator'), facts),
};

export const leaseTerminatedQuarantined: Template = {
  id: 'LeaseTerminated.AccountQuarantined',
  audiences: ['holder'],
  parts: (facts, audience) => withComment(ended(facts, audience, 'because the account was quarantined', 'account quarantined'), facts),
};

export const leaseTerminatedEjected: Template = {
  id: 'LeaseTerminated.Ejected',
  audiences: ['holder'],
  parts: (facts, audience) =>
    withComment(ended(facts, audience, `because an administrator ejected the account from ${APP}`, 'account ejected'), facts),
};

export const leaseTerminatedProvisioningFailed: Template = {
  id: 'LeaseTerminated.ProvisioningFailed',
  audiences: ['holder', 'operators'],
  parts: (facts, audience) => {
    const parts = withComment(ended(facts, audience, 'because its blueprint failed to deploy', 'blueprint failed'), facts);
    if (audience === 'holder')
      return { ...parts, action: `You can request a new lease in ${APP}, or ask your administrator or manager for help.` };
    return {
      ...parts,
      subject: `Action needed: blueprint failed to deploy into ${account(facts)}`,
      action: `Check the blueprint's configuration in ${APP}. The account will be cleaned up and returned to the pool.`,
    };
  },
};
