/**
 * The consistent re-read (`rereadWhen`): what a user of the middlewares sees of it, through the
 * public API only: the requests sent, the lease on the context, the metrics and the log lines.
 */

import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBServiceException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import middy from '@middy/core';
import { mockClient } from 'aws-sdk-client-mock';
import type { Lease } from '../../../../src/lease.js';
import { EnrichmentMetric } from '../../../../src/metric-names.js';
import { enrichmentReport } from '../../../../src/middleware/enrichment-report/index.js';
import {
  CircuitBreaker,
  createLeaseDocumentClient,
  type LeaseEnrichmentOptions,
  leaseEnrichment,
} from '../../../../src/middleware/lease-enrichment/index.js';
import { leaseKey } from '../../../../src/middleware/lease-key/index.js';
import type { LeaseEnrichmentContext } from '../../../../src/middleware/types.js';
import { lambdaContext, leaseEvent, recordWithStatus, testLogger, testMetrics } from '../../../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../../../support/output.js';
import { settle } from '../../../support/timers.js';

const ddb = mockClient(DynamoDBDocumentClient);
const ACTIVE = recordWithStatus('Active');
const FROZEN = { ...ACTIVE, status: 'Frozen' } as Lease;
const EVENT = leaseEvent({ leaseId: { userEmail: ACTIVE.userEmail, uuid: ACTIVE.uuid }, accountId: '111122223333' }, 'LeaseFrozen');

const throttling = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } });
const accessDenied = () =>
  new DynamoDBServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'no', $metadata: { httpStatusCode: 400 } });

/** The three middlewares around a handler that returns what reached the context. */
const build = (options: Partial<LeaseEnrichmentOptions>) => {
  const logger = testLogger();
  const metrics = testMetrics();
  return middy()
    .use(logMetrics(metrics))
    .use(leaseKey({ logger }))
    .use(leaseEnrichment({ logger, client: createLeaseDocumentClient(), tableName: 'LeaseTable', ...options }))
    .use(enrichmentReport({ logger, metrics }))
    .handler((_event: unknown, context: LeaseEnrichmentContext) => ({ outcome: context.enrichment, lease: context.lease }));
};

const consistentReads = () => ddb.commandCalls(GetCommand).map((call) => call.args[0].input.ConsistentRead ?? false);
const frozenWanted = (lease: Lease, event: unknown) =>
  lease.status !== 'Frozen' && (event as { 'detail-type'?: unknown })['detail-type'] === 'LeaseFrozen';

describe('leaseEnrichment, re-reading with ConsistentRead when rereadWhen asks', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    ddb.reset();
    output = captureOutput();
  });
  afterEach(() => {
    output.restore();
    jest.useRealTimers();
  });

  it('sends no second GetItem when the first read agrees', async () => {
    ddb.on(GetCommand).resolves({ Item: FROZEN });

    const result = await build({ rereadWhen: frozenWanted })(EVENT, lambdaContext());

    expect(consistentReads()).toEqual([false]);
    expect(result.lease?.status).toBe('Frozen');
    expect(output.metric(EnrichmentMetric.Reread)).toEqual([]);
  });

  it('reads again, strongly consistent, and keeps what that read returns; counts it and times it', async () => {
    ddb.on(GetCommand).resolves({ Item: ACTIVE });
    ddb.on(GetCommand, { ConsistentRead: true }).resolves({ Item: FROZEN });
    const seen: unknown[] = [];

    const rereadWhen = (lease: Lease, event: unknown) => {
      seen.push(event);
      return frozenWanted(lease, event);
    };

    const result = await build({ rereadWhen })(EVENT, lambdaContext());

    expect(consistentReads()).toEqual([false, true]);
    expect(seen).toEqual([EVENT]);
    expect(result).toEqual({ outcome: { status: 'enriched' }, lease: FROZEN });
    expect(output.metric(EnrichmentMetric.Reread)).toEqual([1]);
    expect(output.metric(EnrichmentMetric.QueryLatency)).toHaveLength(2);
  });

  it('takes a consistent not-found as the answer: the record is gone', async () => {
    ddb.on(GetCommand).resolves({ Item: ACTIVE });
    ddb.on(GetCommand, { ConsistentRead: true }).resolves({});

    const result = await build({ rereadWhen: frozenWanted })(EVENT, lambdaContext());

    expect(result).toEqual({ outcome: { status: 'not-found' }, lease: undefined });
  });

  it('retries a throttled re-read once, 500 ms later, inside the same budget', async () => {
    jest.useFakeTimers();
    ddb.on(GetCommand).resolves({ Item: ACTIVE });
    ddb.on(GetCommand, { ConsistentRead: true }).rejectsOnce(throttling()).resolves({ Item: FROZEN });

    const result = await settle(build({ rereadWhen: frozenWanted })(EVENT, lambdaContext()));

    expect(consistentReads()).toEqual([false, true, true]);
    expect(result.lease?.status).toBe('Frozen');
    expect(output.metric(EnrichmentMetric.Throttled)).toEqual([1]);
  });

  it('keeps the first lease when the re-read fails, says so, and counts the failure towards the breaker', async () => {
    ddb.on(GetCommand).resolves({ Item: ACTIVE });
    ddb.on(GetCommand, { ConsistentRead: true }).rejects(accessDenied());
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 60_000 });

    const result = await build({ rereadWhen: frozenWanted, circuitBreaker: breaker })(EVENT, lambdaContext());

    expect(result).toEqual({ outcome: { status: 'enriched' }, lease: ACTIVE });
    expect(output.fields('WARN')).toContainEqual(
      expect.objectContaining({
        message: 'Lease re-read failed; the lookup keeps the lease it read first',
        reason: 'AccessDeniedException',
      }),
    );
    expect(breaker.state).toBe('open');
  });

  it('never re-reads when every read is already consistent', async () => {
    ddb.on(GetCommand).resolves({ Item: ACTIVE });

    await build({ rereadWhen: frozenWanted, consistentRead: true })(EVENT, lambdaContext());

    expect(consistentReads()).toEqual([true]);
  });
});
