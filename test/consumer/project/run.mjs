// Plain JavaScript, as a function without TypeScript would use the package: imports by the package
// name, a real DynamoDB API (dynalite, in this process), and the README's handler as compiled here.
// Seeds the lease in lease.json (written by the test), prints the handlers' own output as it comes,
// then one line `RESULT <json>` for the test to read.

import { readFile } from 'node:fs/promises';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import dynalite from 'dynalite';
import * as root from 'lease-enrichment';
import { enrichmentReport } from 'lease-enrichment/enrichment-report';
import { leaseKey } from 'lease-enrichment/lease-key';

const lease = JSON.parse(await readFile('lease.json', 'utf8'));
const { userEmail: OWNER, uuid: UUID } = lease;
const TABLE = 'LeaseTable';

const server = dynalite({ createTableMs: 0 });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${server.address().port}`;
Object.assign(process.env, {
  AWS_REGION: 'eu-west-2',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  LEASE_TABLE_NAME: TABLE,
});

const admin = new DynamoDBClient({});
await admin.send(
  new CreateTableCommand({
    TableName: TABLE,
    KeySchema: [
      { AttributeName: 'userEmail', KeyType: 'HASH' },
      { AttributeName: 'uuid', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'userEmail', AttributeType: 'S' },
      { AttributeName: 'uuid', AttributeType: 'S' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  }),
);
await DynamoDBDocumentClient.from(admin).send(
  new PutCommand({
    TableName: TABLE,
    Item: lease,
  }),
);
admin.destroy();

const context = () => ({
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  functionName: 'consumer',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:consumer',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 10_000,
});

// The README's handler reads LEASE_TABLE_NAME when it loads: import it only now.
const { handler } = await import('./build/handler.js');
const reminder = (detail) => ({ 'detail-type': 'LeaseReminder', source: 'consumer', detail });
const readme = [
  await handler(reminder({ owner: OWNER, leaseUuid: UUID }), context()),
  await handler(reminder({ owner: OWNER, leaseUuid: 'no-such-lease' }), context()),
  await handler(reminder({ leaseUuid: UUID }), context()),
];

// The same middlewares from the root and their own entry points, on Innovation Sandbox's own event shape.
const logger = root.createLogger();
const metrics = root.createMetrics();
const plain = middy()
  .use(leaseKey({ logger }))
  .use(root.leaseEnrichment({ logger, client: root.createLeaseDocumentClient() }))
  .use(enrichmentReport({ logger, metrics }))
  .handler(async (_event, ctx) => ({ enrichment: ctx.enrichment, status: ctx.lease?.status ?? null }));
const isbEvent = { 'detail-type': 'LeaseFrozen', source: 'InnovationSandbox-ndx', detail: { leaseId: { userEmail: OWNER, uuid: UUID } } };
const javascript = await plain(isbEvent, context());
metrics.publishStoredMetrics();

await new Promise((resolve) => server.close(resolve));
const exported = Object.keys(root).sort();
process.stdout.write(`RESULT ${JSON.stringify({ readme, javascript, exported, node: process.version })}\n`);
