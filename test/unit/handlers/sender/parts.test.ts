import { SESv2Client, SESv2ServiceException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { destinationRecord } from '../../../../local/sender-path.js';
import { PERMANENT_SES_ERRORS, PermanentRejection, sendMessage } from '../../../../src/handlers/sender/delivery.js';
import { readSenderSettings, SenderConfigError } from '../../../../src/handlers/sender/handler.js';
import { keepInQueue } from '../../../../src/handlers/sender/keep.js';
import { readQueuedNotification } from '../../../../src/handlers/sender/record.js';
import type { Message } from '../../../../src/messages/index.js';

const ses = mockClient(SESv2Client);
const sqs = mockClient(SQSClient);
const MESSAGE: Message = { template: 'LeaseApproved', audience: 'holder', subject: 'Subject', text: 'Text', html: '<p>Html</p>' };
const HOLDER = 'grace.hopper@example.gov.uk';

const sesError = (name: string, status: number) =>
  new SESv2ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: name });

beforeEach(() => {
  ses.reset();
  sqs.reset();
});

describe('sendMessage', () => {
  it('sends the holder’s message To them, the operators’ Bcc, from the identity, in the configuration set', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const client = new SESv2Client({});
    const settings = { from: 'leases@example.gov.uk', configurationSet: 'lease-notifications' };
    expect(await sendMessage(client, settings, { audience: 'holder', addresses: [HOLDER] }, MESSAGE)).toBe('m-1');
    await sendMessage(
      client,
      { from: settings.from },
      { audience: 'operators', addresses: ['a@example.gov.uk', 'b@example.gov.uk'] },
      MESSAGE,
    );
    const [first, second] = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
    expect(first).toEqual({
      FromEmailAddress: 'leases@example.gov.uk',
      Destination: { ToAddresses: [HOLDER] },
      Content: {
        Simple: {
          Subject: { Data: 'Subject', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Text', Charset: 'UTF-8' }, Html: { Data: '<p>Html</p>', Charset: 'UTF-8' } },
        },
      },
      ConfigurationSetName: 'lease-notifications',
    });
    expect(second?.Destination).toEqual({ BccAddresses: ['a@example.gov.uk', 'b@example.gov.uk'] });
    expect(second).not.toHaveProperty('ConfigurationSetName');
  });

  it.each([...PERMANENT_SES_ERRORS])('turns %s into a permanent rejection, not to be retried', async (name) => {
    ses.on(SendEmailCommand).rejects(sesError(name, 400));
    const sent = sendMessage(
      new SESv2Client({ maxAttempts: 1 }),
      { from: 'leases@example.gov.uk' },
      { audience: 'holder', addresses: [HOLDER] },
      MESSAGE,
    );
    await expect(sent).rejects.toEqual(expect.objectContaining({ name: 'PermanentRejection', reason: name }));
    await expect(sent).rejects.toBeInstanceOf(PermanentRejection);
  });

  it.each([
    ['TooManyRequestsException', 429],
    ['LimitExceededException', 400],
    ['InternalServiceErrorException', 500],
  ])('lets %s through for the record to be retried', async (name, status) => {
    ses.on(SendEmailCommand).rejects(sesError(name, status));
    const sent = sendMessage(
      new SESv2Client({ maxAttempts: 1 }),
      { from: 'leases@example.gov.uk' },
      { audience: 'holder', addresses: [HOLDER] },
      MESSAGE,
    );
    await expect(sent).rejects.toEqual(expect.objectContaining({ name }));
  });
});

describe('keepInQueue', () => {
  it('puts the record’s body in the queue, with why as attributes', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const record = destinationRecord({ id: 'e-1' }, { eventId: 'e-1' }, 'sqs-1');
    await keepInQueue(new SQSClient({}), 'https://sqs.eu-west-2.amazonaws.com/123456789012/dlq')(record, {
      reason: 'rejected: MessageRejected',
      template: 'LeaseApproved',
      audience: 'holder',
    });
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: 'https://sqs.eu-west-2.amazonaws.com/123456789012/dlq',
      MessageBody: record.body,
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: 'rejected: MessageRejected' },
        template: { DataType: 'String', StringValue: 'LeaseApproved' },
        audience: { DataType: 'String', StringValue: 'holder' },
        sourceMessageId: { DataType: 'String', StringValue: 'sqs-1' },
      },
    });
  });

  it('without a queue, fails the record so that its own dead-letter queue keeps it', async () => {
    const keep = keepInQueue(new SQSClient({}), undefined);
    await expect(
      keep(destinationRecord({}, {}), { reason: 'no-recipient', template: 'LeaseApproved', audience: 'holder' }),
    ).rejects.toThrow(/no queue to keep it in/);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});

