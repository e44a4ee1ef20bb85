import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from '../../src/metric-names.js';
import { readSenderConfig, type SenderConfig } from './sender-config.js';

/**
 * The CDK context keys the deployment reads. Set them in `cdk.json` or with `-c key=value`; `-c` wins.
 */
export const CONTEXT_KEY = {
  /** ISB's namespace: the stack reads ISB's data configuration from SSM. Or give `leaseTableArn`. */
  isbNamespace: 'isbNamespace',
  /** ARN of ISB's LeaseTable, with `leaseTableKmsKeyArn`. Or give `isbNamespace`. */
  leaseTableArn: 'leaseTableArn',
  /** ARN of the KMS key the LeaseTable is encrypted with, or `aws-owned` / `aws-managed` for none of yours. */
  leaseTableKmsKeyArn: 'leaseTableKmsKeyArn',
  /** Name or ARN of ISB's event bus, where the lease events are published. Required. */
  eventBus: 'eventBus',
  /** The account to deploy to. Default: the LeaseTable's, or that of your credentials. */
  account: 'account',
  /** The region to deploy to. Default: the LeaseTable's, or that of your AWS configuration. */
  region: 'region',
  /** Exact `source` of the lease events; unset, any source with the Innovation Sandbox prefix matches. */
  eventSource: 'eventSource',
  /** Where successful notifications go: `sqs` or `eventbridge`. */
  onSuccessDestination: 'onSuccessDestination',
  /** Name or ARN of the bus notifications go to, when `onSuccessDestination` is `eventbridge`. */
  onSuccessEventBus: 'onSuccessEventBus',
  /** The stack's name. */
  stackName: 'stackName',
  /** `POWERTOOLS_SERVICE_NAME`, and the `service` dimension the alarms select. */
  serviceName: 'serviceName',
  /** `POWERTOOLS_METRICS_NAMESPACE`, and the namespace the alarms watch. */
  metricsNamespace: 'metricsNamespace',
  /** Extra lease record fingerprints that are not schema drift (comma-separated, or a list in cdk.json). */
  knownFingerprints: 'knownFingerprints',
  /** `POWERTOOLS_LOG_LEVEL`. */
  logLevel: 'logLevel',
  /** An address subscribed to the alarm topic. */
  alarmEmail: 'alarmEmail',
  /** The enrichment latency alarm fires when the p99 of GetItem attempts is above this, in ms. */
  queryLatencyP99ThresholdMs: 'queryLatencyP99ThresholdMs',
  /** The degraded enrichment alarm fires when failed plus breaker-skipped lookups exceed this share, in %. */
  degradedEnrichmentThresholdPercent: 'degradedEnrichmentThresholdPercent',
  /** The notification queue alarm fires when its oldest message is older than this, in minutes. */
  notificationMaxAgeMinutes: 'notificationMaxAgeMinutes',
  // The sender (cdk/lib/sender-config.ts): set notificationFrom to deploy it.
  /** The verified SES identity's address messages come from; setting it deploys the sender. */
  notificationFrom: 'notificationFrom',
  /** The SES identity the sender may send as: `notificationFrom` or its domain (the default). */
  sesIdentity: 'sesIdentity',
  /** An SES configuration set for the sends. */
  sesConfigurationSet: 'sesConfigurationSet',
  /** Who gets what ISB sends its admins and managers (comma-separated, or a list in cdk.json). */
  operatorEmails: 'operatorEmails',
  /** IANA time zone of the dates in messages. */
  notificationTimeZone: 'notificationTimeZone',
  /** ISB's web app, linked from each message. */
  isbWebAppUrl: 'isbWebAppUrl',
  /** `false` deploys the sender with its kill switch on. */
  notificationsSend: 'notificationsSend',
  /** The silence canary fires after this many days (1 to 7) without a message sent. */
  silenceAlarmDays: 'silenceAlarmDays',
} as const;

