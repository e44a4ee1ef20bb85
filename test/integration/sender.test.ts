/**
 * The sender on the wire: the real SDK against the local SES v2 API (aws-ses-v2-local), through a
 * proxy that stages SES's own errors, with Powertools Idempotency on a real DynamoDB engine
 * (dynalite, or DynamoDB Local with LEASE_TEST_DYNAMODB=dynamodb-local).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { LOCAL_CLIENT_CONFIG, type LocalDynamoDB, startLocalDynamoDB } from '../../local/dynamodb.js';
import { createIdempotencyTable, destinationRecord } from '../../local/sender-path.js';
import { type LocalSes, startLocalSes } from '../../local/ses.js';
import type { KeepReason, SenderSettings } from '../../src/handlers/sender/deliver.js';
import { createSenderHandler } from '../../src/handlers/sender/handler.js';
import { SenderMetric } from '../../src/metric-names.js';
import { lambdaContext, leaseEvent, testLogger, testMetrics } from '../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../support/output.js';
import { type SesProxy, startSesProxy } from '../support/ses-proxy.js';
import { describeOnLocalEngine, EMAIL_IN_CLEAR, NO_PROXY_ON_AWS, START_TIMEOUT_MS, TARGET } from './harness.js';

// The SDK waits out its own backoff on throttling (about half a second a retry).
jest.setTimeout(20_000);

const HOLDER = 'grace.hopper@example.gov.uk';
const OPERATOR = 'sandbox-operators@example.gov.uk';

const SETTINGS: SenderSettings = {
  send: true,
  from: 'lease-notifications@example.gov.uk',
  operators: [OPERATOR],
  messages: { timeZone: 'UTC' },
};

/** An ISB event and the notification the notification handler makes of it (no lease found). */
const notified = (detailType: string, detail: Record<string, unknown>) => {
  const event = { ...leaseEvent(detail, detailType), id: randomUUID() };
  return {
    event,
    notification: { eventId: event.id, detailType, source: event.source, enriched: false, enrichment: { status: 'not-found' } },
  };
};

const approved = () => notified('LeaseApproved', { leaseId: randomUUID(), userEmail: HOLDER, approvedBy: 'AUTO_APPROVED' });
const frozenOnBudget = () =>
  notified('LeaseFrozen', {
    leaseId: { userEmail: HOLDER, uuid: randomUUID() },
    accountId: '111122223333',
    reason: { type: 'BudgetExceeded', triggeredBudgetThreshold: 40, budget: 50, totalSpend: 41.5 },
  });

const recordOf = ({ event, notification }: ReturnType<typeof notified>): SQSRecord => destinationRecord(event, notification);

