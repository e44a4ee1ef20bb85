/**
 * Reads one SQS record of the notification queue: a Lambda destination record whose
 * `responsePayload` is the notification and `requestPayload` the ISB event. It is JSON off a queue,
 * so every field is read by kind and a field of the wrong kind is left out, never trusted. What
 * the notification lacks (an older notification handler) is taken from the event.
 */
import { leaseSummary } from '../../lease.js';
import { isRecord, nested, text } from '../../messages/format.js';
import type { Consistency, Facts, MessageInput } from '../../messages/index.js';

/** What the sender needs from one record. */
export interface QueuedNotification {
  /** The ISB event's id: what once-only delivery is keyed on. */
  readonly eventId: string;
  readonly input: MessageInput;
  /** The lease holder's address as the event names it; null when there is none usable. */
  readonly recipient: string | null;
}

/** Why a record cannot be read; the record is then reported failed and ends in the dead-letter queue. */
export type UnreadableReason = 'not-json' | 'no-notification' | 'no-event-id' | 'no-detail-type';

const CONSISTENCIES: readonly Consistency[] = ['consistent', 'event-newer', 'superseded', 'conflict'];

// One address, nothing around it: a value with spaces, commas or angle brackets is not used.
const ADDRESS = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;

/** A single plausible address, or null. */
export const usableAddress = (value: unknown): string | null => (typeof value === 'string' && ADDRESS.test(value) ? value : null);

const parse = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/** The holder: the notification's `recipient` when it says (null included), else the event's lease key. */
const recipientOf = (notification: Facts, detail: Facts | undefined): string | null => {
  if (Object.hasOwn(notification, 'recipient')) return usableAddress(notification.recipient);
  const leaseId = nested(detail, 'leaseId');
  return usableAddress(text(leaseId, 'userEmail') ?? text(detail, 'userEmail'));
};

const leaseIdOf = (detail: Facts | undefined): string | undefined => text(nested(detail, 'leaseId'), 'uuid') ?? text(detail, 'leaseId');

/**
 * Reads a record body into a {@link QueuedNotification}, or names why it cannot.
 *
 * @example
 * const read = readQueuedNotification(record.body);
 * if ('problem' in read) throw new Error(read.problem);
 */
export const readQueuedNotification = (body: string): QueuedNotification | { problem: UnreadableReason } => {
  const record = parse(body);
  if (!isRecord(record)) return { problem: 'not-json' };
  const notification = nested(record, 'responsePayload');
  if (notification === undefined) return { problem: 'no-notification' };
  const event = nested(record, 'requestPayload');
  const detail = nested(event, 'detail');
  const eventId = text(notification, 'eventId') ?? text(event, 'id');
  if (eventId === undefined) return { problem: 'no-event-id' };
  const detailType = text(notification, 'detailType') ?? text(event, 'detail-type');
  if (detailType === undefined) return { problem: 'no-detail-type' };
  const consistency = CONSISTENCIES.find((value) => value === notification.consistency) ?? null;
  const lease = nested(notification, 'lease');
  const holder = recipientOf(notification, detail);
  const input: MessageInput = {
    detailType,
    facts: nested(notification, 'facts') ?? detail ?? {},
    consistency,
    ...(lease === undefined ? {} : { lease: leaseSummary(lease) }),
    ...(leaseIdOf(detail) === undefined ? {} : { leaseId: leaseIdOf(detail) }),
    ...(holder === null ? {} : { holder }),
  };
  return { eventId, input, recipient: holder };
};
