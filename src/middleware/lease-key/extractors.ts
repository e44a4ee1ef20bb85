import type { LeaseKeyProblem } from '../types.js';

/**
 * The raw, unchecked lease key fields an extractor found in an event, and where each sat (for log
 * lines). A field that is absent is `undefined`.
 */
export interface LeaseKeyFields {
  readonly userEmail: unknown;
  readonly uuid: unknown;
  readonly paths: { readonly userEmail: string; readonly uuid: string };
}

/**
 * Finds the lease key fields in an event. Returns the fields, unchecked (the lease key middleware
 * checks them), or the problem that stopped the search, such as a missing `detail`. Must not throw.
 */
export type LeaseKeyExtractor<TEvent = unknown> = (event: TEvent) => LeaseKeyFields | LeaseKeyProblem;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads an own property only: `__proto__`, `constructor` and friends never count as fields. */
export const ownField = (value: unknown, field: string): unknown =>
  isRecord(value) && Object.hasOwn(value, field) ? value[field] : undefined;

/** The JavaScript type of a value as a log line should name it. */
export const typeName = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

const FLAT = { userEmail: 'detail.userEmail', uuid: 'detail.uuid' } as const;
const LEASE_ID_OBJECT = { userEmail: 'detail.leaseId.userEmail', uuid: 'detail.leaseId.uuid' } as const;
const LEASE_ID_STRING = { userEmail: 'detail.userEmail', uuid: 'detail.leaseId' } as const;

/**
 * Finds the lease key in an EventBridge lease event's `detail`, in each form the Innovation Sandbox
 * events use:
 * - `leaseId: { userEmail, uuid }` (every lease event but two, and the blueprint deployment results);
 * - `leaseId: "<uuid>"` beside `userEmail` (LeaseApproved, LeaseDenied, BlueprintDeploymentRequest);
 * - flat `userEmail` and `uuid` (not an ISB form; kept for producers of our own).
 * A `leaseId` object wins over flat fields; a `leaseId` of any other type is taken as the uuid
 * unless a flat `uuid` is present, so that its wrong type is reported rather than ignored.
 *
 * @example
 * fromEventBridgeDetail({ detail: { leaseId: { userEmail: 'ada@example.gov.uk', uuid: 'u-1' } } });
 * // => { userEmail: 'ada@example.gov.uk', uuid: 'u-1', paths: { ... } }
 */
export const fromEventBridgeDetail: LeaseKeyExtractor = (event) => {
  const detail = ownField(event, 'detail');
  if (detail === undefined) return { field: 'detail', problem: 'missing' };
  if (!isRecord(detail)) return { field: 'detail', problem: 'not-an-object', got: typeName(detail) };

  const leaseId = ownField(detail, 'leaseId');
  if (isRecord(leaseId)) {
    return { userEmail: ownField(leaseId, 'userEmail'), uuid: ownField(leaseId, 'uuid'), paths: LEASE_ID_OBJECT };
  }
  const userEmail = ownField(detail, 'userEmail');
  if (leaseId !== undefined && !Object.hasOwn(detail, 'uuid')) {
    return { userEmail, uuid: leaseId, paths: LEASE_ID_STRING };
  }
  return { userEmail, uuid: ownField(detail, 'uuid'), paths: FLAT };
};
