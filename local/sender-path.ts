/**
 * The sender's half of the local run: notifications → Lambda destination records → an SQS event →
 * the sender handler → the local SES v2 API, with the idempotency table on the embedded DynamoDB.
 * Replays one event to show the duplicate suppressed, writes each sent message as `.txt` and
 * `.html`, and says per event who got which subject (addresses masked).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { ENV, readEnv, readEnvList } from '../src/config.js';
import type { KeepReason } from '../src/handlers/sender/deliver.js';
import { createSenderHandler, readSenderSettings } from '../src/handlers/sender/handler.js';
import { createLogger, createMetrics, maskEmails } from '../src/observability.js';
import { type CapturedLine, captureStdio, logLines } from './capture.js';
import { LOCAL_CLIENT_CONFIG } from './dynamodb.js';
import { lambdaContext } from './lambda-context.js';
import { type LocalSes, type StoredEmail, startLocalSes } from './ses.js';

/** The idempotency table the local run creates: Powertools' default layout. */
export const IDEMPOTENCY_TABLE = 'NotificationIdempotency';

/** The queue's batch size in the deployment (cdk/lib/sender-function.ts). */
const BATCH_SIZE = 10;

/** Creates a table in Powertools Idempotency's default layout: partition key `id` (string). */
export const createIdempotencyTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 }, { TableName: tableName });
};

/**
 * A Lambda destination record on SQS, as the notification function's onSuccess destination writes it.
 *
 * @example
 * const record = destinationRecord(event, notification);
 */
export const destinationRecord = (event: unknown, notification: unknown, messageId: string = randomUUID()): SQSRecord => ({
  messageId,
  receiptHandle: messageId,
  body: JSON.stringify({
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: randomUUID(),
      functionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:notification',
      condition: 'Success',
      approximateInvokeCount: 1,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    responsePayload: notification,
  }),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'AROAEXAMPLE',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-2:123456789012:NotificationQueue',
  awsRegion: 'eu-west-2',
});

/** What happened to one message of one event. */
export interface Delivery {
  readonly eventId: string;
  readonly detailType: string;
  readonly template: string;
  readonly audience: string;
  readonly outcome: 'sent' | 'duplicate' | 'kept' | 'suppressed';
  /** SES's id, for a sent message. */
  readonly messageId?: string;
  /** The subject as SES received it, for a sent message. */
  readonly subject?: string;
  /** Recipients, masked. */
  readonly to?: string;
  readonly reason?: string;
  /** Files written for a sent message. */
  readonly files?: readonly string[];
}

/** The sender path's result. */
export interface SenderPathResult {
  readonly deliveries: readonly Delivery[];
  /** The event replayed to show once-only delivery, and what its replay did. */
  readonly replay?: { readonly eventId: string; readonly duplicates: number; readonly sent: number };
  /** Messages sent, per detail-type (the replay included: it should add none). */
  readonly sentByDetailType: Readonly<Record<string, number>>;
  readonly folder: string;
  readonly pageUrl: string;
  readonly sendFailures: number;
}

/** One event and the notification the notification handler made of it. */
export interface NotifiedEvent {
  readonly event: unknown;
  readonly notification: unknown;
}

/** What to run against. */
export interface SenderPathOptions {
  /** The embedded DynamoDB's endpoint, for the idempotency table. */
  readonly dynamodbEndpoint: string;
  /** Where to write the messages; a fresh temporary folder when left out. */
  readonly folder?: string;
  /** A running emulator; one is started (and stopped) when left out. */
  readonly ses?: LocalSes;
}

/** The sender's settings for the local run: the user's, or example ones. */
const prepareSenderEnvironment = (ses: LocalSes): void => {
  const env = process.env;
  env.AWS_ENDPOINT_URL_SESV2 = ses.endpoint;
  env[ENV.notificationFrom] ??= 'lease-notifications@example.gov.uk';
  if (readEnvList(ENV.operatorEmails).length === 0) env[ENV.operatorEmails] = 'sandbox-operators@example.gov.uk';
  env[ENV.isbWebAppUrl] ??= 'https://sandbox.example.gov.uk';
};

type SenderHandler = ReturnType<typeof createSenderHandler>;

const LOG_OUTCOMES: Readonly<Record<string, Delivery['outcome']>> = {
  'Notification sent': 'sent',
  'Notification already sent: not sent again': 'duplicate',
  'Notification kept: SES refused it': 'kept',
  'Notification kept: nobody to send it to': 'kept',
  'Notification not sent: NOTIFICATIONS_SEND is false': 'suppressed',
};

const text = (line: Record<string, unknown>, field: string): string => (typeof line[field] === 'string' ? (line[field] as string) : '');

/** The deliveries the sender's log lines describe, joined to what SES stored. */
const readDeliveries = (lines: readonly CapturedLine[], stored: readonly StoredEmail[]): Delivery[] =>
  logLines(lines).flatMap((line) => {
    const outcome = LOG_OUTCOMES[text(line, 'message')];
    if (outcome === undefined) return [];
    const email = stored.find((item) => item.messageId === text(line, 'messageId'));
    const to = email === undefined ? undefined : maskEmails([...email.destination.to, ...email.destination.bcc].join(', '));
    return [
      {
        eventId: text(line, 'eventId'),
        detailType: text(line, 'detailType'),
        template: text(line, 'template'),
        audience: text(line, 'audience'),
        outcome,
        ...(outcome === 'sent' && email ? { messageId: email.messageId, subject: email.subject, to } : {}),
        ...(text(line, 'reason') ? { reason: text(line, 'reason') } : {}),
      },
    ];
  });

