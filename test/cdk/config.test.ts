import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  CONFIG_DEFAULTS,
  CONTEXT_KEY,
  type DeploymentConfig,
  DeploymentConfigError,
  type DeploymentEnvironment,
  readDeploymentConfig,
} from '../../cdk/lib/config.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from '../../src/metric-names.js';

const TABLE_ARN = 'arn:aws:dynamodb:eu-west-2:123456789012:table/isb-dev-LeaseTable';
const KEY_ARN = 'arn:aws:kms:eu-west-2:123456789012:key/4f1c2e3d-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const BUS = 'IsbComputeStackISBEventBusA43FE423';

/** The least a deployment next to ISB gives with explicit ARNs. */
const REQUIRED = { leaseTableArn: TABLE_ARN, leaseTableKmsKeyArn: KEY_ARN, eventBus: BUS };

/**
 * Reads a config from context values as `-c` gives them, strings, on top of {@link REQUIRED} (an
 * `undefined` value takes a key away), without credentials unless `environment` says otherwise.
 */
const read = (context: Record<string, unknown>, environment: DeploymentEnvironment = {}): DeploymentConfig => {
  const values: Record<string, unknown> = { ...REQUIRED, ...context };
  return readDeploymentConfig((key) => values[key], environment);
};

/** The error a context produces, for asserting on its key and message. */
const failure = (context: Record<string, unknown>, environment: DeploymentEnvironment = {}): DeploymentConfigError => {
  try {
    read(context, environment);
  } catch (error) {
    if (error instanceof DeploymentConfigError) return error;
    throw error;
  }
  throw new Error('Expected the context to be rejected');
};

