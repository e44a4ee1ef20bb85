/**
 * The message catalogue: which template answers which ISB detail-type (and reason), and so who is
 * told. Read this file to review every message the sender can send; the wording lives in the
 * files it imports.
 */
import { nested, text } from './format.js';
import { leaseFrozenBudget, leaseFrozenDuration, leaseFrozenManually, leaseUnfrozen } from './freezes.js';
import {
  leaseBudgetExceeded,
  leaseBudgetThresholdAlert,
  leaseDurationThresholdAlert,
  leaseExpired,
  leaseFreezingThresholdAlert,
} from './monitoring.js';
import { leaseApproved, leaseDenied, leaseProvisioningFailed, leaseRequested } from './requests.js';
import {
  leaseTerminatedBudget,
  leaseTerminatedDuration,
  leaseTerminatedEjected,
  leaseTerminatedManually,
  leaseTerminatedProvisioningFailed,
  leaseTerminatedQuarantined,
} from './terminations.js';
import type { Facts, Template } from './types.js';

/** A freeze whose reason is missing or new to us: the holder is still told, in general terms. */
const leaseFrozenOther: Template = {
  id: 'LeaseFrozen',
  audiences: ['holder'],
  parts: (facts, audience, input, format) => ({
    ...leaseFrozenManually.parts(facts, audience, input, format),
    subject: 'Innovation Sandbox: your sandbox account is frozen',
    summary: 'Your sandbox account has been frozen.',
    details: [],
  }),
};

/** An end whose reason is missing or new to us: the holder is still told, in general terms. */
const leaseTerminatedOther: Template = {
  id: 'LeaseTerminated',
  audiences: ['holder'],
  parts: (facts, audience, input, format) => ({
    ...leaseTerminatedManually.parts(facts, audience, input, format),
    subject: 'Innovation Sandbox: your lease has ended',
    summary: 'Your lease has ended.',
    details: [],
  }),
};

/** Every template, by id: a detail-type, or a detail-type and ISB's reason type. */
export const TEMPLATES: ReadonlyMap<string, Template> = new Map(
  [
    leaseRequested,
    leaseApproved,
    leaseDenied,
    leaseProvisioningFailed,
    leaseBudgetThresholdAlert,
    leaseDurationThresholdAlert,
    leaseFreezingThresholdAlert,
    leaseBudgetExceeded,
    leaseExpired,
    leaseFrozenBudget,
    leaseFrozenDuration,
    leaseFrozenManually,
    leaseFrozenOther,
    leaseUnfrozen,
    leaseTerminatedBudget,
    leaseTerminatedDuration,
    leaseTerminatedManually,
    leaseTerminatedQuarantined,
    leaseTerminatedEjected,
    leaseTerminatedProvisioningFailed,
    leaseTerminatedOther,
  ].map((template) => [template.id, template]),
);

/**
 * The template for an event: by its reason's type where ISB distinguishes reasons, else by its
 * detail-type; undefined for a detail-type nobody is told about.
 *
 * @example
 * templateFor('LeaseFrozen', { reason: { type: 'ManuallyFrozen', comment: 'Audit' } })?.id; // => 'LeaseFrozen.ManuallyFrozen'
 */
export const templateFor = (detailType: string, facts: Facts): Template | undefined => {
  const reason = text(nested(facts, 'reason'), 'type');
  return (reason === undefined ? undefined : TEMPLATES.get(`${detailType}.${reason}`)) ?? TEMPLATES.get(detailType);
};
