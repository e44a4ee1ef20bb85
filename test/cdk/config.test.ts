import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  CONFIG_DEFAULTS,
  CONTEXT_KEY,
  DeploymentConfigError,
  readDeploymentConfig,
  type DeploymentConfig,
} from '../../cdk/lib/config.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from '../../src/metric-names.js';

const TABLE_ARN = 'arn:aws:dynamodb:eu-west-2:123456789012:table/isb-dev-LeaseTable';

/** Reads a config from context values as `-c` gives them: strings. */
const read = (context: Record<string, unknown>): DeploymentConfig =>
  readDeploymentConfig((key) => context[key]);

/** The error a context produces, for asserting on its key and message. */
const failure = (context: Record<string, unknown>): DeploymentConfigError => {
  try {
    read(context);
  } catch (error) {
    if (error instanceof DeploymentConfigError) return error;
    throw error;
  }
  throw new Error('Expected the context to be rejected');
};

describe('readDeploymentConfig', () => {
  it('needs only the LeaseTable ARN; everything else has a default', () => {
    expect(read({ leaseTableArn: TABLE_ARN })).toEqual({
      stackName: 'LeaseEnrichment',
      leaseTableArn: TABLE_ARN,
      region: 'eu-west-2',
      eventBus: 'default',
      onSuccess: { type: 'sqs' },
      serviceName: DEFAULT_SERVICE_NAME,
      metricsNamespace: DEFAULT_METRICS_NAMESPACE,
      knownFingerprints: [],
      logLevel: 'INFO',
      queryLatencyP99ThresholdMs: 200,
      degradedEnrichmentThresholdPercent: 5,
    });
  });

  it.each([undefined, '', '   ', null])('fails naming leaseTableArn and its form when it is %p', (value) => {
    const error = failure({ leaseTableArn: value });

    expect(error.key).toBe(CONTEXT_KEY.leaseTableArn);
    expect(error.message).toBe(
      'Set CDK context leaseTableArn (cdk.json or -c leaseTableArn=arn:aws:dynamodb:<region>:<account>:table/<name>)',
    );
  });

  it.each([
    ['not an ARN', 'LeaseTable'],
    ['an index', `${TABLE_ARN}/index/byStatus`],
    ['a stream', `${TABLE_ARN}/stream/2026-01-01T00:00:00.000`],
    ['a wildcard table', 'arn:aws:dynamodb:eu-west-2:123456789012:table/*'],
    ['a wildcard region', 'arn:aws:dynamodb:*:123456789012:table/isb-dev-LeaseTable'],
    ['another service', 'arn:aws:s3:::isb-dev-LeaseTable'],
    ['an account that is not 12 digits', 'arn:aws:dynamodb:eu-west-2:1234:table/isb-dev-LeaseTable'],
    ['a table name too short', 'arn:aws:dynamodb:eu-west-2:123456789012:table/ab'],
  ])('fails naming leaseTableArn when it is %s', (_what, value) => {
    const error = failure({ leaseTableArn: value });

    expect(error.key).toBe(CONTEXT_KEY.leaseTableArn);
    expect(error.message).toContain(`CDK context leaseTableArn is not a DynamoDB table ARN: "${value}"`);
    expect(error.message).toContain('-c leaseTableArn=arn:aws:dynamodb:<region>:<account>:table/<name>');
  });

  it('rejects a value cdk.json gave as an object, naming the key', () => {
    expect(failure({ leaseTableArn: { arn: TABLE_ARN } }).message).toBe(
      `CDK context leaseTableArn must be a string, got {"arn":"${TABLE_ARN}"}`,
    );
  });

  it('takes the stack region from the table, in any partition', () => {
    expect(read({ leaseTableArn: 'arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/Leases' }).region).toBe(
      'us-gov-west-1',
    );
    expect(read({ leaseTableArn: ` ${TABLE_ARN} ` }).leaseTableArn).toBe(TABLE_ARN);
  });

  it('takes an exact event source and a bus by name or ARN', () => {
    const busArn = 'arn:aws:events:eu-west-2:123456789012:event-bus/isb-events';

    expect(read({ leaseTableArn: TABLE_ARN, eventSource: 'InnovationSandbox-isb-dev', eventBus: busArn })).toMatchObject({
      eventSource: 'InnovationSandbox-isb-dev',
      eventBus: busArn,
    });
    expect(read({ leaseTableArn: TABLE_ARN, eventBus: 'isb-events' }).eventBus).toBe('isb-events');
  });

  it('rejects a bus in another region than the table, which no rule could use', () => {
    const error = failure({
      leaseTableArn: TABLE_ARN,
      eventBus: 'arn:aws:events:us-east-1:123456789012:event-bus/isb-events',
    });

    expect(error.key).toBe(CONTEXT_KEY.eventBus);
    expect(error.message).toContain("the stack deploys to the LeaseTable's region eu-west-2");
  });

  it('rejects a malformed bus, naming the key', () => {
    expect(failure({ leaseTableArn: TABLE_ARN, eventBus: 'has spaces' }).key).toBe(CONTEXT_KEY.eventBus);
  });

  it('delivers notifications to EventBridge when asked, and then needs the bus', () => {
    expect(
      read({ leaseTableArn: TABLE_ARN, onSuccessDestination: 'eventbridge', onSuccessEventBus: 'notifications' }).onSuccess,
    ).toEqual({ type: 'eventbridge', eventBus: 'notifications' });

    const error = failure({ leaseTableArn: TABLE_ARN, onSuccessDestination: 'eventbridge' });
    expect(error.key).toBe(CONTEXT_KEY.onSuccessEventBus);
    expect(error.message).toContain('Set CDK context onSuccessEventBus to a bus name or arn:aws:events:');
  });

  it('rejects any other destination type', () => {
    const error = failure({ leaseTableArn: TABLE_ARN, onSuccessDestination: 'sns' });

    expect(error.key).toBe(CONTEXT_KEY.onSuccessDestination);
    expect(error.message).toContain('must be sqs or eventbridge, got "sns"');
  });

  it('takes known fingerprints comma-separated (-c) or as a list (cdk.json)', () => {
    const fingerprints = ['0123456789abcdef', 'fedcba9876543210'];

    expect(read({ leaseTableArn: TABLE_ARN, knownFingerprints: ' 0123456789abcdef, fedcba9876543210,' }).knownFingerprints).toEqual(
      fingerprints,
    );
    expect(read({ leaseTableArn: TABLE_ARN, knownFingerprints: fingerprints }).knownFingerprints).toEqual(fingerprints);
  });

  it('rejects something that is not a fingerprint, naming it', () => {
    const error = failure({ leaseTableArn: TABLE_ARN, knownFingerprints: '0123456789abcdef,status' });

    expect(error.key).toBe(CONTEXT_KEY.knownFingerprints);
    expect(error.message).toContain('holds "status", which is not a fingerprint');
  });

  it('reads thresholds from strings, as -c gives them', () => {
    expect(
      read({ leaseTableArn: TABLE_ARN, queryLatencyP99ThresholdMs: '150', degradedEnrichmentThresholdPercent: '2.5' }),
    ).toMatchObject({ queryLatencyP99ThresholdMs: 150, degradedEnrichmentThresholdPercent: 2.5 });
  });

  it.each([
    [CONTEXT_KEY.queryLatencyP99ThresholdMs, 'fast'],
    [CONTEXT_KEY.queryLatencyP99ThresholdMs, '0'],
    [CONTEXT_KEY.degradedEnrichmentThresholdPercent, '101'],
    [CONTEXT_KEY.degradedEnrichmentThresholdPercent, '-1'],
  ])('rejects %s = %p, naming the key', (key, value) => {
    expect(failure({ leaseTableArn: TABLE_ARN, [key]: value }).key).toBe(key);
  });

  it('checks the alarm email, the log level, the stack name and the namespace', () => {
    expect(read({ leaseTableArn: TABLE_ARN, alarmEmail: 'alerts@example.gov.uk' }).alarmEmail).toBe('alerts@example.gov.uk');
    expect(read({ leaseTableArn: TABLE_ARN, logLevel: 'debug' }).logLevel).toBe('DEBUG');
    expect(read({ leaseTableArn: TABLE_ARN, stackName: 'LeaseEnrichment-prod' }).stackName).toBe('LeaseEnrichment-prod');

    expect(failure({ leaseTableArn: TABLE_ARN, alarmEmail: 'alerts' }).key).toBe(CONTEXT_KEY.alarmEmail);
    expect(failure({ leaseTableArn: TABLE_ARN, logLevel: 'LOUD' }).key).toBe(CONTEXT_KEY.logLevel);
    expect(failure({ leaseTableArn: TABLE_ARN, stackName: 'lease_notification' }).key).toBe(CONTEXT_KEY.stackName);
    expect(failure({ leaseTableArn: TABLE_ARN, metricsNamespace: 'AWS/Lambda' }).key).toBe(CONTEXT_KEY.metricsNamespace);
  });

  it('documents every default it applies', () => {
    expect(CONFIG_DEFAULTS).toEqual({
      stackName: 'LeaseEnrichment',
      eventBus: 'default',
      onSuccessDestination: 'sqs',
      serviceName: DEFAULT_SERVICE_NAME,
      metricsNamespace: DEFAULT_METRICS_NAMESPACE,
      logLevel: 'INFO',
      queryLatencyP99ThresholdMs: 200,
      degradedEnrichmentThresholdPercent: 5,
    });
  });

  it('has every key documented in docs/deployment.md', () => {
    const docs = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8');

    for (const key of Object.values(CONTEXT_KEY)) expect(docs).toContain(`| \`${key}\` |`);
  });
});
