import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, type GetCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createNotificationHandler, type LeaseEvent, notify } from '../../../src/handlers/notification.js';
import { leaseSummary } from '../../../src/lease.js';
import { EnrichmentMetric } from '../../../src/metric-names.js';
import { CircuitBreaker, createLeaseDocumentClient } from '../../../src/middleware/lease-enrichment/index.js';
import { lambdaContext, leaseEvent, leaseEvents, leaseRecords, recordWithStatus, testLogger, testMetrics } from '../../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../../support/output.js';
import { settle } from '../../support/timers.js';

const ddb = mockClient(DynamoDBDocumentClient);

/** A mocked LeaseTable holding the fixture leases. */
const serveFixtureLeases = () =>
  ddb.on(GetCommand).callsFake((input: GetCommandInput) => ({
    Item: leaseRecords.find((lease) => lease.userEmail === input.Key?.userEmail && lease.uuid === input.Key?.uuid),
  }));

const buildHandler = ({ tableName }: { tableName?: string } = { tableName: 'LeaseTable' }) =>
  createNotificationHandler({
    logger: testLogger(),
    metrics: testMetrics(),
    client: createLeaseDocumentClient(),
    tableName,
    circuitBreaker: new CircuitBreaker(),
  });

const byId = (id: string) => {
  const event = leaseEvents.find((item) => item.id.startsWith(`5d2f3c4b-${id}`));
  if (!event) throw new Error(`no fixture event ${id}`);
  return event;
};

