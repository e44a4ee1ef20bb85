/**
 * The Innovation Sandbox lease events this product handles. The deployment's EventBridge rule and
 * the local runner import these, so the list lives in one place.
 */

/** Sources look like `InnovationSandbox-<namespace>`. */
export const LEASE_EVENT_SOURCE_PREFIX = 'InnovationSandbox-';

export const LEASE_EVENT_DETAIL_TYPES = [
  'LeaseRequested',
  'LeaseApproved',
  'LeaseDenied',
  'LeaseTerminated',
  'LeaseFrozen',
  'LeaseBudgetThresholdAlert',
  'LeaseDurationThresholdAlert',
  'LeaseFreezingThresholdAlert',
  'LeaseBudgetExceeded',
  'LeaseExpired',
] as const;

export type LeaseEventDetailType = (typeof LEASE_EVENT_DETAIL_TYPES)[number];