/** How the LeaseTable is encrypted, as far as reading it goes. */
export type LeaseTableKey =
  /** A customer-managed KMS key (ISB's): the function needs `kms:Decrypt` on it. */
  | { readonly type: 'customer-managed'; readonly keyArn: string }
  /** An AWS owned or AWS managed key: DynamoDB decrypts for any reader it lets in; no KMS permission. */
  | { readonly type: 'aws-owned' | 'aws-managed' };

/** Where the LeaseTable's ARN and key come from. */
export type LeaseTableSource =
  /** ISB's published data configuration, read at synth from SSM in the stack's account and region. */
  | { readonly from: 'isb-namespace'; readonly namespace: string }
  /** Given. */
  | { readonly from: 'arn'; readonly leaseTableArn: string; readonly key: LeaseTableKey };

/** Where the function's successful results (the notifications) are delivered. */
export type OnSuccessDestination = { readonly type: 'sqs' } | { readonly type: 'eventbridge'; readonly eventBus: string };

/** The deployment's settings, read from CDK context and checked. */
export interface DeploymentConfig {
  readonly stackName: string;
  /** The stack's account: the LeaseTable's, its key's and the bus's too (the same-account story). */
  readonly account: string;
  /** The stack's region: the LeaseTable's, since a GetItem is served by the caller's region. */
  readonly region: string;
  readonly leaseTable: LeaseTableSource;
  readonly eventBus: string;
  readonly eventSource?: string;
  readonly onSuccess: OnSuccessDestination;
  readonly serviceName: string;
  readonly metricsNamespace: string;
  readonly knownFingerprints: readonly string[];
  readonly logLevel: string;
  readonly alarmEmail?: string;
  readonly queryLatencyP99ThresholdMs: number;
  readonly degradedEnrichmentThresholdPercent: number;
  readonly notificationMaxAgeMinutes: number;
  /** The sender, when `notificationFrom` is set. */
  readonly sender?: SenderConfig;
}

/** Defaults for every optional key. */
export const CONFIG_DEFAULTS = {
  stackName: 'LeaseEnrichment',
  onSuccessDestination: 'sqs',
  serviceName: DEFAULT_SERVICE_NAME,
  metricsNamespace: DEFAULT_METRICS_NAMESPACE,
  logLevel: 'INFO',
  queryLatencyP99ThresholdMs: 200,
  degradedEnrichmentThresholdPercent: 5,
  notificationMaxAgeMinutes: 60,
} as const;

/** A context value the deployment cannot use; the message names the key to set. */
export class DeploymentConfigError extends Error {
  override readonly name = 'DeploymentConfigError';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

const TABLE_ARN_FORM = 'arn:aws:dynamodb:<region>:<account>:table/<name>';
const KEY_ARN_FORM = 'arn:aws:kms:<region>:<account>:key/<key id>';
const NO_CUSTOMER_KEY = ['aws-owned', 'aws-managed'] as const;

// A table, never an index or stream, and no wildcards: the one resource the function may read.
const TABLE_ARN = /^arn:aws(?:-[a-z]+)*:dynamodb:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):table\/([A-Za-z0-9_.-]{3,255})$/;
const EVENT_BUS_ARN = /^arn:aws(?:-[a-z]+)*:events:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):event-bus\/([A-Za-z0-9._\-/]{1,256})$/;
const EVENT_BUS_NAME = /^[A-Za-z0-9._\-/]{1,256}$/;
// A key, never an alias: IAM matches kms:Decrypt on the key's ARN.
const KEY_ARN = /^arn:aws(?:-[a-z]+)*:kms:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):key\/((?:mrk-)?[0-9a-f-]{32,36})$/;
// ISB's own rule for its Namespace parameter.
const ISB_NAMESPACE = /^[0-9a-zA-Z]{3,8}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const FINGERPRINT = /^[0-9a-f]{16}$/;
// CloudWatch's rule for custom namespaces; `AWS/` is reserved for AWS services.
const METRICS_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#: ]{1,255}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];

/** The parts of a LeaseTable ARN, or `undefined` when the value is not a table ARN. */
export const parseLeaseTableArn = (value: string): { region: string; account: string; tableName: string } | undefined => {
  const [, region, account, tableName] = TABLE_ARN.exec(value) ?? [];
  return region && account && tableName ? { region, account, tableName } : undefined;
};

