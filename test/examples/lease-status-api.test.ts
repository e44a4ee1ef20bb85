import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createLeaseStatusHandler, type LeaseStatusRequest } from '../../examples/lease-status-api/handler.js';
import { leaseSummary } from '../../src/lease.js';
import { CircuitBreaker, createLeaseDocumentClient } from '../../src/middleware/lease-enrichment/index.js';
import { lambdaContext, recordWithStatus, testLogger, testMetrics } from '../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../support/output.js';

const ddb = mockClient(DynamoDBDocumentClient);
const LEASE = recordWithStatus('Active');

/**
 * An HTTP API request for `GET /leases/{uuid}` from a caller whose JWT carries `email` and, unless
 * told otherwise, `email_verified` as the HTTP API's JWT authorizer passes it: the string "true".
 */
const request = ({ email, uuid, ...claims }: { email?: unknown; uuid?: unknown; emailVerified?: unknown }): LeaseStatusRequest => {
  const emailVerified = 'emailVerified' in claims ? claims.emailVerified : 'true';
  return {
    version: '2.0',
    routeKey: 'GET /leases/{uuid}',
    rawPath: `/leases/${String(uuid)}`,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    ...(uuid === undefined ? {} : { pathParameters: { uuid } }),
    requestContext: {
      authorizer: {
        jwt: {
          claims: { ...(email === undefined ? {} : { email }), ...(emailVerified === undefined ? {} : { email_verified: emailVerified }) },
          scopes: [],
        },
        principalId: '',
        integrationLatency: 0,
      },
    },
  } as unknown as LeaseStatusRequest;
};

const buildHandler = (circuitBreaker = new CircuitBreaker()) =>
  createLeaseStatusHandler({
    logger: testLogger(),
    metrics: testMetrics(),
    client: createLeaseDocumentClient(),
    tableName: 'LeaseTable',
    circuitBreaker,
  });

describe('lease status API handler', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    ddb.reset();
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it("answers 200 with the lease, looked up under the caller's email claim", async () => {
    ddb.on(GetCommand).resolves({ Item: LEASE });

    const response = await buildHandler()(request({ email: LEASE.userEmail, uuid: LEASE.uuid }), lambdaContext());

    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lease: leaseSummary(LEASE) }),
    });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { userEmail: LEASE.userEmail, uuid: LEASE.uuid } });
  });

  it('answers 404 when the caller has no such lease', async () => {
    ddb.on(GetCommand).resolves({});

    const response = await buildHandler()(request({ email: LEASE.userEmail, uuid: 'no-such-lease' }), lambdaContext());

    expect(response).toMatchObject({ statusCode: 404 });
  });

  it.each([
    ['no email claim', { uuid: LEASE.uuid }, 'requestContext.authorizer.jwt.claims.email'],
    ['no uuid in the path', { email: LEASE.userEmail }, 'pathParameters.uuid'],
  ])('answers 400 without asking DynamoDB when there is %s', async (_case, input, field) => {
    const response = await buildHandler()(request(input), lambdaContext());

    expect(response).toMatchObject({ statusCode: 400 });
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 0);
    expect(output.logs('WARN')).toEqual([expect.objectContaining({ problems: [{ field, problem: 'missing' }] })]);
  });

  it('answers 503 with Retry-After, and no internal names, when the table fails and while the breaker is open', async () => {
    ddb.on(GetCommand).rejects(new DynamoDBServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {} }));
    const handler = buildHandler(new CircuitBreaker({ failureThreshold: 1 }));

    const failed = await handler(request({ email: LEASE.userEmail, uuid: LEASE.uuid }), lambdaContext());
    const skipped = await handler(request({ email: LEASE.userEmail, uuid: LEASE.uuid }), lambdaContext());

    for (const response of [failed, skipped]) {
      expect(response).toEqual({
        statusCode: 503,
        headers: { 'content-type': 'application/json', 'retry-after': '30' },
        body: JSON.stringify({ message: 'lease lookup unavailable' }),
      });
    }
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(output.logs('WARN')[0]).toMatchObject({ reason: 'AccessDeniedException' }); // the reason stays in the logs
  });

  it.each([
    ['"false"', 'false'],
    ['false', false],
    ['absent', undefined],
    ['"True"', 'True'],
    ['1', 1],
  ])('answers 403 without asking DynamoDB when email_verified is %s', async (_case, emailVerified) => {
    ddb.on(GetCommand).resolves({ Item: LEASE });

    const response = await buildHandler()(request({ email: LEASE.userEmail, uuid: LEASE.uuid, emailVerified }), lambdaContext());

    expect(response).toMatchObject({ statusCode: 403, body: JSON.stringify({ message: 'A verified email address is required' }) });
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 0);
    expect(output.logs('WARN')).toEqual([
      expect.objectContaining({ problems: [{ field: 'requestContext.authorizer.jwt.claims.email_verified', problem: 'unverified' }] }),
    ]);
  });

  it.each([
    ['the string "true", as an HTTP API passes JWT claims', 'true'],
    ['the boolean true, as a Cognito ID token carries it', true],
  ])('answers 200 when email_verified is %s', async (_case, emailVerified) => {
    ddb.on(GetCommand).resolves({ Item: LEASE });

    const response = await buildHandler()(request({ email: LEASE.userEmail, uuid: LEASE.uuid, emailVerified }), lambdaContext());

    expect(response).toMatchObject({ statusCode: 200 });
  });

  it("never logs the caller's email address", async () => {
    ddb.on(GetCommand).resolves({ Item: LEASE });

    await buildHandler()(request({ email: LEASE.userEmail, uuid: LEASE.uuid }), lambdaContext());
    await buildHandler()(request({ email: 42, uuid: LEASE.userEmail }), lambdaContext());

    expect(output.text()).not.toContain('@');
  });
});
