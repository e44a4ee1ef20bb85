import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  type IAlarmAction,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../src/config.js';
import { SenderMetric } from '../../src/metric-names.js';
import { LAMBDA_BUNDLING, LEASE_FUNCTION_RUNTIME } from './lease-enrichment-function.js';
import type { SenderConfig } from './sender-config.js';

const projectFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The sender handler. */
export const SENDER_HANDLER_ENTRY = projectFile('src/handlers/sender.ts');

/**
 * How the sender reads the queue. SES accounts send 14 messages a second by default (1 in the SES
 * sandbox), and one notification is at most two messages. Records are sent one after another within
 * a batch (~50-100 ms a send), so two concurrent invocations (the least SQS allows) send at most
 * about 20-40 a second in a burst; SES throttling beyond that is retried by the SDK and then by the
 * queue, which is the buffer. Lease events come in tens an hour, so a batch of 10 is rarely full.
 */
export const SENDER_EVENT_SOURCE = { batchSize: 10, maxConcurrency: 2, maxBatchingWindow: Duration.seconds(0) } as const;

/** Time for a full batch: ten records, two sends each, with the SDK's backoff on throttling. */
export const SENDER_TIMEOUT = Duration.seconds(15);

/** The notification queue's visibility timeout must be at least this: six times the function's timeout, as Lambda advises. */
export const SENDER_QUEUE_VISIBILITY = Duration.seconds(SENDER_TIMEOUT.toSeconds() * 6);

/** The only DynamoDB actions Powertools Idempotency makes. */
export const IDEMPOTENCY_TABLE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/** What a {@link NotificationSender} is built from. */
export interface NotificationSenderProps {
  readonly config: SenderConfig;
  /** The notification queue it reads (Lambda destination records). */
  readonly queue: IQueue;
  /** Where notifications nobody could be sent are kept: the queue's dead-letter queue. */
  readonly keepQueue: IQueue;
  readonly serviceName: string;
  readonly metricsNamespace: string;
  readonly logLevel: string;
  /** Where the alarms report. */
  readonly alarmAction: IAlarmAction;
}

/** The sender's alarms. */
export interface NotificationSenderAlarms {
  readonly sendFailures: Alarm;
  readonly rejections: Alarm;
  readonly silence: Alarm;
  readonly functionErrors: Alarm;
}

/** The sender's environment: its settings, named by `ENV` so that the code and the stack agree. */
const senderEnvironment = (props: NotificationSenderProps, tableName: string): Record<string, string> => {
  const { config } = props;
  return {
    [ENV.idempotencyTableName]: tableName,
    [ENV.notificationFrom]: config.notificationFrom,
    [ENV.operatorEmails]: config.operatorEmails.join(','),
    [ENV.notificationTimeZone]: config.notificationTimeZone,
    [ENV.notificationsSend]: String(config.notificationsSend),
    [ENV.rejectedQueueUrl]: props.keepQueue.queueUrl,
    ...(config.sesConfigurationSet === undefined ? {} : { [ENV.sesConfigurationSet]: config.sesConfigurationSet }),
    ...(config.isbWebAppUrl === undefined ? {} : { [ENV.isbWebAppUrl]: config.isbWebAppUrl }),
    [ENV.serviceName]: props.serviceName,
    [ENV.metricsNamespace]: props.metricsNamespace,
    [ENV.logLevel]: props.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
  };
};

/**
 * The sender: a function on the notification queue that sends each notification's messages by SES
 * once, the idempotency table that makes it once, and its alarms. Its role may send as one SES
 * identity (in one configuration set), read and write the one idempotency table, consume the
 * notification queue and keep messages in its dead-letter queue, and nothing more.
 *
 * @example
 * new NotificationSender(this, 'Sender', { config, queue, keepQueue: dlq, serviceName, metricsNamespace, logLevel, alarmAction });
 */
