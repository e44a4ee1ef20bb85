/**
 * TypeScript types derived from the lease events description ({@link LEASE_EVENTS}): each event as
 * ISB publishes it, and the facts a notification carries for it.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { LeaseEventDetailType } from '../events.js';
import type { LeaseKey } from '../lease.js';
import type { LeaseFactFields, LeaseFactKind } from './kinds.js';
import type { LEASE_EVENTS } from './model.js';

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type Specs = typeof LEASE_EVENTS;

/** The TypeScript type of one kind; `Exact` picks ISB's required fields for reasons too. */
type KindType<K extends LeaseFactKind, Exact extends boolean> = K extends { readonly kind: 'number' }
  ? number
  : K extends { readonly kind: 'boolean' }
    ? boolean
    : K extends { readonly kind: 'enum'; readonly values: readonly (infer V)[] }
      ? V
      : K extends { readonly kind: 'reason'; readonly variants: infer R extends Readonly<Record<string, LeaseFactFields>> }
        ? { [T in keyof R]: Simplify<{ readonly type: T } & FieldsType<R[T], Exact>> }[keyof R]
        : string;

type OptionalNames<F extends LeaseFactFields> = { [N in keyof F]: F[N] extends { readonly optional: true } ? N : never }[keyof F];

/** ISB's fields as its schema has them (`Exact`), or as checked facts, where any may have been left out. */
type FieldsType<F extends LeaseFactFields, Exact extends boolean> = Exact extends true
  ? Simplify<
      { readonly [N in Exclude<keyof F, OptionalNames<F>>]: KindType<F[N]['type'], true> } & {
        readonly [N in OptionalNames<F>]?: KindType<F[N]['type'], true>;
      }
    >
  : { readonly [N in keyof F]?: KindType<F[N]['type'], false> };

type KeyType<K> = K extends { readonly leaseId: 'object'; readonly userEmail: true }
  ? { readonly leaseId: LeaseKey; readonly userEmail: string }
  : K extends { readonly leaseId: 'object' }
    ? { readonly leaseId: LeaseKey }
    : { readonly leaseId: string; readonly userEmail: string };

/**
 * The `detail` of a lease event of one detail-type, as ISB's schema defines it.
 *
 * @example
 * const detail: LeaseEventDetail<'LeaseApproved'> = { leaseId: 'u-1', userEmail: 'ada@example.gov.uk', approvedBy: 'AUTO_APPROVED' };
 */
export type LeaseEventDetail<D extends LeaseEventDetailType> = Simplify<KeyType<Specs[D]['key']> & FieldsType<Specs[D]['facts'], true>>;

/**
 * An ISB lease event as EventBridge delivers it: a union discriminated by `detail-type`, so that
 * narrowing on it types `detail`. Use it as a lease key extractor's and a handler's event type.
 *
 * @example
 * const threshold = (event: LeaseEvent) =>
 *   event['detail-type'] === 'LeaseBudgetThresholdAlert' ? event.detail.budgetThresholdTriggered : undefined;
 */
export type LeaseEvent = { [D in LeaseEventDetailType]: EventBridgeEvent<D, LeaseEventDetail<D>> }[LeaseEventDetailType];

/**
 * The facts a notification carries for one detail-type: the detail's own fields under ISB's names,
 * without the lease key, each checked against its kind. Any may be absent: a field of the wrong shape
 * is left out.
 *
 * @example
 * const facts: LeaseEventFacts<'LeaseBudgetThresholdAlert'> = { totalSpend: 41.5, actionRequested: 'ALERT' };
 */
export type LeaseEventFacts<D extends LeaseEventDetailType = LeaseEventDetailType> = {
  [T in D]: FieldsType<Specs[T]['facts'], false>;
}[D];

/** {@link LeaseEventFacts} of every detail-type, by detail-type. */
export type LeaseFactsByDetailType = { [D in LeaseEventDetailType]: LeaseEventFacts<D> };
