import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Lease } from '../../../../src/lease.js';
import { EnrichmentMetric } from '../../../../src/metric-names.js';
import { type EnrichmentReportOptions, enrichmentReport, leaseFingerprint } from '../../../../src/middleware/enrichment-report/index.js';
import { LEASE_LOOKUP_INTERNAL, type LeaseInternal, type LeaseLogger, type LeaseLookup } from '../../../../src/middleware/types.js';
import { lambdaContext, leaseRecords, recordWithStatus, testLogger, testMetrics } from '../../../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../../../support/output.js';

/** A record that departs from ISB's model, typed as what DynamoDB handed over. */
const drifted = (record: object): Lease => record as Lease;

const enriched = (lease: Lease, durations = [4.2]): LeaseLookup => ({
  outcome: { status: 'enriched' },
  lease,
  attempts: durations.map((durationMs) => ({ durationMs, result: 'found' })),
  throttled: 0,
  circuitOpened: false,
  reread: false,
});

/** The middleware on a minimal handler, with Powertools flushing the metrics to stdout: one per container. */
const reporter = (options: Partial<EnrichmentReportOptions> = {}) => {
  const metrics = testMetrics();
  let record: LeaseLookup | undefined;
  const handler = middy<unknown, string, Error, Context, LeaseInternal>()
    .use(logMetrics(metrics))
    .before((request) => {
      if (record) request.internal[LEASE_LOOKUP_INTERNAL] = record;
    })
    .use(enrichmentReport({ logger: testLogger(), metrics, ...options }))
    .handler(() => 'notification sent');
  return (next: LeaseLookup | undefined, context: Context = lambdaContext()) => {
    record = next;
    return handler({}, context);
  };
};

