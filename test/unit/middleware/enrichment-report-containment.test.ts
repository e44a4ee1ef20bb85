import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Lease } from '../../../src/lease.js';
import { EnrichmentMetric } from '../../../src/metric-names.js';
import {
  type EnrichmentReportOptions,
  enrichmentReport,
  enrichmentReportValidateOptions,
  leaseFingerprint,
} from '../../../src/middleware/enrichment-report/index.js';
import { ENRICHMENT_INTERNAL, type EnrichmentRecord, type LeaseInternal, type LeaseLogger } from '../../../src/middleware/types.js';
import { lambdaContext, recordWithStatus, testLogger, testMetrics } from '../../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../../support/output.js';

const FAILED: EnrichmentRecord = {
  outcome: { status: 'failed', reason: 'throttled' },
  attempts: [
    { durationMs: 3, result: 'ThrottlingException' },
    { durationMs: 2, result: 'ThrottlingException' },
  ],
  throttled: 2,
  circuitOpened: true,
};

const ENRICHED: EnrichmentRecord = {
  outcome: { status: 'enriched' },
  lease: { ...recordWithStatus('Active'), surpriseField: 'x' } as object as Lease, // drift: a WARN too
  attempts: [{ durationMs: 4, result: 'found' }],
  throttled: 0,
  circuitOpened: false,
};

/** The middleware on a minimal handler, as the notification handler uses it. */
const report = (record: EnrichmentRecord, options: Partial<EnrichmentReportOptions>) => {
  const metrics = testMetrics();
  return middy<unknown, string, Error, Context, LeaseInternal>()
    .use(logMetrics(metrics))
    .before((request) => {
      request.internal[ENRICHMENT_INTERNAL] = record;
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

  it('still lets the notification go when every metric is refused, reporting each refusal once', async () => {
    const metrics = {
      addMetric: () => {
        throw new RangeError('Invalid metric value');
      },
    };

    await expect(report(FAILED, { metrics })).resolves.toBe('notification sent');

    expect(failureReports(output)).toEqual(Array(5).fill('enrichmentReport: addMetric() failed; the invocation goes on without it'));
    expect(output.logs('INFO')).toEqual([expect.objectContaining({ message: 'Lease enrichment' })]);
  });

  it('still lets the notification go, with its metrics, when the logger throws', async () => {
    const fail = () => {
      throw new Error('stdout closed');
    };
    const logger: LeaseLogger = { debug: fail, info: fail, warn: fail, error: fail };

    await expect(report(ENRICHED, { logger })).resolves.toBe('notification sent');

    expect(failureReports(output)).toEqual([
      'enrichmentReport: info() failed; the invocation goes on without it',
      'enrichmentReport: warn() failed; the invocation goes on without it',
    ]);
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
    [{ logger: null }, "option 'logger' must be an object with debug, info, warn, error, got null"],
    [{ knownFingerprints: '1096766bf74d25b9' }, "option 'knownFingerprints' must be an iterable of strings, got string"],
    [{ knownFingerprints: 42 }, "option 'knownFingerprints' must be an iterable of strings, got number"],
    [{ knownFingerprints: null }, "option 'knownFingerprints' must be an iterable of strings, got null"],
    [{ knownFingerprints: { '1096766bf74d25b9': true } }, "option 'knownFingerprints' must be an iterable of strings, got object"],
    [{ knownFingerprints: ['1096766bf74d25b9', 7] }, "option 'knownFingerprints[1]' must be a non-empty string, got number"],
    [{ namespace: 'LeaseEnrichment' }, "option 'namespace' is not an option"],
  ])('rejects %p with a TypeError naming the option, when it is made', (options, message) => {
    const given = { logger, metrics, ...options } as unknown as EnrichmentReportOptions;

    expect(() => enrichmentReport(given)).toThrow(TypeError);
    expect(() => enrichmentReport(given)).toThrow(message);
    expect(() => enrichmentReportValidateOptions(given)).toThrow(message);
  });

  it('takes known fingerprints from a generator, without using it up to check it', async () => {
    const output = captureOutput();
    const lease = ENRICHED.lease as Lease; // drift: an unknown field
    function* fingerprints() {
      yield leaseFingerprint(lease);
    }

    await report(ENRICHED, { knownFingerprints: fingerprints() });
    output.restore();

    expect(output.metric(EnrichmentMetric.SchemaDrift)).toEqual([]);
  });
});
