import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { LEASE_STATUSES, type Lease } from '../../../src/lease.js';
import { EnrichmentMetric } from '../../../src/metric-names.js';
import {
  type EnrichmentReportOptions,
  enrichmentReport,
  fingerprintFields,
  leaseFingerprint,
} from '../../../src/middleware/enrichment-report/index.js';
import { ENRICHMENT_INTERNAL, type EnrichmentRecord, type LeaseInternal } from '../../../src/middleware/types.js';
import { lambdaContext, leaseRecords, recordWithStatus, testLogger, testMetrics } from '../../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../../support/output.js';

// The fingerprint of the field set { status, uuid }: SHA-256 of "status\nuuid", first 16 hex digits.
const PINNED_STATUS_UUID = '7cbedb877222e61b';

/** A record that departs from ISB's model, typed as what DynamoDB handed over. */
const drifted = (record: object): Lease => record as Lease;

const enriched = (lease: Lease, durations = [4.2]): EnrichmentRecord => ({
  outcome: { status: 'enriched' },
  lease,
  attempts: durations.map((durationMs) => ({ durationMs, result: 'found' })),
  throttled: 0,
  circuitOpened: false,
});

/** The middleware on a minimal handler, with Powertools flushing the metrics to stdout: one per container. */
const reporter = (options: Partial<EnrichmentReportOptions> = {}) => {
  const metrics = testMetrics();
  let record: EnrichmentRecord | undefined;
  const handler = middy<unknown, string, Error, Context, LeaseInternal>()
    .use(logMetrics(metrics))
    .before((request) => {
      if (record) request.internal[ENRICHMENT_INTERNAL] = record;
    })
    .use(enrichmentReport({ logger: testLogger(), metrics, ...options }))
    .handler(() => 'notification sent');
  return (next: EnrichmentRecord | undefined) => {
    record = next;
    return handler({}, lambdaContext());
  };
};

const report = (record: EnrichmentRecord | undefined, options: Partial<EnrichmentReportOptions> = {}) => reporter(options)(record);