const invoke = async (handler: SenderHandler, records: SQSRecord[]): Promise<{ lines: CapturedLine[]; failed: number }> => {
  const event: SQSEvent = { Records: records };
  const captured = await captureStdio(() => handler(event, lambdaContext({ functionName: 'lease-notification-sender' })));
  if (!captured.ok) throw captured.error;
  return { lines: captured.lines, failed: captured.value.batchItemFailures.length };
};

const writeMessages = async (folder: string, deliveries: Delivery[], stored: readonly StoredEmail[]): Promise<Delivery[]> => {
  await mkdir(folder, { recursive: true });
  let n = 0;
  const written: Delivery[] = [];
  for (const delivery of deliveries) {
    const email = stored.find((item) => item.messageId === delivery.messageId);
    if (email === undefined) {
      written.push(delivery);
      continue;
    }
    n += 1;
    const base = join(folder, `${String(n).padStart(2, '0')}-${delivery.template}-${delivery.audience}`);
    await writeFile(`${base}.txt`, `Subject: ${email.subject}\n\n${email.body.text ?? ''}`);
    await writeFile(`${base}.html`, email.body.html ?? '');
    written.push({ ...delivery, files: [`${base}.txt`, `${base}.html`] });
  }
  return written;
};

const countSent = (deliveries: readonly Delivery[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const { detailType, outcome } of deliveries) if (outcome === 'sent') counts[detailType] = (counts[detailType] ?? 0) + 1;
  return counts;
};

const startSender = async (options: SenderPathOptions, ses: LocalSes): Promise<SenderHandler> => {
  const dynamodb = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: options.dynamodbEndpoint });
  await createIdempotencyTable(dynamodb, IDEMPOTENCY_TABLE);
  prepareSenderEnvironment(ses);
  const kept: { reason: KeepReason }[] = [];
  return createSenderHandler({
    logger: createLogger(),
    metrics: createMetrics(),
    settings: readSenderSettings(),
    idempotencyTableName: IDEMPOTENCY_TABLE,
    dynamodb,
    // The client finds the emulator through AWS_ENDPOINT_URL_SESV2, as it would find SES in Lambda.
    ses: new SESv2Client({ region: LOCAL_CLIENT_CONFIG.region, credentials: LOCAL_CLIENT_CONFIG.credentials }),
    // Locally, a kept notification is shown in the table; in the deployment it goes to the dead-letter queue.
    keep: async (_record, why) => {
      kept.push(why);
    },
  });
};

/**
 * Runs the notifications through the sender into the local SES, then replays one to show that it is
 * not sent twice.
 *
 * @example
 * const result = await runSenderPath(notified, { dynamodbEndpoint: db.endpoint });
 * console.log(result.sentByDetailType, result.folder);
 */
export const runSenderPath = async (notified: readonly NotifiedEvent[], options: SenderPathOptions): Promise<SenderPathResult> => {
  const ses = options.ses ?? (await startLocalSes());
  try {
    const handler = await startSender(options, ses);
    const records = notified.map(({ event, notification }) => destinationRecord(event, notification));
    const lines: CapturedLine[] = [];
    let sendFailures = 0;
    for (let start = 0; start < records.length; start += BATCH_SIZE) {
      const run = await invoke(handler, records.slice(start, start + BATCH_SIZE));
      lines.push(...run.lines);
      sendFailures += run.failed;
    }
    const first = readDeliveries(lines, await ses.messages());
    const replayed = first.find((delivery) => delivery.outcome === 'sent');
    const replayRecord = records.find((record) => replayed && record.body.includes(replayed.eventId));
    const replay = replayRecord === undefined ? undefined : await invoke(handler, [{ ...replayRecord, messageId: randomUUID() }]);
    const stored = await ses.messages();
    const again = replay === undefined ? [] : readDeliveries(replay.lines, stored);
    const folder = options.folder ?? (await mkdtemp(join(tmpdir(), 'lease-messages-')));
    const deliveries = await writeMessages(folder, first, stored);
    return {
      deliveries,
      ...(replayed === undefined
        ? {}
        : {
            replay: {
              eventId: replayed.eventId,
              duplicates: again.filter((d) => d.outcome === 'duplicate').length,
              sent: again.filter((d) => d.outcome === 'sent').length,
            },
          }),
      sentByDetailType: countSent([...first, ...again]),
      folder,
      pageUrl: ses.pageUrl,
      sendFailures,
    };
  } finally {
    if (options.ses === undefined) await ses.stop();
  }
};

/** Whether the local run should keep the emulator open after the run (`LOCAL_SES_KEEP_OPEN=true`). */
export const keepSesOpen = (): boolean => readEnv('LOCAL_SES_KEEP_OPEN')?.toLowerCase() === 'true';