describe('readSenderSettings', () => {
  const env = { NOTIFICATION_FROM: 'leases@example.gov.uk' };

  it('reads what it is given, and defaults the zone to UTC', () => {
    expect(readSenderSettings(env)).toEqual({ send: true, from: 'leases@example.gov.uk', operators: [], messages: { timeZone: 'UTC' } });
    expect(
      readSenderSettings({
        ...env,
        OPERATOR_EMAILS: ' ops@example.gov.uk, ,duty@example.gov.uk ',
        NOTIFICATION_TIME_ZONE: 'Europe/London',
        ISB_WEB_APP_URL: 'https://sandbox.example.gov.uk',
        SES_CONFIGURATION_SET: 'leases',
      }),
    ).toEqual({
      send: true,
      from: 'leases@example.gov.uk',
      operators: ['ops@example.gov.uk', 'duty@example.gov.uk'],
      configurationSet: 'leases',
      messages: { timeZone: 'Europe/London', webAppUrl: 'https://sandbox.example.gov.uk' },
    });
  });

  it('needs no sender address with the kill switch on', () => {
    expect(readSenderSettings({ NOTIFICATIONS_SEND: 'FALSE' })).toMatchObject({ send: false, from: '' });
  });

  it.each([
    [{}, 'NOTIFICATION_FROM is not set'],
    [{ ...env, OPERATOR_EMAILS: 'ops@example.gov.uk,Operators' }, 'OPERATOR_EMAILS holds a value that is not an address'],
    [{ ...env, NOTIFICATION_TIME_ZONE: 'Mars/Olympus' }, 'NOTIFICATION_TIME_ZONE is not a time zone: Mars/Olympus'],
    [{ ...env, ISB_WEB_APP_URL: 'javascript:alert(1)' }, 'ISB_WEB_APP_URL is not an http(s) URL'],
  ])('refuses %j: %s', (values, message) => {
    expect(() => readSenderSettings(values)).toThrow(new SenderConfigError(message));
  });
});

describe('readQueuedNotification', () => {
  const event = {
    id: 'e-1',
    'detail-type': 'LeaseFrozen',
    detail: { leaseId: { userEmail: HOLDER, uuid: 'u-1' }, accountId: '111122223333', reason: { type: 'ManuallyFrozen', comment: 'x' } },
  };
  const read = (notification: unknown, request: unknown = event) => readQueuedNotification(destinationRecord(request, notification).body);

  it('takes what the notification says, the lease narrowed to its well-typed summary fields', () => {
    const queued = read({
      eventId: 'e-1',
      detailType: 'LeaseFrozen',
      recipient: HOLDER,
      facts: { accountId: '444455556666' },
      consistency: 'superseded',
      lease: { status: 'Active', maxSpend: '50', userEmail: HOLDER, totalCostAccrued: 12 },
    });
    expect(queued).toEqual({
      eventId: 'e-1',
      recipient: HOLDER,
      input: {
        detailType: 'LeaseFrozen',
        facts: { accountId: '444455556666' },
        consistency: 'superseded',
        lease: { status: 'Active', totalCostAccrued: 12 },
        leaseId: 'u-1',
        holder: HOLDER,
      },
    });
  });

  it('falls back on the event for what an older notification lacks', () => {
    expect(read({ enriched: false, consistency: 'sideways' })).toEqual({
      eventId: 'e-1',
      recipient: HOLDER,
      input: { detailType: 'LeaseFrozen', facts: event.detail, consistency: null, leaseId: 'u-1', holder: HOLDER },
    });
  });

  it('has no recipient when the notification says so, or names something that is not one address', () => {
    expect(read({ eventId: 'e-1', detailType: 'LeaseFrozen', recipient: null })).toMatchObject({ recipient: null });
    expect(read({ eventId: 'e-1', detailType: 'LeaseFrozen', recipient: `${HOLDER}, boss@example.gov.uk` })).toMatchObject({
      recipient: null,
    });
  });

  it.each([
    ['not-json', '{'],
    ['not-json', '[1]'],
    ['no-notification', JSON.stringify({ requestPayload: event, responsePayload: 'x' })],
    ['no-event-id', JSON.stringify({ requestPayload: { ...event, id: 7 }, responsePayload: {} })],
    ['no-detail-type', JSON.stringify({ requestPayload: { id: 'e-1' }, responsePayload: {} })],
  ])('names why a record is unreadable: %s', (problem, body) => {
    expect(readQueuedNotification(body)).toEqual({ problem });
  });
});
