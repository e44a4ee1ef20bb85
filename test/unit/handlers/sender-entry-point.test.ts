import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { destinationRecord } from '../../../local/sender-path.js';
import { SenderMetric } from '../../../src/metric-names.js';
import { lambdaContext, leaseEvent } from '../../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../../support/output.js';

const ddb = mockClient(DynamoDBClient);
const ses = mockClient(SESv2Client);
const ENVIRONMENT = {
  NOTIFICATION_FROM: 'lease-notifications@example.gov.uk',
  IDEMPOTENCY_TABLE_NAME: 'NotificationIdempotency',
  OPERATOR_EMAILS: 'sandbox-operators@example.gov.uk',
  SES_CONFIGURATION_SET: 'lease-notifications',
  NOTIFICATION_TIME_ZONE: 'Europe/London',
  POWERTOOLS_METRICS_NAMESPACE: 'LeaseSenderEntryPoint',
};

describe('the sender Lambda entry point', () => {
  let output: CapturedOutput;
  let handler: typeof import('../../../src/handlers/sender.js')['handler'];

  beforeAll(async () => {
    // The module reads its settings once, when imported: set them first, then import.
    Object.assign(process.env, ENVIRONMENT);
    ({ handler } = await import('../../../src/handlers/sender.js'));
    for (const name of Object.keys(ENVIRONMENT)) delete process.env[name];
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    output = captureOutput();
  });
  afterAll(() => output.restore());

  it('sends from the address, in the configuration set, and keeps its keys in the table named at load', async () => {
    const event = leaseEvent({ leaseId: 'u-1', userEmail: 'grace.hopper@example.gov.uk', approvedBy: 'AUTO_APPROVED' }, 'LeaseApproved');
    const response = await handler(
      { Records: [destinationRecord(event, { eventId: event.id, detailType: 'LeaseApproved' })] },
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'lease-notifications@example.gov.uk',
      ConfigurationSetName: 'lease-notifications',
      Destination: { ToAddresses: ['grace.hopper@example.gov.uk'] },
    });
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, { TableName: 'NotificationIdempotency' });
    expect(output.metric(SenderMetric.Sent)).toEqual([1]);
    expect(output.text()).not.toContain('@');
  });
});