const report = (record: LeaseLookup | undefined, options: Partial<EnrichmentReportOptions> = {}) => reporter(options)(record);

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
        reread: false,
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
      await report({ outcome, attempts: [], throttled: 0, circuitOpened: false, reread: false });

      expect(output.metrics()).toEqual({ [metric]: [1] });
    });

    it('a skip by the open breaker counts as skipped and as circuit-open', async () => {
      await report({
        outcome: { status: 'skipped', reason: 'circuit-open' },
        attempts: [],
        throttled: 0,
        circuitOpened: false,
        reread: false,
      });

      expect(output.metrics()).toEqual({ [EnrichmentMetric.Skipped]: [1], [EnrichmentMetric.SkippedCircuitOpen]: [1] });
    });

    it('a failure whose error calls itself circuit-open is a failure, not a skip by the breaker', async () => {
      await report({
        outcome: { status: 'failed', reason: 'circuit-open' },
        attempts: [],
        throttled: 0,
        circuitOpened: false,
        reread: false,
      });

      expect(output.metrics()).toEqual({ [EnrichmentMetric.Failed]: [1] });
    });

    it('a consistent re-read as LeaseReread', async () => {
      await report({ ...enriched(recordWithStatus('Active'), [3, 4]), reread: true });

      expect(output.metrics()).toEqual({
        [EnrichmentMetric.QueryLatency]: [3, 4],
        [EnrichmentMetric.Enriched]: [1],
        [EnrichmentMetric.Reread]: [1],
      });
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
        reread: false,
      });

      expect(output.metrics()).toEqual({
        [EnrichmentMetric.QueryLatency]: [3, 2],
        [EnrichmentMetric.Failed]: [1],
        [EnrichmentMetric.Throttled]: [2],
        [EnrichmentMetric.CircuitOpened]: [1],
      });
    });
  });

  describe("puts the lookup's metadata in the EMF document, and writes no log line of its own", () => {
    const REQUEST_ID = lambdaContext().awsRequestId;

    it('the request id, the outcome, and the fingerprint of the lease beside its status; no other lease value', async () => {
      const lease = recordWithStatus('Frozen');

      await report(enriched(lease, [4.256]));

      expect(output.emf()).toEqual([
        expect.objectContaining({
          function_request_id: REQUEST_ID,
          enrichment: 'enriched',
          schemaFingerprint: leaseFingerprint(lease),
          leaseStatus: 'Frozen',
          [EnrichmentMetric.QueryLatency]: 4.256,
        }),
      ]);
      expect(output.emf()[0]).not.toHaveProperty('enrichmentReason');
      expect(output.logs()).toEqual([]);
      for (const value of [lease.userEmail, lease.uuid, lease.awsAccountId, lease.approvedBy, '191.02']) {
        expect(output.text()).not.toContain(String(value));
      }
    });

    it('no fingerprint and no status when there is no lease', async () => {
      await report({
        outcome: { status: 'not-found' },
        attempts: [{ durationMs: 1.004, result: 'not-found' }],
        throttled: 0,
        circuitOpened: false,
        reread: false,
      });

      const [document] = output.emf();
      expect(document).toMatchObject({ function_request_id: REQUEST_ID, enrichment: 'not-found' });
      expect(document).not.toHaveProperty('schemaFingerprint');
      expect(document).not.toHaveProperty('leaseStatus');
      expect(output.logs()).toEqual([]);
    });

    it('the reason of a skipped or failed lookup', async () => {
      await report({ ...FAILED, outcome: { status: 'skipped', reason: 'circuit-open' }, attempts: [], throttled: 0, circuitOpened: false });
      await report(FAILED);

      expect(output.emf()).toEqual([
        expect.objectContaining({ enrichment: 'skipped', enrichmentReason: 'circuit-open' }),
        expect.objectContaining({ enrichment: 'failed', enrichmentReason: 'throttled' }),
      ]);
    });

    it("masks email addresses in a record's status and an error's name, and caps them at 64 characters", async () => {
      const status = `ada.lovelace@example.gov.uk ${'x'.repeat(100)}`;
      await report(enriched(drifted({ ...recordWithStatus('Active'), status })));
      await report({ ...FAILED, outcome: { status: 'failed', reason: 'grace.hopper@example.gov.uk rejected' } });

      const [first, second] = output.emf();
      expect(first?.leaseStatus).toBe(`[email] ${'x'.repeat(56)}`);
      expect(second?.enrichmentReason).toBe('[email] rejected');
      expect(output.text()).not.toMatch(/@example\.gov\.uk/);
    });

    it('leaves the status out when the record has no string status', async () => {
      await report(enriched(drifted({ userEmail: 'x@example.gov.uk', uuid: 'u', status: 7 })));

      expect(output.emf()[0]).toHaveProperty('schemaFingerprint');
      expect(output.emf()[0]).not.toHaveProperty('leaseStatus');
      // The record drifts (a wrong type, missing fields): its WARN line names the kinds, not the value.
      expect(output.logs('WARN')).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Lease schema drift/) })]);
      expect(output.logs('WARN')[0]).not.toHaveProperty('leaseStatus');
    });

    it('leaves the request id out when the context has none', async () => {
      await reporter()(enriched(recordWithStatus('Active')), {} as Context);

      expect(output.emf()).toEqual([expect.objectContaining({ enrichment: 'enriched' })]);
      expect(output.emf()[0]).not.toHaveProperty('function_request_id');
    });
  });

  describe("judges every lease against ISB's lease model", () => {
    it('finds no drift in any fixture lease: every status, as ISB really stores it', async () => {
      for (const lease of leaseRecords) await report(enriched(lease));

      expect(output.logs('WARN')).toEqual([]);
      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([]);
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

    it('stops writing WARN lines past 256 distinct findings, and still counts every drifted lease', async () => {
      const invoke = reporter();
      const leases = Array.from({ length: 300 }, (_, index) => drifted({ ...recordWithStatus('Active'), [`extra${index}`]: 1 }));

      for (const lease of leases) await invoke(enriched(lease));
      for (const lease of leases) await invoke(enriched(lease));

      const warned = output.logs('WARN').map((line) => line.schemaFingerprint);
      expect(warned).toEqual(leases.slice(0, 256).map((lease) => leaseFingerprint(lease)));
      expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual(Array(600).fill(1));
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
      expect.objectContaining({ message: 'No lease lookup to report: use enrichmentReport after leaseEnrichment' }),
    ]);
    expect(output.metric(EnrichmentMetric.Skipped)).toEqual([]);
  });
});

const FAILED: LeaseLookup = {
  outcome: { status: 'failed', reason: 'throttled' },
  attempts: [
    { durationMs: 3, result: 'ThrottlingException' },
    { durationMs: 2, result: 'ThrottlingException' },
  ],
  throttled: 2,
  circuitOpened: true,
  reread: false,
};

