/**
 * One queue record to its messages, each sent once. Once-only delivery is Powertools Idempotency
 * keyed on the ISB event's id and the recipient group: the holder's message and the operators'
 * message of one event are sent, retried and suppressed independently, so that when one of the two
 * sends fails, the retry sends only that one and nobody gets a message twice.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SQSRecord } from 'aws-lambda';
import { type Message, type MessageSettings, renderMessages } from '../../messages/index.js';
import { SenderMetric } from '../../metric-names.js';
import { PermanentRejection, type Recipients, type SendSettings, sendMessage } from './delivery.js';
import { type QueuedNotification, readQueuedNotification } from './record.js';

/** Why a record is kept for an operator instead of sent. */
export type KeepReason = 'no-recipient' | `rejected: ${string}`;

/** Puts a record where an operator finds it (the dead-letter queue in the deployment), with why. */
export type KeepRecord = (record: SQSRecord, why: { reason: KeepReason; template: string; audience: string }) => Promise<void>;

/** One message for one group, as the idempotent send sees it: `key` is what once-only is keyed on. */
export interface Delivery {
  readonly key: string;
  readonly recipients: Recipients;
  readonly message: Message;
}

/** What the idempotent send returns: SES's id, and `duplicate` when it was sent before and not now. */
export interface DeliveryResult {
  readonly messageId: string;
  readonly duplicate?: boolean;
}

/** The sender's settings, read once at start-up. */
export interface SenderSettings extends SendSettings {
  /** False: render and log, send nothing (the kill switch). */
  readonly send: boolean;
  readonly operators: readonly string[];
  readonly messages: MessageSettings;
}

/** What {@link createRecordHandler} is built from. */
export interface RecordHandlerDependencies {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly settings: SenderSettings;
  /** Sends once per key; `makeIdempotent` around {@link sendMessage}. */
  readonly deliverOnce: (delivery: Delivery) => Promise<DeliveryResult>;
  readonly keep: KeepRecord;
}

/** A record that cannot be read: reported failed, so that redrive puts it in the dead-letter queue. */
export class UnreadableRecord extends Error {
  override readonly name = 'UnreadableRecord';
}

/** A record with a send that may work later: reported failed, so that the queue delivers it again. */
export class RetryableSendFailure extends Error {
  override readonly name = 'RetryableSendFailure';
}

const recipientsFor = (message: Message, queued: QueuedNotification, settings: SenderSettings): Recipients => ({
  audience: message.audience,
  addresses: message.audience === 'holder' ? (queued.recipient === null ? [] : [queued.recipient]) : settings.operators,
});

/** The idempotent send: SES, once per key. Build it with `makeIdempotent` in the handler. */
export const sendDelivery =
  (client: SESv2Client, settings: SendSettings) =>
  async (delivery: Delivery): Promise<DeliveryResult> => ({
    messageId: await sendMessage(client, settings, delivery.recipients, delivery.message),
  });

const count = ({ metrics }: RecordHandlerDependencies, name: string): void => {
  metrics.addMetric(name, MetricUnit.Count, 1);
};

type Step = 'done' | 'retry';

/** Logs, counts and keeps a send that failed; `retry` when the record must go back to the queue. */
const onSendError = async (deps: RecordHandlerDependencies, record: SQSRecord, about: About, error: unknown): Promise<Step> => {
  if (error instanceof PermanentRejection) {
    count(deps, SenderMetric.Rejected);
    deps.logger.error('Notification kept: SES refused it', { ...about, reason: error.reason, error: error.cause as Error });
    await deps.keep(record, { reason: `rejected: ${error.reason}`, template: about.template, audience: about.audience });
    return 'done';
  }
  count(deps, SenderMetric.SendFailed);
  deps.logger.warn('Notification not sent yet: the record goes back to the queue', { ...about, error: error as Error });
  return 'retry';
};

interface About {
  readonly eventId: string;
  readonly detailType: string;
  readonly template: string;
  readonly audience: string;
}

/** Sends once per event and group; a repeat answers from the idempotency table instead of SES. */
const sendOnce = async (deps: RecordHandlerDependencies, record: SQSRecord, about: About, delivery: Delivery): Promise<Step> => {
  try {
    const result = await deps.deliverOnce(delivery);
    count(deps, result.duplicate ? SenderMetric.Duplicate : SenderMetric.Sent);
    const said = result.duplicate ? 'Notification already sent: not sent again' : 'Notification sent';
    deps.logger.info(said, { ...about, messageId: result.messageId });
    return 'done';
  } catch (error) {
    return onSendError(deps, record, about, error);
  }
};

/** One message to its group: suppressed by the kill switch, kept when nobody can get it, else sent once. */
const deliverMessage = async (
  deps: RecordHandlerDependencies,
  record: SQSRecord,
  queued: QueuedNotification,
  message: Message,
): Promise<Step> => {
  const recipients = recipientsFor(message, queued, deps.settings);
  const { detailType } = queued.input;
  const about: About = { eventId: queued.eventId, detailType, template: message.template, audience: message.audience };
  if (!deps.settings.send) {
    count(deps, SenderMetric.Suppressed);
    const metadata = { ...about, subject: message.subject, recipients: recipients.addresses.length };
    deps.logger.info('Notification not sent: NOTIFICATIONS_SEND is false', metadata);
    return 'done';
  }
  if (recipients.addresses.length === 0) {
    count(deps, SenderMetric.NoRecipient);
    deps.logger.error('Notification kept: nobody to send it to', { ...about, reason: 'no-recipient' });
    await deps.keep(record, { reason: 'no-recipient', template: message.template, audience: message.audience });
    return 'done';
  }
  return sendOnce(deps, record, about, { key: `${queued.eventId}#${message.audience}`, recipients, message });
};

/**
 * Builds the handler for one record: read it, render its messages, deliver each. It throws to
 * report the record failed: unreadable (to the dead-letter queue in time), or a send to retry.
 *
 * @example
 * const recordHandler = createRecordHandler({ logger, metrics, settings, deliverOnce, keep });
 * await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context });
 */
export const createRecordHandler = (deps: RecordHandlerDependencies) =>
  async function senderRecordHandler(record: SQSRecord): Promise<void> {
    const queued = readQueuedNotification(record.body);
    if ('problem' in queued) {
      count(deps, SenderMetric.Unreadable);
      deps.logger.error('Queue record holds no readable notification', { messageId: record.messageId, reason: queued.problem });
      throw new UnreadableRecord(queued.problem);
    }
    const messages = renderMessages(queued.input, deps.settings.messages);
    if (messages.length === 0) {
      deps.logger.info('No message for this event: ISB tells nobody about it', {
        eventId: queued.eventId,
        detailType: queued.input.detailType,
      });
    }
    // One group's failure must not stop the other's send; the retry then sends only what is missing.
    const steps: Step[] = [];
    for (const message of messages) steps.push(await deliverMessage(deps, record, queued, message));
    if (steps.includes('retry')) throw new RetryableSendFailure(`event ${queued.eventId}: a send failed for now`);
  };
