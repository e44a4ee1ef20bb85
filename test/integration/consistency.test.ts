/**
 * ISB's order of writes and events, replayed on the wire: records written as ISB writes them (through
 * the fault proxy, which keeps their versions), events published when ISB publishes them, and the
 * proxy playing a stale replica where DynamoDB may be one.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { type FaultProxy, startFaultProxy } from '../../local/fault-proxy.js';
import type { LeaseWithStatus } from '../../src/lease.js';
import { EnrichmentMetric } from '../../src/metric-names.js';
import { CircuitBreaker, createLeaseDocumentClient } from '../../src/middleware/lease-enrichment/index.js';
import { leaseEvent, recordWithStatus } from '../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../support/output.js';
import { buildHandler, type TestHandler } from './handlers.js';
import { describeOnLocalEngine, type IntegrationTarget, NO_PROXY_ON_AWS, START_TIMEOUT_MS, startTarget, TARGET } from './harness.js';

/** A lease with an account; later versions may change its status, as ISB's writes do. */
type ActiveLease = LeaseWithStatus<'Active'>;

describeOnLocalEngine(`ISB's order of writes and events, on ${TARGET} through the fault proxy`, NO_PROXY_ON_AWS, () => {
  let target: IntegrationTarget;
  let proxy: FaultProxy;
  let writer: DynamoDBDocumentClient;
  let handler: TestHandler;
  let output: CapturedOutput;

  beforeAll(async () => {
    target = await startTarget();
    proxy = await startFaultProxy({ upstream: target.endpoint ?? '' });
    writer = DynamoDBDocumentClient.from(createLeaseDocumentClient({ ...target.clientConfig, endpoint: proxy.endpoint }));
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    writer?.destroy();
    await proxy?.close();
    await target?.stop();
  });

  beforeEach(() => {
    proxy.reset();
    handler = buildHandler(target, { endpoint: proxy.endpoint, circuitBreaker: new CircuitBreaker() });
    output = captureOutput();
  });

  afterEach(() => {
    output.restore();
    handler.destroy();
  });

  /** A lease of ISB's fixtures under a fresh key, so that each test has its own item and history. */
  const freshLease = () => ({ ...recordWithStatus('Active'), uuid: randomUUID() });
  /** Writes a version of the lease as ISB does: a whole-item put, through the proxy. */
  const write = async (lease: ActiveLease, changes: Record<string, unknown> = {}): Promise<ActiveLease> => {
    const version = { ...lease, ...changes } as ActiveLease;
    await writer.send(new PutCommand({ TableName: target.tableName, Item: version }));
    return version;
  };
  const getItems = () => proxy.requestsFor('GetItem').map(({ consistentRead, fault }) => ({ consistentRead, fault }));
  const keyOf = (lease: ActiveLease) => ({ userEmail: lease.userEmail, uuid: lease.uuid });

  it('reads again, consistently, when a stale replica answers with the record before ISB froze the lease', async () => {
    const lease = await write(freshLease());
    await write(lease, { status: 'Frozen' }); // freezeLease, then LeaseFrozen
    proxy.inject('stale-read', { times: 1, operation: 'GetItem' });

    const notification = await handler.invoke(
      leaseEvent({
        leaseId: keyOf(lease),
        accountId: lease.awsAccountId,
        reason: { type: 'ManuallyFrozen', comment: 'Manually frozen by it.admin@example.gov.uk' },
      }),
    );

    expect(getItems()).toEqual([
      { consistentRead: false, fault: 'stale-read' },
      { consistentRead: true, fault: null },
    ]);
    expect(notification).toMatchObject({ consistency: 'consistent', lease: { status: 'Frozen' }, recipient: lease.userEmail });
    expect(notification.facts).toEqual({
      accountId: lease.awsAccountId,
      reason: { type: 'ManuallyFrozen', comment: 'Manually frozen by [email]' },
    });
    expect(output.metric(EnrichmentMetric.Reread)).toEqual([1]);
    expect(output.metric(EnrichmentMetric.QueryLatency)).toHaveLength(2);
  });

  it('sends one GetItem when the replica is stale but the item has only the version ISB wrote', async () => {
    const lease = await write(freshLease(), { status: 'PendingApproval' }); // requestLease, then LeaseRequested
    proxy.inject('stale-read', { times: 1, operation: 'GetItem' });

    const notification = await handler.invoke(
      leaseEvent({ leaseId: keyOf(lease), userEmail: lease.userEmail, requiresManualApproval: true }, 'LeaseRequested'),
    );

    expect(getItems()).toEqual([{ consistentRead: false, fault: null }]);
    expect(notification).toMatchObject({ consistency: 'consistent', facts: { requiresManualApproval: true } });
    expect(output.metric(EnrichmentMetric.Reread)).toEqual([]);
  });

  it('takes a monitoring alert’s figures as newer: alert first, record after, one GetItem each time', async () => {
    const lease = await write(freshLease(), { totalCostAccrued: 150, lastCheckedDate: '2026-11-25T10:00:00.000Z' });
    const alert = leaseEvent(
      {
        leaseId: keyOf(lease),
        accountId: lease.awsAccountId,
        budget: 200,
        totalSpend: 191.02,
        budgetThresholdTriggered: 190,
        actionRequested: 'ALERT',
      },
      'LeaseBudgetThresholdAlert',
    );
    const published = { ...alert, time: '2026-11-25T11:00:04Z' };

    const beforeScanWrite = await handler.invoke(published);
    await write(lease, { totalCostAccrued: 191.02, lastCheckedDate: '2026-11-25T11:00:01.000Z' }); // the scan's write
    const afterScanWrite = await handler.invoke(published);

    expect(beforeScanWrite).toMatchObject({
      consistency: 'event-newer',
      leaseAsOf: '2026-11-25T10:00:00.000Z',
      lease: { totalCostAccrued: 191.02 },
    });
    expect(afterScanWrite).toMatchObject({
      consistency: 'event-newer',
      leaseAsOf: '2026-11-25T11:00:01.000Z',
      lease: { totalCostAccrued: 191.02 },
    });
    expect(beforeScanWrite.facts).toMatchObject({ budgetThresholdTriggered: 190, actionRequested: 'ALERT', totalSpend: 191.02 });
    expect(getItems()).toEqual([
      { consistentRead: false, fault: null },
      { consistentRead: false, fault: null },
    ]);
  });

  it('races the lifecycle manager on LeaseExpired: event-newer while Active, superseded once Expired', async () => {
    const lease = await write(freshLease());
    const expired = leaseEvent(
      { leaseId: keyOf(lease), accountId: lease.awsAccountId, leaseExpirationDate: '2026-11-28T10:00:03.512Z' },
      'LeaseExpired',
    );

    const whileActive = await handler.invoke(expired);
    await write(lease, { status: 'Expired', endDate: '2026-11-28T10:00:09.000Z', ttl: 1_767_225_600 }); // terminateLease
    const afterTermination = await handler.invoke(expired);

    expect(whileActive).toMatchObject({ consistency: 'event-newer', lease: { status: 'Active' } });
    expect(afterTermination).toMatchObject({
      consistency: 'superseded',
      lease: { status: 'Expired', endDate: '2026-11-28T10:00:09.000Z' },
    });
    expect(getItems()).toEqual([
      { consistentRead: false, fault: null },
      { consistentRead: false, fault: null },
      { consistentRead: true, fault: null },
    ]);
  });

  it('calls a record that ISB’s order cannot explain a conflict, after a consistent read: one WARN, one metric, no values', async () => {
    const lease = await write(freshLease(), { status: 'PendingApproval' });

    const notification = await handler.invoke(
      leaseEvent({ leaseId: lease.uuid, userEmail: lease.userEmail, deniedBy: 'sam.manager@example.gov.uk' }, 'LeaseDenied'),
    );

    expect(notification).toMatchObject({ consistency: 'conflict', facts: { deniedBy: 'sam.manager@example.gov.uk' } });
    expect(getItems().map((item) => item.consistentRead)).toEqual([false, true]);
    expect(output.metric(EnrichmentMetric.ConsistencyConflict)).toEqual([1]);
    expect(output.fields('WARN')).toEqual([
      expect.objectContaining({
        message: 'Lease record contradicts the event, even after a consistent read; notification goes with the record as read',
        detailType: 'LeaseDenied',
        leaseStatus: 'PendingApproval',
        statusesAtPublish: ['ApprovalDenied'],
      }),
    ]);
    expect(output.text()).not.toContain('@example.gov.uk');
  });
});