const ENRICHED: LeaseLookup = {
  outcome: { status: 'enriched' },
  lease: { ...recordWithStatus('Active'), surpriseField: 'x' } as object as Lease, // drift: a WARN too
  attempts: [{ durationMs: 4, result: 'found' }],
  throttled: 0,
  circuitOpened: false,
  reread: false,
};

/** The middleware on a minimal handler, as the notification handler uses it. */
const reportWith = (record: LeaseLookup, options: Partial<EnrichmentReportOptions>) => {
  const metrics = testMetrics();
  return middy<unknown, string, Error, Context, LeaseInternal>()
    .use(logMetrics(metrics))
    .before((request) => {
      request.internal[LEASE_LOOKUP_INTERNAL] = record;
    })
    .use(enrichmentReport({ logger: testLogger(), metrics, ...options }))
    .handler(() => 'notification sent')({}, lambdaContext());
};

const failureReports = (output: CapturedOutput) =>
  output.lines.filter((line) => line.stream === 'stderr').map((line) => line.json?.message);

describe('enrichmentReport, when its own observability fails', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it('still lets the notification go when every metric and metadata is refused, reporting each refusal', async () => {
    const refuse = () => {
      throw new RangeError('Invalid metric value');
    };
    const metrics = { addMetric: refuse, addMetadata: refuse };

    await expect(reportWith(FAILED, { metrics })).resolves.toBe('notification sent');

    // Powertools adds a plain-text line of its own: no metrics to publish.
    expect(failureReports(output).filter(Boolean)).toEqual([
      ...Array(5).fill('enrichmentReport: addMetric() failed; the invocation goes on without it'),
      ...Array(3).fill('enrichmentReport: addMetadata() failed; the invocation goes on without it'),
    ]);
  });

  it('still lets the notification go, with its metrics, when the logger throws', async () => {
    const fail = () => {
      throw new Error('stdout closed');
    };
    const logger: LeaseLogger = { info: fail, warn: fail, error: fail };

    await expect(reportWith(ENRICHED, { logger })).resolves.toBe('notification sent');

    expect(failureReports(output)).toEqual(['enrichmentReport: warn() failed; the invocation goes on without it']);
    expect(output.metric(EnrichmentMetric.Enriched)).toEqual([1]);
    expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([1]);
  });
});

describe('enrichmentReport options', () => {
  const logger = testLogger();
  const metrics = testMetrics();

  it.each([
    [{ metrics: undefined }, "enrichmentReport: option 'metrics' is required"],
    [{ metrics: {} }, "option 'metrics' must have a method addMetric()"],
    [{ logger: null }, "option 'logger' must be an object with warn(), error(), got null"],
    [{ metrics: { addMetric: () => undefined } }, "option 'metrics' must have a method addMetadata()"],
    [{ knownFingerprints: '1096766bf74d25b9' }, "option 'knownFingerprints' must be an iterable of strings, got string"],
    [{ knownFingerprints: 42 }, "option 'knownFingerprints' must be an iterable of strings, got number"],
    [{ knownFingerprints: null }, "option 'knownFingerprints' must be an iterable of strings, got null"],
    [{ knownFingerprints: { '1096766bf74d25b9': true } }, "option 'knownFingerprints' must be an iterable of strings, got object"],
    [{ knownFingerprints: ['1096766bf74d25b9', 7] }, "option 'knownFingerprints' must hold non-empty strings, got number at index 1"],
    [{ namespace: 'LeaseEnrichment' }, "option 'namespace' is not an option"],
  ])('rejects %p with a TypeError naming the option, when it is made', (options, message) => {
    const given = { logger, metrics, ...options } as unknown as EnrichmentReportOptions;

    expect(() => enrichmentReport(given)).toThrow(TypeError);
    expect(() => enrichmentReport(given)).toThrow(message);
  });

  it('takes a logger with warn and error only', () => {
    expect(() => enrichmentReport({ logger: { warn: console.warn, error: console.error }, metrics })).not.toThrow();
  });

  it('takes known fingerprints from a generator, without using it up to check it', async () => {
    const output = captureOutput();
    const lease = ENRICHED.lease as Lease; // drift: an unknown field
    function* fingerprints() {
      yield leaseFingerprint(lease);
    }

    await reportWith(ENRICHED, { knownFingerprints: fingerprints() });
    output.restore();

    expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([]);
  });
});
