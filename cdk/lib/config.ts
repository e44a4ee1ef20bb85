import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from '../../src/metric-names.js';

/**
 * The CDK context keys the deployment reads. Set them in `cdk.json` or with `-c key=value`; `-c` wins.
 */
export const CONTEXT_KEY = {
  /** ARN of the Innovation Sandbox LeaseTable. Required. */
  leaseTableArn: 'leaseTableArn',
  /** Name or ARN of the event bus the lease events arrive on. */
  eventBus: 'eventBus',
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
} as const;

/** Where the function's successful results (the notifications) are delivered. */
export type OnSuccessDestination =
  | { readonly type: 'sqs' }
  | { readonly type: 'eventbridge'; readonly eventBus: string };

/** The deployment's settings, read from CDK context and checked. */
export interface DeploymentConfig {
  readonly stackName: string;
  readonly leaseTableArn: string;
  /** The table's region: the stack goes there, since a GetItem is served by the caller's region. */
  readonly region: string;
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
}

/** Defaults for every optional key. */
export const CONFIG_DEFAULTS = {
  stackName: 'LeaseEnrichment',
  eventBus: 'default',
  onSuccessDestination: 'sqs',
  serviceName: DEFAULT_SERVICE_NAME,
  metricsNamespace: DEFAULT_METRICS_NAMESPACE,
  logLevel: 'INFO',
  queryLatencyP99ThresholdMs: 200,
  degradedEnrichmentThresholdPercent: 5,
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

// A table, never an index or stream, and no wildcards: the one resource the function may read.
const TABLE_ARN =
  /^arn:aws(?:-[a-z]+)*:dynamodb:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):table\/([A-Za-z0-9_.-]{3,255})$/;
const EVENT_BUS_ARN =
  /^arn:aws(?:-[a-z]+)*:events:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):event-bus\/([A-Za-z0-9._\-/]{1,256})$/;
const EVENT_BUS_NAME = /^[A-Za-z0-9._\-/]{1,256}$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const FINGERPRINT = /^[0-9a-f]{16}$/;
// CloudWatch's rule for custom namespaces; `AWS/` is reserved for AWS services.
const METRICS_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#: ]{1,255}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];

/** The parts of a LeaseTable ARN, or `undefined` when the value is not a table ARN. */
export const parseLeaseTableArn = (
  value: string,
): { region: string; account: string; tableName: string } | undefined => {
  const match = TABLE_ARN.exec(value);
  return match ? { region: match[1]!, account: match[2]!, tableName: match[3]! } : undefined;
};

/** Reads context by key; `app.node.tryGetContext` fits. */
export type ContextReader = (key: string) => unknown;

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
export const readDeploymentConfig = (context: ContextReader): DeploymentConfig => {
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

  const { leaseTableArn: tableKey } = CONTEXT_KEY;
  const leaseTableArn = text(tableKey);
  if (leaseTableArn === undefined) throw mistake(tableKey, `Set CDK context ${tableKey}`, TABLE_ARN_FORM);
  const table = parseLeaseTableArn(leaseTableArn);
  if (!table) {
    throw mistake(
      tableKey,
      `CDK context ${tableKey} is not a DynamoDB table ARN: "${leaseTableArn}". Set it to the LeaseTable's ARN`,
      TABLE_ARN_FORM,
    );
  }

  const busPattern = new RegExp(`${EVENT_BUS_NAME.source}|${EVENT_BUS_ARN.source}`);
  const busForm = 'a bus name or arn:aws:events:<region>:<account>:event-bus/<name>';
  const bus = (key: string): string | undefined => {
    const value = checked(key, busPattern, busForm, '<bus name>');
    const region = value === undefined ? undefined : EVENT_BUS_ARN.exec(value)?.[1];
    if (region !== undefined && region !== table.region) {
      throw mistake(
        key,
        `CDK context ${key} is a bus in ${region}, but the stack deploys to the LeaseTable's region ${table.region}`,
        '<bus name>',
      );
    }
    return value;
  };

  const { onSuccessDestination: destinationKey, onSuccessEventBus: successBusKey } = CONTEXT_KEY;
  const destination = text(destinationKey) ?? CONFIG_DEFAULTS.onSuccessDestination;
  let onSuccess: OnSuccessDestination;
  if (destination === 'sqs') {
    onSuccess = { type: 'sqs' };
  } else if (destination === 'eventbridge') {
    const eventBus = bus(successBusKey);
    if (eventBus === undefined) {
      throw mistake(
        successBusKey,
        `Set CDK context ${successBusKey} to ${busForm} when ${destinationKey} is eventbridge`,
        '<bus name>',
      );
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

  const eventSource = text(CONTEXT_KEY.eventSource);
  const alarmEmail = checked(CONTEXT_KEY.alarmEmail, EMAIL, 'an email address', 'alerts@example.gov.uk');
  const { stackName, metricsNamespace } = CONFIG_DEFAULTS;
  return {
    stackName: checked(CONTEXT_KEY.stackName, STACK_NAME, 'a CloudFormation stack name', stackName) ?? stackName,
    leaseTableArn,
    region: table.region,
    eventBus: bus(CONTEXT_KEY.eventBus) ?? CONFIG_DEFAULTS.eventBus,
    ...(eventSource === undefined ? {} : { eventSource }),
    onSuccess,
    serviceName: text(CONTEXT_KEY.serviceName) ?? CONFIG_DEFAULTS.serviceName,
    metricsNamespace:
      checked(CONTEXT_KEY.metricsNamespace, METRICS_NAMESPACE, 'a CloudWatch namespace', metricsNamespace) ??
      metricsNamespace,
    knownFingerprints,
    logLevel,
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    queryLatencyP99ThresholdMs: positive(
      CONTEXT_KEY.queryLatencyP99ThresholdMs,
      CONFIG_DEFAULTS.queryLatencyP99ThresholdMs,
    ),
    degradedEnrichmentThresholdPercent: positive(
      CONTEXT_KEY.degradedEnrichmentThresholdPercent,
      CONFIG_DEFAULTS.degradedEnrichmentThresholdPercent,
      100,
    ),
  };
};