export class NotificationSender extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly idempotencyTable: Table;
  readonly alarms: NotificationSenderAlarms;

  constructor(scope: Construct, id: string, props: NotificationSenderProps) {
    super(scope, id);
    this.idempotencyTable = new Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration',
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // It holds only which events were sent in the last 7 days.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Sends lease notifications by SES once each, and writes its own logs',
    });
    this.function = this.createFunction(props);
    this.grant(props);
    this.alarms = this.createAlarms(props);
  }

  private createFunction(props: NotificationSenderProps): NodejsFunction {
    const logGroup = new LogGroup(this, 'LogGroup', { retention: RetentionDays.ONE_MONTH });
    logGroup.grantWrite(this.role);
    const projectRoot = projectFile('.');
    const fn = new NodejsFunction(this, 'Function', {
      entry: SENDER_HANDLER_ENTRY,
      handler: 'handler',
      description: 'Sends each lease notification to the people it is for, once, by Amazon SES',
      runtime: LEASE_FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: SENDER_TIMEOUT,
      role: this.role,
      logGroup,
      tracing: Tracing.ACTIVE,
      projectRoot,
      depsLockFilePath: `${projectRoot}/package-lock.json`,
      environment: senderEnvironment(props, this.idempotencyTable.tableName),
      bundling: LAMBDA_BUNDLING,
    });
    fn.addEventSource(new SqsEventSource(props.queue, { ...SENDER_EVENT_SOURCE, reportBatchItemFailures: true }));
    return fn;
  }

  private grant(props: NotificationSenderProps): void {
    const { config } = props;
    const stack = Stack.of(this);
    const sesArn = (resource: string, resourceName: string): string => stack.formatArn({ service: 'ses', resource, resourceName });
    const resources = [sesArn('identity', config.sesIdentity)];
    if (config.sesConfigurationSet !== undefined) resources.push(sesArn('configuration-set', config.sesConfigurationSet));
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources,
        // Only from the one address, even when the identity is its whole domain.
        conditions: { StringEquals: { 'ses:FromAddress': config.notificationFrom } },
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...IDEMPOTENCY_TABLE_ACTIONS], resources: [this.idempotencyTable.tableArn] }),
    );
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.keepQueue.queueArn] }));
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: X-Ray PutTraceSegments and PutTelemetryRecords take no resource-level permissions.',
    });
  }

  private createAlarms(props: NotificationSenderProps): NotificationSenderAlarms {
    const alarm = (id: string, alarmProps: AlarmProps): Alarm => {
      const created = new Alarm(this, id, { treatMissingData: TreatMissingData.NOT_BREACHING, ...alarmProps });
      created.addAlarmAction(props.alarmAction);
      created.addOkAction(props.alarmAction);
      return created;
    };
    const count = senderCount(props);
    const atLeastOnce = { threshold: 1, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, evaluationPeriods: 1 };
    return {
      // One throttled period is SES pacing us; two in three is a send path that is not working.
      sendFailures: alarm('SendFailureAlarm', {
        alarmDescription:
          'Sends to SES are failing and notifications are going back to the queue. Runbook: docs/deployment.md#send-failures',
        metric: count(SenderMetric.SendFailed),
        ...atLeastOnce,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
      rejections: alarm('RejectionAlarm', {
        alarmDescription:
          'SES refused a notification, or it had nobody to go to: it is kept in the dead-letter queue. Runbook: docs/deployment.md#rejected-notifications',
        metric: keptForAnOperator(count),
        ...atLeastOnce,
      }),
      silence: alarm('SilenceAlarm', silenceAlarmProps(props.config.silenceAlarmDays, count)),
      functionErrors: alarm('SenderErrorAlarm', {
        alarmDescription: 'The sender failed as a whole (start-up, configuration, timeout). Runbook: docs/deployment.md#send-failures',
        metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        ...atLeastOnce,
      }),
    };
  }
}

type Count = (metricName: string, period?: Duration) => Metric;

/** A count the sender emits; Powertools gives every metric one dimension, `service`. */
const senderCount =
  (props: NotificationSenderProps): Count =>
  (metricName, period = Duration.minutes(5)) =>
    new Metric({ namespace: props.metricsNamespace, metricName, dimensionsMap: { service: props.serviceName }, statistic: 'Sum', period });

/** Rejections and messages with nobody to go to: both are kept in the dead-letter queue. */
const keptForAnOperator = (count: Count): MathExpression =>
  new MathExpression({
    expression: 'FILL(rejected, 0) + FILL(noRecipient, 0)',
    usingMetrics: { rejected: count(SenderMetric.Rejected), noRecipient: count(SenderMetric.NoRecipient) },
    label: 'Notifications kept for an operator',
    period: Duration.minutes(5),
  });

/** Every other alarm stays quiet when nothing arrives at all: a rule that stopped matching, a bus renamed. */
const silenceAlarmProps = (days: number, count: Count): AlarmProps => ({
  alarmDescription: `No notification sent for ${days} days: is the rule still matching ISB's events? Runbook: docs/deployment.md#silence`,
  metric: count(SenderMetric.Sent, Duration.days(1)),
  threshold: 1,
  comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
  evaluationPeriods: days,
  datapointsToAlarm: days,
  treatMissingData: TreatMissingData.BREACHING,
});
