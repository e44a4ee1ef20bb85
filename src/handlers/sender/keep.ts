/**
 * Where a notification nobody could be sent is kept: an SQS queue an operator watches (the
 * notification queue's dead-letter queue in the deployment, where the existing alarm and redrive
 * runbook apply). The body is the original destination record, so a redrive after the fix sends it;
 * the attributes say why it is there.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KeepRecord } from './deliver.js';

/**
 * Keeps records in the queue at `queueUrl`; without one, reports the record failed instead, so that
 * the queue's own redrive policy moves it to the dead-letter queue.
 *
 * @example
 * const keep = keepInQueue(new SQSClient({}), process.env.REJECTED_NOTIFICATIONS_QUEUE_URL);
 */
export const keepInQueue =
  (client: SQSClient, queueUrl: string | undefined): KeepRecord =>
  async (record, why) => {
    if (queueUrl === undefined) {
      throw new Error(`Notification to keep (${why.reason}), and no queue to keep it in: the record goes back to its queue`);
    }
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: record.body,
        MessageAttributes: {
          reason: attribute(why.reason),
          template: attribute(why.template || 'none'),
          audience: attribute(why.audience || 'none'),
          sourceMessageId: attribute(record.messageId),
        },
      }),
    );
  };