describe('readDeploymentConfig', () => {
  it("needs the LeaseTable, its key and ISB's bus; everything else has a default", () => {
    expect(read({})).toEqual({
      stackName: 'LeaseEnrichment',
      account: '123456789012',
      region: 'eu-west-2',
      leaseTable: { from: 'arn', leaseTableArn: TABLE_ARN, key: { type: 'customer-managed', keyArn: KEY_ARN } },
      eventBus: BUS,
      onSuccess: { type: 'sqs' },
      serviceName: DEFAULT_SERVICE_NAME,
      metricsNamespace: DEFAULT_METRICS_NAMESPACE,
      knownFingerprints: [],
      logLevel: 'INFO',
      queryLatencyP99ThresholdMs: 200,
      degradedEnrichmentThresholdPercent: 5,
      notificationMaxAgeMinutes: 60,
    });
  });

  it.each([undefined, '', '   ', null])('fails naming isbNamespace and leaseTableArn when there is neither (%p)', (value) => {
    const error = failure({ leaseTableArn: value });

    expect(error.key).toBe(CONTEXT_KEY.leaseTableArn);
    expect(error.message).toBe(
      "Set CDK context isbNamespace to ISB's namespace, or leaseTableArn and leaseTableKmsKeyArn " +
        '(cdk.json or -c leaseTableArn=arn:aws:dynamodb:<region>:<account>:table/<name>)',
    );
  });

  it('fails naming leaseTableKmsKeyArn when the table has no key, and says how to state there is none of yours', () => {
    const error = failure({ leaseTableKmsKeyArn: undefined });

    expect(error.key).toBe(CONTEXT_KEY.leaseTableKmsKeyArn);
    expect(error.message).toContain("the KMS key the LeaseTable is encrypted with (ISB's tableKmsKeyId), or to aws-owned or aws-managed");
  });

  it.each(['aws-owned', 'aws-managed'] as const)('takes %s for a table without a customer-managed key', (type) => {
    expect(read({ leaseTableKmsKeyArn: type }).leaseTable).toEqual({ from: 'arn', leaseTableArn: TABLE_ARN, key: { type } });
  });

  it.each([
    ['an alias', 'arn:aws:kms:eu-west-2:123456789012:alias/AwsSolutions/InnovationSandbox/myisb/table', 'is not a KMS key ARN'],
    ['a key id', '4f1c2e3d-5a6b-4c7d-8e9f-0a1b2c3d4e5f', 'is not a KMS key ARN'],
    [
      'a key in another account',
      'arn:aws:kms:eu-west-2:210987654321:key/4f1c2e3d-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      'is a key in 210987654321 eu-west-2',
    ],
    [
      'a key in another region',
      'arn:aws:kms:us-east-1:123456789012:key/4f1c2e3d-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      'is a key in 123456789012 us-east-1',
    ],
  ])('rejects %s as the key, naming leaseTableKmsKeyArn', (_what, value, message) => {
    const error = failure({ leaseTableKmsKeyArn: value });

    expect(error.key).toBe(CONTEXT_KEY.leaseTableKmsKeyArn);
    expect(error.message).toContain(message);
  });

  it('takes a multi-Region key', () => {
    const mrk = 'arn:aws:kms:eu-west-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';

    expect(read({ leaseTableKmsKeyArn: mrk }).leaseTable).toMatchObject({ key: { type: 'customer-managed', keyArn: mrk } });
  });

  it('fails naming eventBus when it is missing: ISB publishes only to its own bus, and the message says how to find it', () => {
    const error = failure({ eventBus: undefined });

    expect(error.key).toBe(CONTEXT_KEY.eventBus);
    expect(error.message).toContain("Set CDK context eventBus to ISB's event bus");
    expect(error.message).toContain('aws events list-event-buses --query "EventBuses[?contains(Name, \'ISBEventBus\')]"');
  });

  it("reads ISB's namespace instead of the ARNs, and deploys where the credentials point", () => {
    const config = read(
      { isbNamespace: 'myisb', leaseTableArn: undefined, leaseTableKmsKeyArn: undefined },
      { account: '111122223333', region: 'us-west-2' },
    );

    expect(config).toMatchObject({
      account: '111122223333',
      region: 'us-west-2',
      leaseTable: { from: 'isb-namespace', namespace: 'myisb' },
    });
    expect(
      read({
        isbNamespace: 'myisb',
        leaseTableArn: undefined,
        leaseTableKmsKeyArn: undefined,
        account: '444455556666',
        region: 'eu-central-1',
      }),
    ).toMatchObject({
      account: '444455556666',
      region: 'eu-central-1',
    });
  });

  it.each([
    ['no account', { region: 'eu-west-2' }, CONTEXT_KEY.account],
    ['no region', { account: '123456789012' }, CONTEXT_KEY.region],
  ])('with isbNamespace and %s, fails naming the key that gives it', (_what, given, key) => {
    const error = failure({ isbNamespace: 'myisb', leaseTableArn: undefined, leaseTableKmsKeyArn: undefined, ...given });

    expect(error.key).toBe(key);
    expect(error.message).toContain("CDK context isbNamespace reads ISB's configuration from SSM at synth");
  });

  it.each([
    ['both ways to the table', { isbNamespace: 'myisb' }, CONTEXT_KEY.isbNamespace],
    [
      'a key with the namespace',
      { isbNamespace: 'myisb', leaseTableArn: undefined, account: '123456789012', region: 'eu-west-2' },
      CONTEXT_KEY.leaseTableKmsKeyArn,
    ],
    ['a namespace ISB would refuse', { isbNamespace: 'my-isb', leaseTableArn: undefined }, CONTEXT_KEY.isbNamespace],
  ])('rejects %s', (_what, context, key) => {
    expect(failure(context).key).toBe(key);
  });

  it.each([
    [
      'the table',
      { leaseTableArn: 'arn:aws:dynamodb:eu-west-2:210987654321:table/isb-dev-LeaseTable', account: '123456789012' },
      {},
      CONTEXT_KEY.leaseTableArn,
    ],
    ['the table, for the credentials in use', {}, { account: '210987654321' }, CONTEXT_KEY.leaseTableArn],
    ['the bus', { eventBus: 'arn:aws:events:eu-west-2:210987654321:event-bus/isb' }, {}, CONTEXT_KEY.eventBus],
  ])('fails synth for %s in another account than the stack', (_what, context, environment, key) => {
    const error = failure(context, environment);

    expect(error.key).toBe(key);
    expect(error.message).toContain('210987654321');
  });

  it('rejects a value cdk.json gave as an object, naming the key', () => {
    expect(failure({ leaseTableArn: { arn: TABLE_ARN } }).message).toBe(
      `CDK context leaseTableArn must be a string, got {"arn":"${TABLE_ARN}"}`,
    );
  });

  it('takes the stack region from the table, in any partition', () => {
    expect(
      read({
        leaseTableArn: 'arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/Leases',
        leaseTableKmsKeyArn: 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/4f1c2e3d-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      }).region,
    ).toBe('us-gov-west-1');
    expect(read({ leaseTableArn: ` ${TABLE_ARN} ` }).leaseTable).toMatchObject({ leaseTableArn: TABLE_ARN });
    expect(failure({ region: 'us-east-1' }).key).toBe(CONTEXT_KEY.region);
  });

  it('takes an exact event source and a bus by name or ARN', () => {
    const busArn = 'arn:aws:events:eu-west-2:123456789012:event-bus/isb-events';

    expect(read({ eventSource: 'InnovationSandbox-isb-dev', eventBus: busArn })).toMatchObject({
      eventSource: 'InnovationSandbox-isb-dev',
      eventBus: busArn,
    });
    expect(read({ eventBus: 'isb-events' }).eventBus).toBe('isb-events');
  });

  it('rejects a bus in another region than the table, which no rule could use', () => {
    const error = failure({
      leaseTableArn: TABLE_ARN,
      eventBus: 'arn:aws:events:us-east-1:123456789012:event-bus/isb-events',
    });

    expect(error.key).toBe(CONTEXT_KEY.eventBus);
    expect(error.message).toContain('is a bus in 123456789012 us-east-1, but the stack deploys to 123456789012 eu-west-2');
  });

  it('rejects a malformed bus, naming the key', () => {
    expect(failure({ eventBus: 'has spaces' }).key).toBe(CONTEXT_KEY.eventBus);
  });

  it('delivers notifications to EventBridge when asked, and then needs the bus', () => {
    expect(read({ onSuccessDestination: 'eventbridge', onSuccessEventBus: 'notifications' }).onSuccess).toEqual({
      type: 'eventbridge',
      eventBus: 'notifications',
    });

    const error = failure({ onSuccessDestination: 'eventbridge' });
    expect(error.key).toBe(CONTEXT_KEY.onSuccessEventBus);
    expect(error.message).toContain('Set CDK context onSuccessEventBus to a bus name or arn:aws:events:');
  });

  it('rejects any other destination type', () => {
    const error = failure({ onSuccessDestination: 'sns' });

    expect(error.key).toBe(CONTEXT_KEY.onSuccessDestination);
    expect(error.message).toContain('must be sqs or eventbridge, got "sns"');
  });

  it('takes known fingerprints comma-separated (-c) or as a list (cdk.json)', () => {
    const fingerprints = ['0123456789abcdef', 'fedcba9876543210'];

    expect(read({ knownFingerprints: ' 0123456789abcdef, fedcba9876543210,' }).knownFingerprints).toEqual(fingerprints);
    expect(read({ knownFingerprints: fingerprints }).knownFingerprints).toEqual(fingerprints);
  });

  it('rejects something that is not a fingerprint, naming it', () => {
    const error = failure({ knownFingerprints: '0123456789abcdef,status' });

    expect(error.key).toBe(CONTEXT_KEY.knownFingerprints);
    expect(error.message).toContain('holds "status", which is not a fingerprint');
  });

  it('reads thresholds from strings, as -c gives them', () => {
    expect(read({ queryLatencyP99ThresholdMs: '150', degradedEnrichmentThresholdPercent: '2.5' })).toMatchObject({
      queryLatencyP99ThresholdMs: 150,
      degradedEnrichmentThresholdPercent: 2.5,
    });
  });

  it.each([
    [CONTEXT_KEY.queryLatencyP99ThresholdMs, 'fast'],
    [CONTEXT_KEY.queryLatencyP99ThresholdMs, '0'],
    [CONTEXT_KEY.degradedEnrichmentThresholdPercent, '101'],
    [CONTEXT_KEY.degradedEnrichmentThresholdPercent, '-1'],
  ])('rejects %s = %p, naming the key', (key, value) => {
    expect(failure({ [key]: value }).key).toBe(key);
  });

  it('checks the alarm email, the log level, the stack name and the namespace', () => {
    expect(read({ alarmEmail: 'alerts@example.gov.uk' }).alarmEmail).toBe('alerts@example.gov.uk');
    expect(read({ logLevel: 'debug' }).logLevel).toBe('DEBUG');
    expect(read({ stackName: 'LeaseEnrichment-prod' }).stackName).toBe('LeaseEnrichment-prod');

    expect(failure({ alarmEmail: 'alerts' }).key).toBe(CONTEXT_KEY.alarmEmail);
    expect(failure({ logLevel: 'LOUD' }).key).toBe(CONTEXT_KEY.logLevel);
    expect(failure({ stackName: 'lease_notification' }).key).toBe(CONTEXT_KEY.stackName);
    expect(failure({ metricsNamespace: 'AWS/Lambda' }).key).toBe(CONTEXT_KEY.metricsNamespace);
  });

  it('documents every default it applies', () => {
    expect(CONFIG_DEFAULTS).toEqual({
      stackName: 'LeaseEnrichment',
      onSuccessDestination: 'sqs',
      serviceName: DEFAULT_SERVICE_NAME,
      metricsNamespace: DEFAULT_METRICS_NAMESPACE,
      logLevel: 'INFO',
      queryLatencyP99ThresholdMs: 200,
      degradedEnrichmentThresholdPercent: 5,
      notificationMaxAgeMinutes: 60,
    });
  });

  it('has every key documented in docs/deployment.md', () => {
    const docs = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8');

    for (const key of Object.values(CONTEXT_KEY)) expect(docs).toContain(`| \`${key}\` |`);
  });
});
