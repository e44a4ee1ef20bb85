import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SESv2ServiceException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { destinationRecord } from '../../../../local/sender-path.js';
import type { KeepReason, SenderSettings } from '../../../../src/handlers/sender/deliver.js';
import { createSenderHandler } from '../../../../src/handlers/sender/handler.js';
import { IDEMPOTENCY_EXPIRY_SECONDS } from '../../../../src/handlers/sender/once.js';
import { SenderMetric } from '../../../../src/metric-names.js';
import { lambdaContext, leaseEvent, testLogger, testMetrics } from '../../../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../../../support/output.js';

const ddb = mockClient(DynamoDBClient);
const ses = mockClient(SESv2Client);
const HOLDER = 'grace.hopper@example.gov.uk';
const SETTINGS: SenderSettings = {
  send: true,
  from: 'leases@example.gov.uk',
  operators: ['ops@example.gov.uk'],
  messages: { timeZone: 'UTC' },
};

const record = (detailType: string, detail: Record<string, unknown>, notification: Record<string, unknown> = {}): SQSRecord => {
  const event = { ...leaseEvent(detail, detailType), id: randomUUID() };
  return destinationRecord(event, { eventId: event.id, detailType, enriched: false, enrichment: { status: 'not-found' }, ...notification });
};
const frozen = (notification?: Record<string, unknown>) =>
  record(
    'LeaseFrozen',
    {
      leaseId: { userEmail: HOLDER, uuid: 'u-1' },
      accountId: '111122223333',
      reason: { type: 'Expired', triggeredDurationThreshold: 2, leaseDurationInHours: 48 },
    },
    notification,
  );

describe('the sender handler, with its clients mocked', () => {
  let output: CapturedOutput;
  let kept: { reason: KeepReason; audience: string }[];

  const handler = (settings: SenderSettings = SETTINGS) =>
    createSenderHandler({
      logger: testLogger(),
      metrics: testMetrics(),
      settings,
      idempotencyTableName: 'Idempotency',
      dynamodb: new DynamoDBClient({}),
      ses: new SESv2Client({ maxAttempts: 1 }),
      keep: async (_record, why) => {
        kept.push(why);
      },
    });
  const invoke = (settings: SenderSettings | undefined, ...records: SQSRecord[]) =>
    handler(settings)({ Records: records }, lambdaContext(5_000));

  beforeEach(() => {
    ddb.reset();
    ses.reset();
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    kept = [];
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it('costs a conditional PutItem and an UpdateItem per message sent, keyed per event and group, kept 7 days', async () => {
    const before = Math.floor(Date.now() / 1000);
    expect(await invoke(undefined, frozen())).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    const puts = ddb.commandCalls(PutItemCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(2);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(2);
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
    expect(new Set(puts.map((put) => put.Item?.id?.S)).size).toBe(2);
    for (const put of puts) {
      expect(put.TableName).toBe('Idempotency');
      expect(put.ConditionExpression).toContain('attribute_not_exists(#id)');
      expect(put.Item?.id?.S).toMatch(/^lease-notification#[A-Za-z0-9+/]{22}==$/);
      expect(Number(put.Item?.expiration?.N)).toBeGreaterThanOrEqual(before + IDEMPOTENCY_EXPIRY_SECONDS);
      // In progress only as long as the invocation has left (5 s here), so a crash is retried.
      expect(Number(put.Item?.in_progress_expiration?.N)).toBeLessThanOrEqual(Date.now() + 5_000);
    }
    expect(output.metric(SenderMetric.Sent)).toEqual([1, 1]);
  });

  it('costs one PutItem, and no send, for a duplicate', async () => {
    ddb.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: {
          id: { S: 'k' },
          status: { S: 'COMPLETED' },
          expiration: { N: String(Math.floor(Date.now() / 1000) + 600) },
          data: { S: '{"messageId":"m-0"}' },
        },
      }),
    );
    expect(await invoke(undefined, frozen())).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
    expect(output.metric(SenderMetric.Duplicate)).toEqual([1, 1]);
    expect(output.fields('INFO').filter((line) => line.message === 'Notification already sent: not sent again')).toHaveLength(2);
  });

  it('frees the key of a send that failed, so that the retry sends it', async () => {
    ddb.on(DeleteItemCommand).resolves({});
    ses
      .on(SendEmailCommand)
      .rejects(new SESv2ServiceException({ name: 'TooManyRequestsException', $fault: 'client', $metadata: {}, message: 'slow down' }));
    const queued = frozen();
    expect(await invoke(undefined, queued)).toEqual({ batchItemFailures: [{ itemIdentifier: queued.messageId }] });
    expect(ddb.commandCalls(DeleteItemCommand)).toHaveLength(2);
    expect(output.metric(SenderMetric.SendFailed)).toEqual([1, 1]);
  });

  it('keeps a message nobody can get: no usable holder, no operators configured', async () => {
    const nobody = frozen({ recipient: null });
    expect(await invoke({ ...SETTINGS, operators: [] }, nobody)).toEqual({ batchItemFailures: [] });
    expect(kept).toEqual([
      { reason: 'no-recipient', template: 'LeaseFrozen.Expired', audience: 'holder' },
      { reason: 'no-recipient', template: 'LeaseFrozen.Expired', audience: 'operators' },
    ]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(output.metric(SenderMetric.NoRecipient)).toEqual([1, 1]);
    expect(output.fields('ERROR').map((line) => line.reason)).toEqual(['no-recipient', 'no-recipient']);
  });

  it('fails a record it cannot keep, so that the queue delivers it again', async () => {
    const failingKeep = createSenderHandler({
      logger: testLogger(),
      metrics: testMetrics(),
      settings: SETTINGS,
      idempotencyTableName: 'Idempotency',
      dynamodb: new DynamoDBClient({}),
      ses: new SESv2Client({}),
      keep: async () => {
        throw new Error('queue unavailable');
      },
    });
    const nobody = record('LeaseApproved', { leaseId: 'u-1', userEmail: 'not an address', approvedBy: 'AUTO_APPROVED' });
    expect(await failingKeep({ Records: [nobody] }, lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: nobody.messageId }],
    });
  });

  it('sends nothing for an event ISB tells nobody about, and says so', async () => {
    const expired = record('LeaseExpired', {
      leaseId: { userEmail: HOLDER, uuid: 'u-1' },
      accountId: '111122223333',
      leaseExpirationDate: '2026-11-25T10:00:00Z',
    });
    expect(await invoke(undefined, expired)).toEqual({ batchItemFailures: [] });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(output.fields('INFO').map((line) => line.message)).toContain('No message for this event: ISB tells nobody about it');
  });

  it('never writes an address in its logs', async () => {
    await invoke(undefined, frozen(), frozen({ recipient: null }));
    expect(output.text()).not.toContain('@');
  });
});
