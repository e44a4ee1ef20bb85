import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FaultProxy, startFaultProxy } from '../../local/fault-proxy.js';
import { EnrichmentMetric } from '../../src/metric-names.js';
import { leaseFingerprint } from '../../src/middleware/enrichment-report/fingerprint.js';
import type { LeaseKeyProblem } from '../../src/middleware/types.js';
import { leaseEvents, leaseRecords } from '../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../support/output.js';
import { buildHandler, type TestHandler } from './handlers.js';
import {
  declareUncoveredTargets,
  describeOnLocalEngine,
  EMAIL_IN_CLEAR,
  eventFor,
  type IntegrationTarget,
  NO_FIXTURES_ON_AWS,
  NO_PROXY_ON_AWS,
  ON_LOCAL_ENGINE,
  START_TIMEOUT_MS,
  startTarget,
  TARGET,
  unknownKey,
} from './harness.js';

/**
 * What each fixture event must give, by the second group of its id. `consistency`: how the seeded
 * record stands to the event (docs/lease-events.md); `null` without a lease or for a blueprint event.
 */
const FIXTURE_OUTCOMES: Record<string, { status: string; consistency: string | null; leaseStatus?: string; problems?: LeaseKeyProblem[] }> =
  {
    '0001': { status: 'enriched', leaseStatus: 'PendingApproval', consistency: 'consistent' },
    '0002': { status: 'enriched', leaseStatus: 'Active', consistency: 'consistent' },
    '0003': { status: 'enriched', leaseStatus: 'Active', consistency: 'event-newer' },
    '0004': { status: 'enriched', leaseStatus: 'Frozen', consistency: 'event-newer' },
    '0005': { status: 'enriched', leaseStatus: 'Frozen', consistency: 'consistent' },
    '0006': { status: 'enriched', leaseStatus: 'Active', consistency: 'event-newer' },
    '0007': { status: 'enriched', leaseStatus: 'Expired', consistency: 'superseded' },
    '0008': { status: 'enriched', leaseStatus: 'ApprovalDenied', consistency: 'consistent' },
    '0009': { status: 'enriched', leaseStatus: 'Active', consistency: 'consistent' },
    '0010': { status: 'enriched', leaseStatus: 'BudgetExceeded', consistency: 'superseded' },
    '0011': { status: 'enriched', leaseStatus: 'ManuallyTerminated', consistency: 'consistent' },
    '0012': { status: 'enriched', leaseStatus: 'PendingApproval', consistency: 'consistent' },
    '0013': { status: 'enriched', leaseStatus: 'AccountQuarantined', consistency: 'consistent' },
    '0014': { status: 'enriched', leaseStatus: 'Ejected', consistency: 'consistent' },
    '0015': { status: 'enriched', leaseStatus: 'ProvisioningFailed', consistency: 'consistent' },
    '0016': { status: 'enriched', leaseStatus: 'Provisioning', consistency: null },
    '0017': { status: 'enriched', leaseStatus: 'Active', consistency: null },
    '0018': { status: 'enriched', leaseStatus: 'ProvisioningFailed', consistency: null },
    '0019': { status: 'enriched', leaseStatus: 'Frozen', consistency: 'consistent' },
    '0020': { status: 'not-found', consistency: null },
    '0021': { status: 'skipped', consistency: null, problems: [{ field: 'detail.leaseId.uuid', problem: 'missing' }] },
    '0022': {
      status: 'skipped',
      consistency: null,
      problems: [{ field: 'detail.leaseId.userEmail', problem: 'not-a-string', got: 'number' }],
    },
    '0023': { status: 'skipped', consistency: null, problems: [{ field: 'detail', problem: 'missing' }] },
    // ISB's monitoring order: the alert before the scan's write; the lifecycle race: LeaseExpired while still Active.
    '0024': { status: 'enriched', leaseStatus: 'Active', consistency: 'event-newer' },
    '0025': { status: 'enriched', leaseStatus: 'Active', consistency: 'event-newer' },
  };

const fixtureCases = leaseEvents.map((event) => {
  const key = event.id.split('-')[1] ?? '';
  const expected = FIXTURE_OUTCOMES[key];
  if (!expected) throw new Error(`no expected outcome for fixture event ${event.id}`);
  return [`${key} ${event['detail-type']}`, event, expected] as const;
});