describeOnLocalEngine(`the sender, on aws-ses-v2-local and ${TARGET}`, NO_PROXY_ON_AWS, () => {
  let db: LocalDynamoDB;
  let ses: LocalSes;
  let proxy: SesProxy;
  let dynamodb: DynamoDBClient;
  let output: CapturedOutput;
  let kept: { reason: KeepReason; audience: string }[];

  beforeAll(async () => {
    db = await startLocalDynamoDB(TARGET === 'dynamodb-local' ? 'dynamodb-local' : 'dynalite');
    dynamodb = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: db.endpoint });
    ses = await startLocalSes();
    proxy = await startSesProxy(ses.endpoint);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await proxy?.close();
    await ses?.stop();
    dynamodb?.destroy();
    await db?.stop();
  });

  let table: string;

  /** A sender with its own idempotency table, as a fresh deployment has. */
  const sender = async (settings: SenderSettings = SETTINGS) => {
    table = `Idempotency-${randomUUID()}`;
    await createIdempotencyTable(dynamodb, table);
    const handler = createSenderHandler({
      logger: testLogger(),
      metrics: testMetrics(),
      settings,
      idempotencyTableName: table,
      dynamodb,
      ses: new SESv2Client({ ...LOCAL_CLIENT_CONFIG, endpoint: proxy.endpoint }),
      keep: async (_record, why) => {
        kept.push(why);
      },
    });
    return (...records: SQSRecord[]): Promise<SQSBatchResponse> => handler({ Records: records }, lambdaContext());
  };

  beforeEach(async () => {
    await ses.clear();
    proxy.reset();
    kept = [];
    output = captureOutput();
  });

  afterEach(() => output.restore());

  it('sends a duplicate record once, and counts the duplicate', async () => {
    const send = await sender();
    const record = recordOf(approved());
    expect(await send(record, { ...record, messageId: randomUUID() })).toEqual({ batchItemFailures: [] });
    expect(await send({ ...record, messageId: randomUUID() })).toEqual({ batchItemFailures: [] });
    const emails = await ses.messages();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.destination.to).toEqual([HOLDER]);
    expect(emails[0]?.subject).toBe('Innovation Sandbox: your lease is approved');
    expect(output.metric(SenderMetric.Sent)).toEqual([1]);
    expect(output.metric(SenderMetric.Duplicate)).toEqual([1, 1]);
  });

  it('sends a replayed event once: a new destination record for the same ISB event id', async () => {
    const send = await sender();
    const first = approved();
    await send(recordOf(first));
    // A replay of requestPayload runs the notification function again: a new record, the same event.
    await send(destinationRecord(first.event, { ...first.notification, enriched: false }));
    expect(await ses.messages()).toHaveLength(1);
  });

  it('sends once when SES throttles once: the SDK retries within the invocation', async () => {
    const send = await sender();
    proxy.inject('throttle', 1);
    expect(await send(recordOf(approved()))).toEqual({ batchItemFailures: [] });
    expect(proxy.sendRequests()).toBe(2);
    expect(await ses.messages()).toHaveLength(1);
  });

  it('gives a record SES keeps throttling back to the queue, then sends it once on the retry', async () => {
    const send = await sender();
    const record = recordOf(approved());
    proxy.inject('throttle', 3);
    expect(await send(record)).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(await ses.messages()).toHaveLength(0);
    expect(output.metric(SenderMetric.SendFailed)).toEqual([1]);
    expect(await send(record)).toEqual({ batchItemFailures: [] });
    expect(await send(record)).toEqual({ batchItemFailures: [] });
    expect(await ses.messages()).toHaveLength(1);
  });

  it("retries only the operators' message when the holder's went out and theirs failed", async () => {
    const send = await sender();
    const record = recordOf(frozenOnBudget());
    proxy.inject('server-error', 3, 1);
    expect((await send(record)).batchItemFailures).toHaveLength(1);
    expect((await ses.messages()).map((email) => email.destination.to)).toEqual([[HOLDER]]);
    expect(await send(record)).toEqual({ batchItemFailures: [] });
    const emails = await ses.messages();
    expect(emails.map((email) => [email.destination.to, email.destination.bcc])).toEqual([
      [[HOLDER], []],
      [[], [OPERATOR]],
    ]);
  });

  /** Leaves the table's one key as a send cut short by a crash would: in progress, until `until`. */
  const crashedMidSend = async (until: number): Promise<void> => {
    const { Items } = await dynamodb.send(new ScanCommand({ TableName: table }));
    expect(Items).toHaveLength(1);
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: Items?.[0]?.id ?? { S: '' } },
        UpdateExpression: 'SET #status = :inProgress, in_progress_expiration = :until REMOVE #data',
        ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
        ExpressionAttributeValues: { ':inProgress': { S: 'INPROGRESS' }, ':until': { N: String(until) } },
      }),
    );
    await ses.clear();
  };

  it('sends again a message whose send was cut short, once the invocation it ran in is over', async () => {
    const send = await sender();
    const record = recordOf(approved());
    await send(record);
    await crashedMidSend(Date.now() - 1);
    expect(await send(record)).toEqual({ batchItemFailures: [] });
    expect(await ses.messages()).toHaveLength(1);
  });

  it('leaves a message whose send may still be running to the retry, sending nothing now', async () => {
    const send = await sender();
    const record = recordOf(approved());
    await send(record);
    await crashedMidSend(Date.now() + 60_000);
    expect(await send(record)).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(await ses.messages()).toHaveLength(0);
  });

  it('reports only the poison record of a batch failed, and sends the others', async () => {
    const send = await sender();
    const poison = { ...recordOf(approved()), body: '{"responsePayload": "not a notification"' };
    const response = await send(recordOf(approved()), poison, recordOf(frozenOnBudget()));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
    expect(await ses.messages()).toHaveLength(3);
    expect(output.metric(SenderMetric.Unreadable)).toEqual([1]);
  });

  it('keeps a message SES rejects, without retrying it or failing the record', async () => {
    const send = await sender();
    proxy.inject('rejected', 1);
    expect(await send(recordOf(approved()))).toEqual({ batchItemFailures: [] });
    expect(proxy.sendRequests()).toBe(1);
    expect(kept).toEqual([{ reason: 'rejected: MessageRejected', template: 'LeaseApproved', audience: 'holder' }]);
    expect(output.metric(SenderMetric.Rejected)).toEqual([1]);
    expect(output.fields('ERROR')).toEqual([
      expect.objectContaining({ message: 'Notification kept: SES refused it', reason: 'MessageRejected' }),
    ]);
    expect(output.text()).not.toMatch(EMAIL_IN_CLEAR);
  });

  it('sends nothing with the kill switch, and says what it would have sent', async () => {
    const send = await sender({ ...SETTINGS, send: false });
    expect(await send(recordOf(approved()), recordOf(frozenOnBudget()))).toEqual({ batchItemFailures: [] });
    expect(await ses.messages()).toHaveLength(0);
    expect(proxy.sendRequests()).toBe(0);
    expect(output.metric(SenderMetric.Suppressed)).toEqual([1, 1, 1]);
    expect(output.fields('INFO').filter((line) => line.message === 'Notification not sent: NOTIFICATIONS_SEND is false')).toHaveLength(3);
  });
});

describe('the SES client and AWS_ENDPOINT_URL_SESV2', () => {
  it('finds the local SES v2 API through the variable, with no endpoint in code', async () => {
    const ses = await startLocalSes();
    const saved = process.env.AWS_ENDPOINT_URL_SESV2;
    process.env.AWS_ENDPOINT_URL_SESV2 = ses.endpoint;
    const { SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const client = new SESv2Client({ ...LOCAL_CLIENT_CONFIG });
    try {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: SETTINGS.from,
          Destination: { ToAddresses: [HOLDER] },
          Content: { Simple: { Subject: { Data: 'Endpoint check' }, Body: { Text: { Data: 'Hello' } } } },
        }),
      );
      expect((await ses.messages()).map((email) => email.subject)).toEqual(['Endpoint check']);
    } finally {
      client.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SESV2;
      else process.env.AWS_ENDPOINT_URL_SESV2 = saved;
      await ses.stop();
    }
  });
});
