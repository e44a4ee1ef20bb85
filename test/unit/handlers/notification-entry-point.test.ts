import { DynamoDBDocumentClient, GetCommand, type GetCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import type { LeaseEvent, LeaseNotification } from '../../../src/handlers/notification.js';
import { EnrichmentMetric } from '../../../src/metric-names.js';
import { lambdaContext, leaseEvents, leaseRecords } from '../../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../../support/output.js';

// The module Lambda loads reads its configuration once, when imported: set it first, then import.
const TABLE_ARN = 'arn:aws:dynamodb:eu-west-2:123456789012:table/LeaseTable';
const ddb = mockClient(DynamoDBDocumentClient);

describe('the notification Lambda entry point', () => {
  let output: CapturedOutput;
  let handler: (event: LeaseEvent, context: ReturnType<typeof lambdaContext>) => Promise<LeaseNotification>;

  beforeAll(async () => {
    process.env.LEASE_TABLE_NAME = TABLE_ARN;
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'LeaseEnrichmentEntryPoint';
    ({ handler } = await import('../../../src/handlers/notification.js'));
    delete process.env.LEASE_TABLE_NAME;
    delete process.env.POWERTOOLS_METRICS_NAMESPACE;
    ddb.on(GetCommand).callsFake((input: GetCommandInput) => ({
      Item: leaseRecords.find((lease) => lease.userEmail === input.Key?.userEmail && lease.uuid === input.Key?.uuid),
    }));
    output = captureOutput();
  });
  afterAll(() => output.restore());

  it('looks leases up in the table named at module load, and reports in the configured namespace', async () => {
    const notifications = [];
    for (const event of leaseEvents) notifications.push(await handler(event, lambdaContext()));

    expect(notifications.filter((item) => item.enriched)).toHaveLength(21);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: TABLE_ARN });
    const namespaces = output
      .emf()
      .map((doc) => (doc._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]?.Namespace);
    expect(new Set(namespaces)).toEqual(new Set(['LeaseEnrichmentEntryPoint']));
    expect(output.metric(EnrichmentMetric.Enriched)).toHaveLength(21);
  });

  it('keeps email addresses out of everything it writes', () => {
    expect(output.text()).toContain('"service":"lease-notifications"');
    expect(output.text()).not.toContain('@');
  });
});
