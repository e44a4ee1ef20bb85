/**
 * The status changes ISB makes to a lease record, from `source/common/innovation-sandbox.ts`.
 */
import type { LeaseStatus } from '../lease.js';

// Stryker disable all: data, pinned by the docs page's test and the property tests.

const OPERATOR_ENDINGS = ['ManuallyTerminated', 'AccountQuarantined', 'Ejected'] as const;
const MONITORING_ENDINGS = ['Expired', 'BudgetExceeded', ...OPERATOR_ENDINGS] as const;

/**
 * The status changes ISB makes (`innovation-sandbox.ts`): approval, denial, blueprint provisioning
 * and its reset, freeze and unfreeze, and termination (any monitored lease by an operator, Active or
 * Frozen ones by lease monitoring). Ended and denied leases never change again.
 *
 * @example
 * LEASE_TRANSITIONS.Frozen; // ['Active', 'Expired', 'BudgetExceeded', 'ManuallyTerminated', 'AccountQuarantined', 'Ejected']
 */
export const LEASE_TRANSITIONS: Readonly<Record<LeaseStatus, readonly LeaseStatus[]>> = {
  PendingApproval: ['Active', 'Provisioning', 'ApprovalDenied'],
  ApprovalDenied: [],
  Provisioning: ['Active', 'PendingApproval', 'ProvisioningFailed', ...OPERATOR_ENDINGS],
  Active: ['Frozen', ...MONITORING_ENDINGS],
  Frozen: ['Active', ...MONITORING_ENDINGS],
  Expired: [],
  BudgetExceeded: [],
  ManuallyTerminated: [],
  AccountQuarantined: [],
  Ejected: [],
  ProvisioningFailed: [],
};
