import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { LEASE_RECORD_SHAPES, type LeaseRecord } from '../../../src/lease.js';
import { EnrichmentMetric } from '../../../src/metric-names.js';
import {
  baselineFingerprints,
  enrichmentReport,
  fingerprintFields,
  leaseFingerprint,
  type EnrichmentReportOptions,
} from '../../../src/middleware/enrichment-report/index.js';
import { ENRICHMENT_INTERNAL, type EnrichmentRecord, type LeaseInternal } from '../../../src/middleware/types.js';
import { captureOutput, type CapturedOutput } from '../../support/output.js';
import { lambdaContext, leaseRecords, recordWithStatus, testLogger, testMetrics } from '../../support/lambda.js';

const enriched = (lease: LeaseRecord, durations = [4.2]): EnrichmentRecord => ({
  outcome: { status: 'enriched' },
  lease,
  attempts: durations.map((durationMs) => ({ durationMs, result: 'found' })),
  throttled: 0,
  circuitOpened: false,
});

/** The middleware on a minimal handler, with Powertools flushing the metrics to stdout. */
const report = async (record: EnrichmentRecord | undefined, options: Partial<EnrichmentReportOptions> = {}) => {
  const metrics = testMetrics();
  const handler = middy<unknown, string, Error, Context, LeaseInternal>()
    .use(logMetrics(metrics))
    .before((request) => {
      if (record) request.internal[ENRICHMENT_INTERNAL] = record;
    })
    .use(enrichmentReport({ logger: testLogger(), metrics, ...options }))
    .handler(() => 'notification sent');
  return handler({}, lambdaContext());
};

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
    ] as const)('one count for %s', async (_status, outcome, metric) => {
      await report({ outcome, attempts: [], throttled: 0, circuitOpened: false });

      expect(output.metric(metric)).toEqual([1]);
      expect(output.metric(EnrichmentMetric.QueryLatency)).toEqual([]);
      expect(output.metric(EnrichmentMetric.SkippedCircuitOpen)).toEqual([]);
    });

    it('a skip by the open breaker counts as skipped and as circuit-open', async () => {
      await report({ outcome: { status: 'skipped', reason: 'circuit-open' }, attempts: [], throttled: 0, circuitOpened: false });

      expect(output.metric(EnrichmentMetric.Skipped)).toEqual([1]);
      expect(output.metric(EnrichmentMetric.SkippedCircuitOpen)).toEqual([1]);
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

      expect(output.metric(EnrichmentMetric.Throttled)).toEqual([2]);
      expect(output.metric(EnrichmentMetric.CircuitOpened)).toEqual([1]);
      expect(output.metric(EnrichmentMetric.QueryLatency)).toEqual([3, 2]);
    });
  });

  describe('logs one INFO line per enrichment', () => {
    it('with the fingerprint of the lease beside its status, and no other lease value', async () => {
      const lease = recordWithStatus('Frozen');

      await report(enriched(lease));

      expect(output.logs('INFO')).toEqual([
        expect.objectContaining({
          message: 'Lease enrichment',
          enrichment: { status: 'enriched' },
          attempts: 1,
          queryLatencyMs: [4.2],
          schemaFingerprint: leaseFingerprint(lease),
          leaseStatus: 'Frozen',
        }),
      ]);
      for (const value of [lease.userEmail, lease.uuid, lease.awsAccountId, lease.approvedBy, '191.02']) {
        expect(output.text()).not.toContain(String(value));
      }
    });

    it('without a fingerprint when there is no lease', async () => {
      await report({ outcome: { status: 'not-found' }, attempts: [{ durationMs: 1, result: 'not-found' }], throttled: 0, circuitOpened: false });

      const [line] = output.logs('INFO');
      expect(line).toMatchObject({ message: 'Lease enrichment', enrichment: { status: 'not-found' } });
      expect(line).not.toHaveProperty('schemaFingerprint');
    });

    it('leaves the status out when the record has no string status', async () => {
      await report(enriched({ userEmail: 'x@example.gov.uk', uuid: 'u', status: 7 }));

      expect(output.logs('INFO')[0]).not.toHaveProperty('leaseStatus');
    });
  });

  describe('detects schema drift', () => {
    it('accepts every fixture lease as a known shape by default', async () => {
      for (const lease of leaseRecords) await report(enriched(lease));

      expect(output.logs('WARN')).toEqual([]);
      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([]);
      expect(new Set(output.logs('INFO').map((line) => line.schemaFingerprint)).size).toBe(leaseRecords.length);
    });

    it('warns with the field names, never the values, and counts it, for a new field set', async () => {
      const lease = { ...recordWithStatus('Active'), blueprintName: 'Serverless starter' };

      await report(enriched(lease));

      expect(output.logs('WARN')).toEqual([
        expect.objectContaining({
          message: 'Lease schema drift: a field set outside the known fingerprints',
          schemaFingerprint: leaseFingerprint(lease),
          leaseStatus: 'Active',
          fields: Object.keys(lease).sort(),
        }),
      ]);
      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([1]);
      expect(output.text()).not.toContain('Serverless starter');
    });

    it('takes the known set from its options instead of the baseline', async () => {
      const lease = recordWithStatus('Active');

      await report(enriched(lease), { knownFingerprints: ['0000000000000000'] });

      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([1]);
    });

    it('adds the fingerprints in LEASE_KNOWN_FINGERPRINTS to the baseline', async () => {
      const lease = { ...recordWithStatus('Active'), blueprintName: 'Serverless starter' };
      process.env.LEASE_KNOWN_FINGERPRINTS = ` 1111111111111111, ${leaseFingerprint(lease)} ,`;

      await report(enriched(lease));
      await report(enriched(recordWithStatus('Expired')));
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

  it('stay right for any number of field sets, beyond those remembered', () => {
    const sets = Array.from({ length: 400 }, (_, i) => [`field${i}`, 'uuid']);

    const first = sets.map((fields) => fingerprintFields(fields));
    const again = sets.map((fields) => fingerprintFields([...fields].reverse()));

    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(400);
  });

  it('form a baseline of every status shape with and without each optional field', () => {
    const baseline = baselineFingerprints();

    expect(baseline).toHaveLength(LEASE_RECORD_SHAPES.shapes.length * 2 ** LEASE_RECORD_SHAPES.optional.length);
    expect(new Set(baseline).size).toBe(baseline.length);
  });
});
