/**
 * The Innovation Sandbox (ISB) events this product handles, as ISB v1.2.14 publishes them
 * (`source/common/events/index.ts`). The deployment's EventBridge rule and the local runner import
 * these, so the lists live in one place.
 */

/** ISB sets `source` to `InnovationSandbox-<namespace>`. */
export const LEASE_EVENT_SOURCE_PREFIX = 'InnovationSandbox-';

/**
 * The 12 lease lifecycle detail-types. Each names its lease in `detail.leaseId`: an object
 * `{ userEmail, uuid }`, except LeaseApproved and LeaseDenied, where `leaseId` is the uuid and
 * `userEmail` sits beside it.
 */
export const LEASE_EVENT_DETAIL_TYPES = [
  'LeaseRequested',
  'LeaseApproved',
  'LeaseDenied',
  'LeaseBudgetThresholdAlert',
  'LeaseDurationThresholdAlert',
  'LeaseFreezingThresholdAlert',
  'LeaseBudgetExceeded',
  'LeaseExpired',
  'LeaseTerminated',
  'LeaseFrozen',
  'LeaseUnfrozen',
  'LeaseProvisioningFailed',
] as const;

export type LeaseEventDetailType = (typeof LEASE_EVENT_DETAIL_TYPES)[number];

/**
 * Blueprint deployment detail-types, which carry a lease key too (BlueprintDeploymentRequest as a
 * uuid `leaseId` beside `userEmail`, the others as a `leaseId` object). The lease key middleware
 * reads them; the deployment's rule does not subscribe to them.
 */
export const BLUEPRINT_EVENT_DETAIL_TYPES = [
  'BlueprintDeploymentRequest',
  'BlueprintDeploymentSucceeded',
  'BlueprintDeploymentFailed',
] as const;

export type BlueprintEventDetailType = (typeof BLUEPRINT_EVENT_DETAIL_TYPES)[number];