/** The parts of a KMS key ARN, or `undefined` when the value is not one. */
export const parseKmsKeyArn = (value: string): { region: string; account: string; keyId: string } | undefined => {
  const [, region, account, keyId] = KEY_ARN.exec(value) ?? [];
  return region && account && keyId ? { region, account, keyId } : undefined;
};

/** Reads context by key; `app.node.tryGetContext` fits. */
export type ContextReader = (key: string) => unknown;

/** What the CDK CLI knows of where you deploy: `CDK_DEFAULT_ACCOUNT` and `CDK_DEFAULT_REGION`. */
export interface DeploymentEnvironment {
  readonly account?: string;
  readonly region?: string;
}

/** An error for `key` whose message ends with where and how to set it. */
const mistake = (key: string, problem: string, example: string): DeploymentConfigError =>
  new DeploymentConfigError(key, `${problem} (cdk.json or -c ${key}=${example})`);

/**
 * Reads and checks the deployment's CDK context. Throws a {@link DeploymentConfigError} naming the
 * key to set when a value is missing or malformed, so synth stops before anything is built.
 *
 * @example
 * const app = new App();
 * const config = readDeploymentConfig((key) => app.node.tryGetContext(key));
 */
export const readDeploymentConfig = (
  context: ContextReader,
  environment: DeploymentEnvironment = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
): DeploymentConfig => {
  const text = (key: string): string | undefined => {
    const value: unknown = context(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new DeploymentConfigError(key, `CDK context ${key} must be a string, got ${JSON.stringify(value)}`);
    }
    const trimmed = String(value).trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const checked = (key: string, pattern: RegExp, what: string, example: string): string | undefined => {
    const value = text(key);
    if (value !== undefined && !pattern.test(value)) {
      throw mistake(key, `CDK context ${key} is malformed: "${value}". Set it to ${what}`, example);
    }
    return value;
  };
  const positive = (key: string, fallback: number, max = Number.POSITIVE_INFINITY): number => {
    const value = text(key);
    if (value === undefined) return fallback;
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0 || number > max) {
      const range = Number.isFinite(max) ? `above 0 and at most ${max}` : 'above 0';
      throw mistake(key, `CDK context ${key} must be a number ${range}, got "${value}"`, String(fallback));
    }
    return number;
  };

  const { isbNamespace: namespaceKey, leaseTableArn: tableKey, leaseTableKmsKeyArn: keyKey } = CONTEXT_KEY;
  const namespace = checked(namespaceKey, ISB_NAMESPACE, "ISB's namespace (3 to 8 letters and digits)", 'myisb');
  const leaseTableArn = text(tableKey);
  const explicitAccount = checked(CONTEXT_KEY.account, ACCOUNT, 'a 12-digit account id', '123456789012');
  const explicitRegion = checked(CONTEXT_KEY.region, REGION, 'a region', 'eu-west-2');

  // Where the stack goes, and where its table comes from.
  let account: string;
  let region: string;
  let leaseTable: LeaseTableSource;
  if (namespace !== undefined && leaseTableArn !== undefined) {
    throw mistake(namespaceKey, `Set CDK context ${namespaceKey} or ${tableKey}, not both`, 'myisb');
  }
  if (namespace !== undefined) {
    const lookupNeeds = (key: string, what: string, example: string): DeploymentConfigError =>
      mistake(
        key,
        `CDK context ${namespaceKey} reads ISB's configuration from SSM at synth, which needs the ${what}: ` +
          `run cdk with AWS credentials, or set CDK context ${key}`,
        example,
      );
    account = explicitAccount ?? environment.account ?? '';
    if (!ACCOUNT.test(account)) throw lookupNeeds(CONTEXT_KEY.account, 'account', '123456789012');
    region = explicitRegion ?? environment.region ?? '';
    if (!REGION.test(region)) throw lookupNeeds(CONTEXT_KEY.region, 'region', 'eu-west-2');
    if (text(keyKey) !== undefined) {
      throw mistake(
        keyKey,
        `CDK context ${keyKey} goes with ${tableKey}; with ${namespaceKey}, ISB's configuration names the key`,
        '<unset>',
      );
    }
    leaseTable = { from: 'isb-namespace', namespace };
  } else {
    if (leaseTableArn === undefined) {
      throw mistake(tableKey, `Set CDK context ${namespaceKey} to ISB's namespace, or ${tableKey} and ${keyKey}`, TABLE_ARN_FORM);
    }
    const table = parseLeaseTableArn(leaseTableArn);
    if (!table) {
      throw mistake(
        tableKey,
        `CDK context ${tableKey} is not a DynamoDB table ARN: "${leaseTableArn}". Set it to the LeaseTable's ARN`,
        TABLE_ARN_FORM,
      );
    }
    account = explicitAccount ?? environment.account ?? table.account;
    region = table.region;
    if (explicitRegion !== undefined && explicitRegion !== table.region) {
      throw mistake(CONTEXT_KEY.region, `CDK context region is ${explicitRegion}, but the LeaseTable is in ${table.region}`, table.region);
    }
    if (table.account !== account) {
      throw mistake(
        tableKey,
        `CDK context ${tableKey} is a table in account ${table.account}, but the stack deploys to account ${account}; ` +
          "the function must run in the LeaseTable's account",
        TABLE_ARN_FORM,
      );
    }
    const keyValue = text(keyKey);
    if (keyValue === undefined) {
      throw mistake(
        keyKey,
        `Set CDK context ${keyKey} to the ARN of the KMS key the LeaseTable is encrypted with (ISB's tableKmsKeyId), ` +
          `or to ${NO_CUSTOMER_KEY.join(' or ')} when it has no customer-managed key`,
        KEY_ARN_FORM,
      );
    }
    let key: LeaseTableKey;
    if ((NO_CUSTOMER_KEY as readonly string[]).includes(keyValue)) {
      key = { type: keyValue as (typeof NO_CUSTOMER_KEY)[number] };
    } else {
      const parsed = parseKmsKeyArn(keyValue);
      if (!parsed) {
        throw mistake(
          keyKey,
          `CDK context ${keyKey} is not a KMS key ARN: "${keyValue}". Set it to the key's ARN (not an alias), or ${NO_CUSTOMER_KEY.join(' or ')}`,
          KEY_ARN_FORM,
        );
      }
      if (parsed.account !== account || parsed.region !== region) {
        throw mistake(
          keyKey,
          `CDK context ${keyKey} is a key in ${parsed.account} ${parsed.region}, but the LeaseTable is in ${account} ${region}`,
          KEY_ARN_FORM,
        );
      }
      key = { type: 'customer-managed', keyArn: keyValue };
    }
    leaseTable = { from: 'arn', leaseTableArn, key };
  }

  const busPattern = new RegExp(`${EVENT_BUS_NAME.source}|${EVENT_BUS_ARN.source}`);
  const busForm = 'a bus name or arn:aws:events:<region>:<account>:event-bus/<name>';
  const bus = (key: string): string | undefined => {
    const value = checked(key, busPattern, busForm, '<bus name>');
    const match = value === undefined ? null : EVENT_BUS_ARN.exec(value);
    if (match && (match[1] !== region || match[2] !== account)) {
      throw mistake(
        key,
        `CDK context ${key} is a bus in ${match[2]} ${match[1]}, but the stack deploys to ${account} ${region}, the LeaseTable's`,
        '<bus name>',
      );
    }
    return value;
  };
  const eventBus = bus(CONTEXT_KEY.eventBus);
  if (eventBus === undefined) {
    throw mistake(
      CONTEXT_KEY.eventBus,
      `Set CDK context ${CONTEXT_KEY.eventBus} to ISB's event bus, ${busForm} ` +
        '(ISB publishes lease events only to its own bus; find it with: aws events list-event-buses --query "EventBuses[?contains(Name, \'ISBEventBus\')]")',
      '<bus name>',
    );
  }

  // Nothing of ISB's reaches the default bus: a rule there would match nothing, and every alarm would stay quiet.
  if (eventBus === 'default' || /:event-bus\/default$/.test(eventBus)) {
    throw mistake(
      CONTEXT_KEY.eventBus,
      "CDK context eventBus is the default bus, where ISB never publishes: set it to ISB's own bus " +
        '(find it with: aws events list-event-buses --query "EventBuses[?contains(Name, \'ISBEventBus\')]")',
      '<bus name>',
    );
  }

  const { onSuccessDestination: destinationKey, onSuccessEventBus: successBusKey } = CONTEXT_KEY;
  const destination = text(destinationKey) ?? CONFIG_DEFAULTS.onSuccessDestination;
  let onSuccess: OnSuccessDestination;
  if (destination === 'sqs') {
    onSuccess = { type: 'sqs' };
  } else if (destination === 'eventbridge') {
    const eventBus = bus(successBusKey);
    if (eventBus === undefined) {
      throw mistake(successBusKey, `Set CDK context ${successBusKey} to ${busForm} when ${destinationKey} is eventbridge`, '<bus name>');
    }
    onSuccess = { type: 'eventbridge', eventBus };
  } else {
    throw mistake(destinationKey, `CDK context ${destinationKey} must be sqs or eventbridge, got "${destination}"`, 'sqs');
  }

  const { knownFingerprints: fingerprintsKey } = CONTEXT_KEY;
  const listed: unknown = context(fingerprintsKey);
  const knownFingerprints = (Array.isArray(listed) ? listed.map(String) : (text(fingerprintsKey) ?? '').split(','))
    .map((item) => item.trim())
    .filter(Boolean);
  const notAFingerprint = knownFingerprints.find((item) => !FINGERPRINT.test(item));
  if (notAFingerprint !== undefined) {
    throw mistake(
      fingerprintsKey,
      `CDK context ${fingerprintsKey} holds "${notAFingerprint}", which is not a fingerprint (16 lower-case hex digits)`,
      '0123456789abcdef,...',
    );
  }

  const logLevel = (text(CONTEXT_KEY.logLevel) ?? CONFIG_DEFAULTS.logLevel).toUpperCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw mistake(
      CONTEXT_KEY.logLevel,
      `CDK context ${CONTEXT_KEY.logLevel} must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
      'INFO',
    );
  }

  const sender = readSenderConfig(context, onSuccess.type);
  const eventSource = text(CONTEXT_KEY.eventSource);
  const alarmEmail = checked(CONTEXT_KEY.alarmEmail, EMAIL, 'an email address', 'alerts@example.gov.uk');
  const { stackName, metricsNamespace } = CONFIG_DEFAULTS;
  return {
    stackName: checked(CONTEXT_KEY.stackName, STACK_NAME, 'a CloudFormation stack name', stackName) ?? stackName,
    account,
    region,
    leaseTable,
    eventBus,
    ...(eventSource === undefined ? {} : { eventSource }),
    onSuccess,
    serviceName: text(CONTEXT_KEY.serviceName) ?? CONFIG_DEFAULTS.serviceName,
    metricsNamespace:
      checked(CONTEXT_KEY.metricsNamespace, METRICS_NAMESPACE, 'a CloudWatch namespace', metricsNamespace) ?? metricsNamespace,
    knownFingerprints,
    logLevel,
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    queryLatencyP99ThresholdMs: positive(CONTEXT_KEY.queryLatencyP99ThresholdMs, CONFIG_DEFAULTS.queryLatencyP99ThresholdMs),
    degradedEnrichmentThresholdPercent: positive(
      CONTEXT_KEY.degradedEnrichmentThresholdPercent,
      CONFIG_DEFAULTS.degradedEnrichmentThresholdPercent,
      100,
    ),
    notificationMaxAgeMinutes: positive(CONTEXT_KEY.notificationMaxAgeMinutes, CONFIG_DEFAULTS.notificationMaxAgeMinutes),
    ...(sender === undefined ? {} : { sender }),
  };
};