describe('notification handler', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    ddb.reset();
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it('turns a lease event into a notification with the lease a message needs', async () => {
    serveFixtureLeases();
    const event = byId('0005'); // LeaseFrozen, leaseId object

    const notification = await buildHandler()(event, lambdaContext());

    const lease = recordWithStatus('Frozen');
    expect(notification).toEqual({
      eventId: event.id,
      detailType: 'LeaseFrozen',
      source: 'InnovationSandbox-myisb',
      time: '2026-11-25T10:05:00Z',
      recipient: lease.userEmail,
      facts: {
        accountId: '444455556666',
        reason: { type: 'BudgetExceeded', triggeredBudgetThreshold: 190, budget: 200, totalSpend: 191.02 },
      },
      enriched: true,
      enrichment: { status: 'enriched' },
      consistency: 'consistent',
      lease: {
        uuid: lease.uuid,
        status: 'Frozen',
        originalLeaseTemplateName: 'Data science sandbox (14 days)',
        awsAccountId: '444455556666',
        maxSpend: 200,
        totalCostAccrued: 191.02,
        leaseDurationInHours: 336,
        startDate: '2026-11-12T08:30:00.000Z',
        expirationDate: '2026-11-26T08:30:00.000Z',
      },
    });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'LeaseTable', Key: { userEmail: lease.userEmail, uuid: lease.uuid } });
  });

  it('builds with notify, the thin handler, the notification the whole handler returns', async () => {
    serveFixtureLeases();
    const event = byId('0024');
    const context = lambdaContext();

    const notification = await buildHandler()(event, context);

    expect(notify(event, context)).toEqual(notification);
    expect(notification).toMatchObject({
      consistency: 'event-newer',
      leaseAsOf: '2026-11-25T10:00:00.000Z',
      lease: { totalCostAccrued: 52.75 },
    });
  });

  it('names a fact of the wrong shape in one WARN line, never its value, and leaves it out', async () => {
    serveFixtureLeases();
    const event = byId('0003');
    const hostile = {
      ...event,
      detail: { ...(event.detail as object), totalSpend: 'grace.hopper@example.gov.uk', extra: 'x' },
    } as LeaseEvent;

    const notification = await buildHandler()(hostile, lambdaContext());

    expect(notification.facts).not.toHaveProperty('totalSpend');
    expect(notification.facts).not.toHaveProperty('extra');
    expect(output.fields('WARN')).toEqual([
      expect.objectContaining({
        message: "Lease event facts left out: the detail departs from ISB's schema",
        leftOut: ['totalSpend'],
        missing: [],
      }),
    ]);
    expect(output.text()).not.toContain('grace.hopper@');
  });

  it('produces a notification for every fixture event, degrading where it must', async () => {
    serveFixtureLeases();
    const handler = buildHandler();

    const outcomes: Record<string, unknown> = {};
    const consistency: Record<string, unknown> = {};
    for (const event of leaseEvents) {
      const notification = await handler(event, lambdaContext());
      outcomes[`${event.id.slice(9, 13)} ${event['detail-type']}`] = notification.enrichment;
      consistency[`${event.id.slice(9, 13)} ${event['detail-type']}`] = notification.consistency;
      // The record as read, but for the spend of a budget alert published before the scan's write (0024).
      const record = leaseRecords.find((item) => item.uuid === notification.lease?.uuid) ?? {};
      const spend = (notification.facts as { totalSpend?: number }).totalSpend;
      const current = notification.consistency === 'event-newer' && spend !== undefined ? { totalCostAccrued: spend } : {};
      expect(notification.lease).toEqual(notification.enriched ? { ...leaseSummary(record), ...current } : undefined);
    }

    expect(consistency).toEqual({
      '0001 LeaseRequested': 'consistent',
      '0002 LeaseApproved': 'consistent',
      '0003 LeaseBudgetThresholdAlert': 'event-newer',
      '0004 LeaseFreezingThresholdAlert': 'event-newer',
      '0005 LeaseFrozen': 'consistent',
      '0006 LeaseDurationThresholdAlert': 'event-newer',
      '0007 LeaseExpired': 'superseded',
      '0008 LeaseDenied': 'consistent',
      '0009 LeaseUnfrozen': 'consistent',
      '0010 LeaseBudgetExceeded': 'superseded',
      '0011 LeaseTerminated': 'consistent',
      '0012 LeaseProvisioningFailed': 'consistent',
      '0013 LeaseTerminated': 'consistent',
      '0014 LeaseTerminated': 'consistent',
      '0015 LeaseTerminated': 'consistent',
      '0016 BlueprintDeploymentRequest': null,
      '0017 BlueprintDeploymentSucceeded': null,
      '0018 BlueprintDeploymentFailed': null,
      '0019 LeaseFrozen': 'consistent',
      '0020 LeaseApproved': null,
      '0021 LeaseFrozen': null,
      '0022 LeaseBudgetExceeded': null,
      '0023 LeaseExpired': null,
      '0024 LeaseBudgetThresholdAlert': 'event-newer',
      '0025 LeaseExpired': 'event-newer',
    });

    expect(outcomes).toEqual({
      '0001 LeaseRequested': { status: 'enriched' },
      '0002 LeaseApproved': { status: 'enriched' },
      '0003 LeaseBudgetThresholdAlert': { status: 'enriched' },
      '0004 LeaseFreezingThresholdAlert': { status: 'enriched' },
      '0005 LeaseFrozen': { status: 'enriched' },
      '0006 LeaseDurationThresholdAlert': { status: 'enriched' },
      '0007 LeaseExpired': { status: 'enriched' },
      '0008 LeaseDenied': { status: 'enriched' },
      '0009 LeaseUnfrozen': { status: 'enriched' },
      '0010 LeaseBudgetExceeded': { status: 'enriched' },
      '0011 LeaseTerminated': { status: 'enriched' },
      '0012 LeaseProvisioningFailed': { status: 'enriched' },
      '0013 LeaseTerminated': { status: 'enriched' },
      '0014 LeaseTerminated': { status: 'enriched' },
      '0015 LeaseTerminated': { status: 'enriched' },
      '0016 BlueprintDeploymentRequest': { status: 'enriched' },
      '0017 BlueprintDeploymentSucceeded': { status: 'enriched' },
      '0018 BlueprintDeploymentFailed': { status: 'enriched' },
      '0019 LeaseFrozen': { status: 'enriched' },
      '0020 LeaseApproved': { status: 'not-found' },
      '0021 LeaseFrozen': { status: 'skipped', reason: 'invalid-lease-key' },
      '0022 LeaseBudgetExceeded': { status: 'skipped', reason: 'invalid-lease-key' },
      '0023 LeaseExpired': { status: 'skipped', reason: 'invalid-lease-key' },
      '0024 LeaseBudgetThresholdAlert': { status: 'enriched' },
      '0025 LeaseExpired': { status: 'enriched' },
    });
    // 22 lookups, and a consistent re-read for the two leases that have moved on since their event.
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 24);
    expect(ddb.commandCalls(GetCommand).filter((call) => call.args[0].input.ConsistentRead === true)).toHaveLength(2);
  });

  it('never writes an email address to its logs, the input/output lines included', async () => {
    serveFixtureLeases();
    const handler = buildHandler();

    for (const event of leaseEvents) await handler(event, lambdaContext());

    const logged = output.text();
    expect(output.logs().filter((line) => line.message === 'Input/output')).toHaveLength(leaseEvents.length * 2);
    expect(logged).toContain('[email]');
    expect(logged).not.toMatch(/@example\.gov\.uk/);
    expect(logged).not.toContain('@');
  });

  it('logs whole events and notifications only in invocations at DEBUG, and costs nothing at INFO', async () => {
    serveFixtureLeases();
    const logger = testLogger();
    logger.setLogLevel('INFO');
    const debug = jest.spyOn(logger, 'debug');
    const handler = createNotificationHandler({
      logger,
      metrics: testMetrics(),
      client: createLeaseDocumentClient(),
      tableName: 'LeaseTable',
    });

    await handler(byId('0002'), lambdaContext());
    expect(debug).not.toHaveBeenCalled();
    logger.setLogLevel('DEBUG');
    await handler(byId('0002'), lambdaContext());

    expect(output.logs('DEBUG').map((line) => Object.keys(line).filter((key) => key === 'event' || key === 'response'))).toEqual([
      ['event'],
      ['response'],
    ]);
  });

  it('flushes its metrics once per invocation', async () => {
    serveFixtureLeases();
    const handler = buildHandler();

    await handler(byId('0002'), lambdaContext());
    await handler(byId('0020'), lambdaContext());
    await handler(byId('0023'), lambdaContext());

    const enrichmentDocs = output.emf().filter((doc) => !('ColdStart' in doc));
    expect(enrichmentDocs).toHaveLength(3);
    expect(output.metric(EnrichmentMetric.Enriched)).toEqual([1]);
    expect(output.metric(EnrichmentMetric.NotFound)).toEqual([1]);
    expect(output.metric(EnrichmentMetric.Skipped)).toEqual([1]);
    expect(output.metric(EnrichmentMetric.QueryLatency)).toHaveLength(2);
  });

  it('still notifies when the table is throttled twice, with a warning and a metric', async () => {
    jest.useFakeTimers();
    ddb.on(GetCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } }));

    const notification = await settle(buildHandler()(byId('0002'), lambdaContext()));
    jest.useRealTimers();

    expect(notification).toMatchObject({ enriched: false, enrichment: { status: 'failed', reason: 'throttled' } });
    expect(notification).not.toHaveProperty('lease');
    expect(output.logs('WARN')).toEqual([expect.objectContaining({ reason: 'throttled' })]);
    expect(output.metric(EnrichmentMetric.Failed)).toEqual([1]);
    expect(output.metric(EnrichmentMetric.Throttled)).toEqual([2]);
  });

  it('still notifies without LEASE_TABLE_NAME, with an ERROR and a skipped count', async () => {
    delete process.env.LEASE_TABLE_NAME;

    const notification = await buildHandler({})(byId('0002'), lambdaContext());

    expect(notification.enrichment).toEqual({ status: 'skipped', reason: 'no-table-configured' });
    expect(output.logs('ERROR')).toEqual([expect.objectContaining({ reason: 'no-table-configured' })]);
    expect(output.metric(EnrichmentMetric.Skipped)).toEqual([1]);
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 0);
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['an array', [leaseEvent({})]],
    ['an event without id, source or detail-type', { detail: { userEmail: 'x@example.gov.uk', uuid: 'u' } }],
  ])('answers an event that is %s with a notification of nulls', async (_case, event) => {
    ddb.on(GetCommand).resolves({});

    const notification = await buildHandler()(event as unknown as LeaseEvent, lambdaContext());

    expect(notification).toMatchObject({ eventId: null, detailType: null, source: null, enriched: false });
  });

  describe('on hostile input, with every event logged at DEBUG', () => {
    it('masks a 256 KB event built to make masking quadratic in well under its timeout', async () => {
      serveFixtureLeases();
      const event = byId('0004');
      const withComments = (comments: string) => ({ ...event, detail: { ...(event.detail as object), comments } }) as LeaseEvent;
      const handler = buildHandler();
      const timed = async (comments: string) => {
        const started = performance.now();
        const notification = await handler(withComments(comments), lambdaContext());
        return { notification, elapsedMs: performance.now() - started };
      };
      // Linear: tens of ms, about what as much ordinary text costs; the quadratic masker took about a
      // minute. The bound grows with this machine's time for ordinary text, so a slow one cannot flake.
      const ordinary = await timed('from ada@example.gov.uk: extend lease 7b2e4c1d please; '.repeat((256 * 1024) / 55));

      const { notification, elapsedMs } = await timed(`${'a'.repeat(256 * 1024)}@`);

      expect(notification.enrichment).toEqual({ status: 'enriched' });
      expect(elapsedMs).toBeLessThan(Math.max(3000, 20 * ordinary.elapsedMs));
      expect(output.logs('DEBUG').filter((line) => line.message === 'Input/output')).toHaveLength(4);
    });

    it('still notifies for an event nested too deep to log, and says so on stderr', async () => {
      serveFixtureLeases();
      const event = byId('0004');
      let deep: unknown = 'bottom';
      for (let level = 0; level < 20_000; level += 1) deep = [deep];

      const notification = await buildHandler()({ ...event, detail: { ...(event.detail as object), deep } } as LeaseEvent, lambdaContext());

      expect(notification.enrichment).toEqual({ status: 'enriched' });
      expect(output.lines.filter((line) => line.stream === 'stderr').map((line) => line.json?.message)).toEqual([
        'inputOutputLogger: debug() failed; the invocation goes on without it',
      ]);
    });
  });

  it('still notifies when every log call throws, as it would with a working logger', async () => {
    serveFixtureLeases();
    const logger = testLogger();
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      jest.spyOn(logger, level).mockImplementation(() => {
        throw new Error('stdout closed');
      });
    }
    const broken = createNotificationHandler({
      logger,
      metrics: testMetrics(),
      client: createLeaseDocumentClient(),
      tableName: 'LeaseTable',
      circuitBreaker: new CircuitBreaker(),
    });
    const working = buildHandler();

    for (const event of leaseEvents) {
      const notification = await broken(event, lambdaContext());

      expect(notification).toEqual(await working(event, lambdaContext()));
    }
    expect(output.metric(EnrichmentMetric.Enriched).length).toBeGreaterThan(0);
  });
});
