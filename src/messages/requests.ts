/** Messages about lease requests: asked for, approved, denied, and a blueprint that failed to deploy. */
import { text } from './format.js';
import type { Template } from './types.js';

const APP = 'Innovation Sandbox';

/** ISB asks its admins and managers to approve or deny (`EmailTemplates.LeaseRequested`). */
export const leaseRequested: Template = {
  id: 'LeaseRequested',
  audiences: ['operators'],
  parts: (facts, _audience, input) => {
    const comment = text(facts, 'comments');
    return {
      subject: `Action needed: ${APP} lease request to approve`,
      summary: `${input.holder ?? 'A sandbox user'} has requested a lease. It needs approval before an account is assigned.`,
      action: `Approve or deny the request in ${APP}.`,
      details: comment === undefined ? [] : [`Their comment: ${comment}`],
    };
  },
};

/** The holder's lease is active (`EmailTemplates.LeaseApproved`). */
export const leaseApproved: Template = {
  id: 'LeaseApproved',
  audiences: ['holder'],
  parts: (facts) => {
    const approvedBy = text(facts, 'approvedBy');
    const how = approvedBy === 'AUTO_APPROVED' ? 'approved automatically' : approvedBy ? `approved by ${approvedBy}` : 'approved';
    return {
      subject: `${APP}: your lease is approved`,
      summary: `Your lease request has been ${how}. Your sandbox account is ready.`,
      action: `Sign in to ${APP} to open your sandbox account. Stay within the lease's budget and duration.`,
    };
  },
};

/** The holder's request was turned down (`EmailTemplates.LeaseDenied`). */
export const leaseDenied: Template = {
  id: 'LeaseDenied',
  audiences: ['holder'],
  parts: (facts) => {
    const deniedBy = text(facts, 'deniedBy');
    return {
      subject: `${APP}: your lease request was denied`,
      summary: `Your lease request has been denied${deniedBy ? ` by ${deniedBy}` : ''}.`,
      action: `Contact your ${APP} administrator or manager to find out why. You can request another lease.`,
    };
  },
};

/** A blueprint failed to deploy; ISB reset the lease to pending approval (`EmailTemplates.LeaseProvisioningFailed`). */
export const leaseProvisioningFailed: Template = {
  id: 'LeaseProvisioningFailed',
  audiences: ['operators'],
  parts: (facts) => {
    const blueprint = text(facts, 'blueprintName');
    const account = text(facts, 'accountId');
    return {
      subject: `Action needed: ${APP} blueprint${blueprint ? ` "${blueprint}"` : ''} failed to deploy`,
      summary:
        `The blueprint${blueprint ? ` "${blueprint}"` : ''} failed to deploy${account ? ` into account ${account}` : ''}. ` +
        `${APP} has reset the lease to pending approval and will clean up the account and return it to the pool.`,
      action: `Check the blueprint's configuration, then approve the lease again in ${APP}.`,
    };
  },
};