describe(`lease enrichment through the notification handler, on ${TARGET}`, () => {
  let target: IntegrationTarget;
  let proxy: FaultProxy | undefined;
  let handler: TestHandler;
  let output: CapturedOutput;

  beforeAll(async () => {
    target = await startTarget();
    // On a local engine the handler goes through the proxy, passing through, so requests can be counted.
    proxy = ON_LOCAL_ENGINE && target.endpoint ? await startFaultProxy({ upstream: target.endpoint }) : undefined;
    handler = buildHandler(target, { endpoint: proxy?.endpoint ?? target.endpoint });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    handler?.destroy();
    await proxy?.close();
    await target?.stop();
  });

  beforeEach(() => {
    proxy?.reset();
    output = captureOutput();
  });
  afterEach(() => output.restore());

  /** The lookup's metadata in the invocation's EMF document. */
  const lookupMetadata = () => output.emf().find((document) => 'enrichment' in document);

  it('enriches an event with the lease it names, and reports its fingerprint in the EMF document', async () => {
    const notification = await handler.invoke(eventFor(target.knownLease));

    expect(notification).toMatchObject({ enriched: true, enrichment: { status: 'enriched' } });
    expect(notification.lease?.uuid).toBe(target.knownLease.uuid);
    expect(notification.lease).not.toHaveProperty('userEmail');
    expect(lookupMetadata()).toMatchObject({ enrichment: 'enriched', schemaFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(output.logs('INFO')).toEqual([]);
    expect(output.metric('EnrichmentQueryLatencyMs')).toHaveLength(1);
    expect(output.metric('LeaseEnriched')).toEqual([1]);
    // The input/output logger wrote the event: its address is there, masked.
    expect(output.text()).toContain('[email]');
    expect(output.text()).not.toMatch(EMAIL_IN_CLEAR);
  });

  it('answers not-found, with a notification, for a lease the table does not hold', async () => {
    const notification = await handler.invoke(eventFor(unknownKey(target), 'LeaseApproved'));

    expect(notification).toEqual({
      eventId: expect.any(String),
      detailType: 'LeaseApproved',
      source: 'InnovationSandbox-ndx',
      time: '2026-11-25T10:00:00Z',
      recipient: target.knownLease.userEmail,
      facts: {},
      enriched: false,
      enrichment: { status: 'not-found' },
      consistency: null,
    });
    expect(output.metric('LeaseNotFound')).toEqual([1]);
    expect(output.logs('WARN')).toEqual([]);
  });

  describeOnLocalEngine('the fixture events, on the seeded table', NO_FIXTURES_ON_AWS, () => {
    it.each(fixtureCases)('%s', async (_title, event, expected) => {
      const notification = await handler.invoke(event);

      expect(notification.eventId).toBe(event.id);
      expect(notification.enrichment.status).toBe(expected.status);
      const getItems = proxy?.requestsFor('GetItem') ?? [];
      if (expected.status === 'skipped') {
        expect(notification.enrichment).toEqual({ status: 'skipped', reason: 'invalid-lease-key' });
        expect(getItems).toHaveLength(0);
        expect(output.logs('WARN')).toEqual([
          expect.objectContaining({ message: 'Lease key invalid; enrichment skipped', problems: expected.problems }),
        ]);
      } else {
        // A second, consistent read only for a lease that has moved on since its event (0007, 0010).
        const moved = notification.consistency === 'superseded';
        expect(getItems.map((item) => item.consistentRead)).toEqual(moved ? [false, true] : [false]);
        expect(notification.consistency).toBe(expected.consistency);
      }
      if (expected.leaseStatus) {
        expect(notification.lease?.status).toBe(expected.leaseStatus);
        const record = leaseRecords.find((item) => item.uuid === notification.lease?.uuid);
        expect(lookupMetadata()).toMatchObject({
          leaseStatus: expected.leaseStatus,
          schemaFingerprint: leaseFingerprint(record ?? {}),
        });
      }
      expect(output.text()).not.toMatch(EMAIL_IN_CLEAR);
    });

    it('finds every lease as ISB stores it, in every status, without schema drift', async () => {
      for (const [, event, expected] of fixtureCases) {
        if (expected.leaseStatus) await handler.invoke(event);
      }

      const found = output.emf().filter((document) => document.enrichment === 'enriched');
      expect(new Set(found.map((line) => line.leaseStatus))).toEqual(
        new Set(Object.values(FIXTURE_OUTCOMES).flatMap((item) => item.leaseStatus ?? [])),
      );
      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([]);
      expect(output.logs('WARN')).toEqual([]);
    });
  });

  describeOnLocalEngine('connection reuse (story AC4)', NO_PROXY_ON_AWS, () => {
    it('serves 50 warm invocations over one TCP connection', async () => {
      const fresh = buildHandler(target, { endpoint: proxy?.endpoint });
      try {
        for (let index = 0; index < 50; index += 1) {
          const notification = await fresh.invoke(eventFor(target.knownLease));
          expect(notification.enrichment.status).toBe('enriched');
        }

        expect(proxy?.requestsFor('GetItem')).toHaveLength(50);
        expect(proxy?.connections).toBe(1);
        expect(new Set(proxy?.requests.map((request) => request.connection)).size).toBe(1);
      } finally {
        fresh.destroy();
      }
    });
  });

  declareUncoveredTargets();
});