describe('enrichmentReport', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());

  describe('emits EMF metrics in the function namespace', () => {
    it('EnrichmentQueryLatencyMs in milliseconds for every attempt, and the outcome count', async () => {
      await report({
        outcome: { status: 'enriched' },
        lease: recordWithStatus('Active'),
        attempts: [
          { durationMs: 11.5, result: 'ProvisionedThroughputExceededException' },
          { durationMs: 7.25, result: 'found' },
        ],
        throttled: 1,
        circuitOpened: false,
      });

      const [doc] = output.emf();
      expect(doc?._aws).toMatchObject({
        CloudWatchMetrics: [
          {
            Namespace: 'LeaseEnrichmentTest',
            Dimensions: [['service']],
            Metrics: expect.arrayContaining([{ Name: EnrichmentMetric.QueryLatency, Unit: 'Milliseconds' }]),
          },
        ],
      });
      expect(output.metric(EnrichmentMetric.QueryLatency)).toEqual([11.5, 7.25]);
      expect(output.metric(EnrichmentMetric.Enriched)).toEqual([1]);
      expect(output.metric(EnrichmentMetric.Throttled)).toEqual([1]);
      expect(output.metric(EnrichmentMetric.Failed)).toEqual([]);
    });

    it.each([
      ['not-found', { status: 'not-found' }, EnrichmentMetric.NotFound],
      ['failed', { status: 'failed', reason: 'AccessDeniedException' }, EnrichmentMetric.Failed],
      ['skipped', { status: 'skipped', reason: 'invalid-lease-key' }, EnrichmentMetric.Skipped],
    ] as const)('one count for %s, and nothing else when nothing else happened', async (_status, outcome, metric) => {
      await report({ outcome, attempts: [], throttled: 0, circuitOpened: false });

      expect(output.metrics()).toEqual({ [metric]: [1] });
    });

    it('a skip by the open breaker counts as skipped and as circuit-open', async () => {
      await report({ outcome: { status: 'skipped', reason: 'circuit-open' }, attempts: [], throttled: 0, circuitOpened: false });

      expect(output.metrics()).toEqual({ [EnrichmentMetric.Skipped]: [1], [EnrichmentMetric.SkippedCircuitOpen]: [1] });
    });

    it('a failure whose error calls itself circuit-open is a failure, not a skip by the breaker', async () => {
      await report({ outcome: { status: 'failed', reason: 'circuit-open' }, attempts: [], throttled: 0, circuitOpened: false });

      expect(output.metrics()).toEqual({ [EnrichmentMetric.Failed]: [1] });
    });

    it('a lease found at the first attempt: its latency and the count, and no throttle, breaker or drift metric', async () => {
      await report(enriched(recordWithStatus('Active'), [4.5]));

      expect(output.metrics()).toEqual({ [EnrichmentMetric.QueryLatency]: [4.5], [EnrichmentMetric.Enriched]: [1] });
    });

    it('throttles and the breaker opening', async () => {
      await report({
        outcome: { status: 'failed', reason: 'throttled' },
        attempts: [
          { durationMs: 3, result: 'ProvisionedThroughputExceededException' },
          { durationMs: 2, result: 'ProvisionedThroughputExceededException' },
        ],
        throttled: 2,
        circuitOpened: true,
      });

      expect(output.metrics()).toEqual({
        [EnrichmentMetric.QueryLatency]: [3, 2],
        [EnrichmentMetric.Failed]: [1],
        [EnrichmentMetric.Throttled]: [2],
        [EnrichmentMetric.CircuitOpened]: [1],
      });
    });
  });

  describe('logs one INFO line per enrichment', () => {
    it('with the fingerprint of the lease beside its status, and no other lease value', async () => {
      const lease = recordWithStatus('Frozen');

      await report(enriched(lease, [4.256]));

      expect(output.fields('INFO')).toEqual([
        {
          message: 'Lease enrichment',
          enrichment: { status: 'enriched' },
          attempts: 1,
          queryLatencyMs: [4.26],
          schemaFingerprint: leaseFingerprint(lease),
          leaseStatus: 'Frozen',
        },
      ]);
      for (const value of [lease.userEmail, lease.uuid, lease.awsAccountId, lease.approvedBy, '191.02']) {
        expect(output.text()).not.toContain(String(value));
      }
    });

    it('without a fingerprint when there is no lease', async () => {
      await report({
        outcome: { status: 'not-found' },
        attempts: [{ durationMs: 1.004, result: 'not-found' }],
        throttled: 0,
        circuitOpened: false,
      });

      expect(output.fields('INFO')).toEqual([
        { message: 'Lease enrichment', enrichment: { status: 'not-found' }, attempts: 1, queryLatencyMs: [1] },
      ]);
    });

    it('leaves the status out when the record has no string status', async () => {
      await report(enriched(drifted({ userEmail: 'x@example.gov.uk', uuid: 'u', status: 7 })));

      expect(output.logs('INFO')[0]).not.toHaveProperty('leaseStatus');
    });
  });

  describe("judges every lease against ISB's lease model", () => {
    it('finds no drift in any fixture lease: every status, as ISB really stores it', async () => {
      for (const lease of leaseRecords) await report(enriched(lease));

      expect(output.logs('WARN')).toEqual([]);
      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([]);
      expect(new Set(output.logs('INFO').map((line) => line.leaseStatus))).toEqual(new Set(LEASE_STATUSES));
    });

    it.each([
      ['a field no ISB status has', { sandboxTier: 'gold' }, [{ kind: 'unknown-field', fields: ['sandboxTier'] }]],
      ['a status ISB does not define', { status: 'Suspended' }, [{ kind: 'unknown-status', fields: ['status'] }]],
      ['a newer schema version', { meta: { schemaVersion: 4 } }, [{ kind: 'schema-version', fields: ['meta.schemaVersion'] }]],
      ['a number stored as a string', { maxSpend: '50' }, [{ kind: 'wrong-type', fields: ['maxSpend'] }]],
    ])('warns with kind and field names, never values, and counts it: %s', async (_case, change, drift) => {
      const lease = drifted({ ...recordWithStatus('Active'), ...change });

      await report(enriched(lease));

      expect(output.fields('WARN')).toEqual([
        {
          message: "Lease schema drift: the record departs from ISB's lease model",
          schemaFingerprint: leaseFingerprint(lease),
          leaseStatus: lease.status,
          drift,
          fields: Object.keys(lease).sort(),
        },
      ]);
      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([1]);
      expect(output.text()).not.toMatch(/gold|"50"/);
    });

    it('names a field the status requires when it is missing', async () => {
      const { lastCheckedDate: _dropped, ...lease } = recordWithStatus('Frozen');

      await report(enriched(drifted(lease)));

      expect(output.logs('WARN')[0]).toMatchObject({
        leaseStatus: 'Frozen',
        drift: [{ kind: 'missing-field', fields: ['lastCheckedDate'] }],
      });
    });

    it('writes the WARN once per fingerprint and findings, and counts every drifted lease', async () => {
      const invoke = reporter();
      const lease = drifted({ ...recordWithStatus('Active'), sandboxTier: 'gold' });

      await invoke(enriched(lease));
      await invoke(enriched(lease));
      await invoke(enriched(drifted({ ...recordWithStatus('Frozen'), sandboxTier: 'gold' })));

      expect(output.logs('WARN').map((line) => line.leaseStatus)).toEqual(['Active', 'Frozen']);
      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([1, 1, 1]);
    });

    it('writes a WARN again when the same field set drifts in another way', async () => {
      const invoke = reporter();
      const lease = drifted({ ...recordWithStatus('Active'), sandboxTier: 'gold' });

      await invoke(enriched(lease));
      await invoke(enriched(drifted({ ...lease, status: 'Suspended' })));
      await invoke(enriched(drifted({ ...lease, maxSpend: '50' })));

      expect(output.logs('WARN').map((line) => line.drift)).toEqual([
        [{ kind: 'unknown-field', fields: ['sandboxTier'] }],
        [
          { kind: 'unknown-field', fields: ['sandboxTier'] },
          { kind: 'unknown-status', fields: ['status'] },
        ],
        [
          { kind: 'unknown-field', fields: ['sandboxTier'] },
          { kind: 'wrong-type', fields: ['maxSpend'] },
        ],
      ]);
    });

    it('keeps writing WARN lines when there are more drifted shapes than it remembers', async () => {
      const invoke = reporter();
      const shapes = Array.from({ length: 257 }, (_, index) => drifted({ ...recordWithStatus('Active'), [`extra${index}`]: 1 }));

      for (const lease of shapes) await invoke(enriched(lease));
      await invoke(enriched(shapes[0]!));
      await invoke(enriched(shapes[256]!));

      expect(output.logs('WARN')).toHaveLength(258);
      expect(output.metric(EnrichmentMetric.SchemaDrift)).toHaveLength(259);
    });

    it("accepts an operator's allow-listed field set, but still reports its values", async () => {
      const extra = drifted({ ...recordWithStatus('Active'), sandboxTier: 'gold' });
      const wrongStatus = drifted({ ...extra, status: 'Suspended' });

      await report(enriched(extra), { knownFingerprints: [leaseFingerprint(extra)] });
      await report(enriched(wrongStatus), { knownFingerprints: [leaseFingerprint(extra)] });

      expect(output.logs('WARN').map((line) => line.drift)).toEqual([[{ kind: 'unknown-status', fields: ['status'] }]]);
      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([1]);
    });

    it('takes the allow-list from LEASE_KNOWN_FINGERPRINTS by default', async () => {
      const lease = drifted({ ...recordWithStatus('Active'), sandboxTier: 'gold' });
      process.env.LEASE_KNOWN_FINGERPRINTS = ` 1111111111111111, ${leaseFingerprint(lease)} ,`;

      await report(enriched(lease));
      delete process.env.LEASE_KNOWN_FINGERPRINTS;

      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([]);
    });
  });

  it('logs an ERROR and emits nothing when no enrichment ran before it', async () => {
    await expect(report(undefined)).resolves.toBe('notification sent');

    expect(output.logs('ERROR')).toEqual([
      expect.objectContaining({ message: 'No enrichment to report: use enrichmentReport after leaseEnrichment' }),
    ]);
    expect(output.metric(EnrichmentMetric.Skipped)).toEqual([]);
  });
});

describe('fingerprints', () => {
  it('depend on field names, not their order or values', () => {
    expect(leaseFingerprint({ b: 1, a: 2 })).toBe(leaseFingerprint({ a: 'x', b: 'y' }));
    expect(leaseFingerprint({ a: 1 })).not.toBe(leaseFingerprint({ a: 1, b: 1 }));
    expect(fingerprintFields(['status', 'uuid'])).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tell hundreds of field sets apart, each the same whatever its order', () => {
    const sets = Array.from({ length: 400 }, (_, i) => [`field${i}`, 'uuid']);

    const first = sets.map((fields) => fingerprintFields(fields));
    const again = sets.map((fields) => fingerprintFields([...fields].reverse()));

    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(400);
  });

  it("are pinned: an operator's configured fingerprint keeps matching the same field set", () => {
    expect(fingerprintFields(['uuid', 'status'])).toBe(PINNED_STATUS_UUID);
    expect(fingerprintFields(['ab', 'c'])).not.toBe(fingerprintFields(['a', 'bc']));
  });
});
