import { ArnFormat, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventBus, type IEventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IDestination } from 'aws-cdk-lib/aws-lambda';
import { EventBridgeDestination, SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LEASE_EVENT_DETAIL_TYPES, LEASE_EVENT_SOURCE_PREFIX } from '../../src/events.js';
import { EnrichmentMetric } from '../../src/metric-names.js';
import type { DeploymentConfig } from './config.js';
import { resolveLeaseTable } from './isb.js';
import { LeaseEnrichmentFunction } from './lease-enrichment-function.js';
import { NotificationSender, SENDER_QUEUE_VISIBILITY } from './notification-sender.js';

/** What the stack is built from: the checked deployment config, less what belongs to the app. */
export type LeaseEnrichmentSettings = Omit<DeploymentConfig, 'stackName' | 'account' | 'region'>;

/** Props of {@link LeaseEnrichmentStack}. */
export interface LeaseEnrichmentStackProps extends StackProps {
  readonly settings: LeaseEnrichmentSettings;
}

/** The alarms, by what they watch. */
export interface LeaseEnrichmentAlarms {
  readonly queryLatencyP99: Alarm;
  readonly degradedEnrichments: Alarm;
  readonly schemaDrift: Alarm;
  readonly consistencyConflict: Alarm;
  readonly deliveryDeadLetters: Alarm;
  readonly failedInvocations: Alarm;
  readonly undeliveredNotifications?: Alarm;
  readonly staleNotifications?: Alarm;
  readonly functionErrors: Alarm;
  readonly ruleFailedInvocations: Alarm;
  readonly asyncEventsDropped: Alarm;
  readonly destinationDeliveryFailures: Alarm;
}

/** How often the alarms look. */
const ALARM_PERIOD = Duration.minutes(5);
// Lease events are few: an empty period means nothing happened, not that something broke.
const QUIET_IS_OK = TreatMissingData.NOT_BREACHING;

/** Queues here hold lease notifications: encrypted, TLS only, kept for the longest SQS allows. */
const secureQueue = (scope: Construct, id: string, props: QueueProps = {}): Queue =>
  new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    ...props,
  });

const eventBusFrom = (scope: Construct, id: string, nameOrArn: string): IEventBus =>
  nameOrArn.startsWith('arn:') ? EventBus.fromEventBusArn(scope, id, nameOrArn) : EventBus.fromEventBusName(scope, id, nameOrArn);

/**
 * The notification Lambda behind EventBridge: a rule on the lease events, the function (with
 * GetItem on the LeaseTable only), delivery of its notifications to SQS or EventBridge, queues for
 * what could not be delivered or processed, and alarms on the function's own metrics, sent to an
 * encrypted SNS topic.
 *
 * @example
 * new LeaseEnrichmentStack(app, 'LeaseEnrichment', {
 *   env: { region: 'eu-west-2' },
 *   settings: readDeploymentConfig((key) => app.node.tryGetContext(key)),
 * });
 */
export class LeaseEnrichmentStack extends Stack {
  /** The notification function and its role. */
  readonly notification: LeaseEnrichmentFunction;
  /** Where notifications go, when delivered to SQS. */
  readonly notificationQueue?: Queue;
  /** Notifications that senders failed to process five times. */
  readonly notificationDeadLetterQueue?: Queue;
  /** Invocations that failed after Lambda's retries (the function's onFailure destination). */
  readonly failedInvocationQueue: Queue;
  /** Events EventBridge could not hand to the function (the rule target's dead-letter queue). */
  readonly deliveryDeadLetterQueue: Queue;
  /** The rule on the lease events. */
  readonly rule: Rule;
  /** The bus the rule is on: ISB's. */
  readonly leaseEventBus: IEventBus;
  /** Where alarms are sent. */
  readonly alarmTopic: Topic;
  readonly alarms: LeaseEnrichmentAlarms;
  /** The sender on the notification queue, when `notificationFrom` is set. */
  readonly sender?: NotificationSender;

  constructor(scope: Construct, id: string, props: LeaseEnrichmentStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.failedInvocationQueue = secureQueue(this, 'FailedInvocationQueue');
    this.deliveryDeadLetterQueue = secureQueue(this, 'DeliveryDeadLetterQueue');
    for (const queue of [this.failedInvocationQueue, this.deliveryDeadLetterQueue]) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is the dead end for failed deliveries; an alarm fires as soon as it holds a message.',
      });
    }

    let onSuccess: IDestination;
    if (settings.onSuccess.type === 'sqs') {
      this.notificationDeadLetterQueue = secureQueue(this, 'NotificationDeadLetterQueue');
      this.notificationQueue = secureQueue(this, 'NotificationQueue', {
        deadLetterQueue: { queue: this.notificationDeadLetterQueue, maxReceiveCount: 5 },
        // The sender's batch must finish before a record shows again (it only matters with the sender).
        ...(settings.sender === undefined ? {} : { visibilityTimeout: SENDER_QUEUE_VISIBILITY }),
      });
      onSuccess = new SqsDestination(this.notificationQueue);
    } else {
      onSuccess = new EventBridgeDestination(eventBusFrom(this, 'NotificationBus', settings.onSuccess.eventBus));
    }

    const { leaseTableArn, kmsKeyArn } = resolveLeaseTable(this, settings.leaseTable);
    this.notification = new LeaseEnrichmentFunction(this, 'Notification', {
      description: 'Enriches Innovation Sandbox lease events with the lease and returns the notification',
      leaseTableArn,
      ...(kmsKeyArn === undefined ? {} : { leaseTableKmsKeyArn: kmsKeyArn }),
      serviceName: settings.serviceName,
      metricsNamespace: settings.metricsNamespace,
      logLevel: settings.logLevel,
      knownFingerprints: settings.knownFingerprints,
      onSuccess,
      onFailure: new SqsDestination(this.failedInvocationQueue),
      // DynamoDB trouble never throws, so a failure is a bug or a timeout: two more tries, then the queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });

    this.leaseEventBus = eventBusFrom(this, 'LeaseEventBus', settings.eventBus);
    this.rule = new Rule(this, 'LeaseEventRule', {
      description: 'Innovation Sandbox lease events to the notification function',
      eventBus: this.leaseEventBus,
      eventPattern: {
        source: settings.eventSource === undefined ? Match.prefix(LEASE_EVENT_SOURCE_PREFIX) : [settings.eventSource],
        detailType: [...LEASE_EVENT_DETAIL_TYPES],
      },
      targets: [
        new LambdaFunction(this.notification.function, {
          deadLetterQueue: this.deliveryDeadLetterQueue,
          // Delivery fails only when Lambda refuses the async invoke (throttled, misconfigured); keep trying for a day.
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.alarmTopic = this.createAlarmTopic(settings.alarmEmail);
    this.alarms = this.createAlarms(settings);

    // ── The sender (cdk/lib/notification-sender.ts): from the notification queue to people's inboxes. ──
    if (settings.sender !== undefined && this.notificationQueue && this.notificationDeadLetterQueue) {
      this.sender = new NotificationSender(this, 'Sender', {
        config: settings.sender,
        queue: this.notificationQueue,
        keepQueue: this.notificationDeadLetterQueue,
        serviceName: settings.serviceName,
        metricsNamespace: settings.metricsNamespace,
        logLevel: settings.logLevel,
        alarmAction: new SnsAction(this.alarmTopic),
      });
      new CfnOutput(this, 'SenderFunctionName', { value: this.sender.function.functionName });
      new CfnOutput(this, 'IdempotencyTableName', { value: this.sender.idempotencyTable.tableName });
    }

    new CfnOutput(this, 'NotificationFunctionName', { value: this.notification.function.functionName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'FailedInvocationQueueUrl', { value: this.failedInvocationQueue.queueUrl });
    new CfnOutput(this, 'DeliveryDeadLetterQueueUrl', { value: this.deliveryDeadLetterQueue.queueUrl });
    if (this.notificationQueue) {
      new CfnOutput(this, 'NotificationQueueUrl', { value: this.notificationQueue.queueUrl });
    }
  }

  private createAlarmTopic(alarmEmail: string | undefined): Topic {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the lease notification alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key, only with one whose policy lets it.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: 'Lease notification alarms',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (alarmEmail !== undefined) topic.addSubscription(new EmailSubscription(alarmEmail));
    return topic;
  }

  private createAlarms(settings: LeaseEnrichmentSettings): LeaseEnrichmentAlarms {
    const action = new SnsAction(this.alarmTopic);
    const alarm = (id: string, props: AlarmProps): Alarm => {
      const created = new Alarm(this, id, { treatMissingData: QUIET_IS_OK, ...props });
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };
    const runbook = (anchor: string): string => `Runbook: docs/deployment.md#${anchor}`;

    // Powertools emits every metric with one dimension, `service`, so the alarms must select exactly that.
    const enrichmentMetric = (metricName: string, statistic: string): Metric =>
      new Metric({
        namespace: settings.metricsNamespace,
        metricName,
        dimensionsMap: { service: settings.serviceName },
        statistic,
        period: ALARM_PERIOD,
      });
    const count = (metricName: string): Metric => enrichmentMetric(metricName, 'Sum');
    const atLeastOne = (id: string, metric: IMetric, description: string): Alarm =>
      alarm(id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    const lambdaMetric = (metricName: string): Metric =>
      this.notification.function.metric(metricName, { period: ALARM_PERIOD, statistic: 'Sum' });
    const queueNotEmpty = (id: string, queue: Queue, what: string, anchor: string): Alarm =>
      alarm(id, {
        alarmDescription: `${what} ${runbook(anchor)}`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });

    // Outcome counts are emitted only when they happen: FILL turns their absence into zero.
    const degradedShare: IMetric = new MathExpression({
      expression:
        '100 * (FILL(failed, 0) + FILL(circuitOpen, 0)) / ' +
        '(FILL(enriched, 0) + FILL(notFound, 0) + FILL(skipped, 0) + FILL(failed, 0))',
      usingMetrics: {
        failed: count(EnrichmentMetric.Failed),
        circuitOpen: count(EnrichmentMetric.SkippedCircuitOpen),
        enriched: count(EnrichmentMetric.Enriched),
        notFound: count(EnrichmentMetric.NotFound),
        skipped: count(EnrichmentMetric.Skipped),
      },
      label: 'Degraded enrichments (%)',
      period: ALARM_PERIOD,
    });

    return {
      queryLatencyP99: alarm('QueryLatencyP99Alarm', {
        alarmDescription: `p99 of LeaseTable GetItem attempts above ${settings.queryLatencyP99ThresholdMs} ms. ${runbook('enrichment-latency')}`,
        metric: enrichmentMetric(EnrichmentMetric.QueryLatency, 'p99'),
        threshold: settings.queryLatencyP99ThresholdMs,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
      degradedEnrichments: alarm('DegradedEnrichmentsAlarm', {
        alarmDescription:
          `More than ${settings.degradedEnrichmentThresholdPercent} % of notifications went out without their lease ` +
          `(lookup failed or breaker open). ${runbook('degraded-enrichments')}`,
        metric: degradedShare,
        threshold: settings.degradedEnrichmentThresholdPercent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
      schemaDrift: alarm('SchemaDriftAlarm', {
        alarmDescription: `A lease record had a field set no known fingerprint matches. ${runbook('schema-drift')}`,
        metric: count(EnrichmentMetric.SchemaDrift),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      }),
      consistencyConflict: alarm('ConsistencyConflictAlarm', {
        alarmDescription: `A lease record contradicted its event even after a consistent read. ${runbook('lease-consistency-conflicts')}`,
        metric: count(EnrichmentMetric.ConsistencyConflict),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      }),
      deliveryDeadLetters: queueNotEmpty(
        'DeliveryDeadLetterAlarm',
        this.deliveryDeadLetterQueue,
        'EventBridge could not deliver lease events to the function.',
        'delivery-dead-letters',
      ),
      failedInvocations: queueNotEmpty(
        'FailedInvocationAlarm',
        this.failedInvocationQueue,
        'The function failed on lease events after its retries.',
        'failed-invocations',
      ),
      ...(this.notificationDeadLetterQueue && {
        undeliveredNotifications: queueNotEmpty(
          'UndeliveredNotificationAlarm',
          this.notificationDeadLetterQueue,
          'Senders failed five times on a notification.',
          'undelivered-notifications',
        ),
      }),
      functionErrors: alarm('FunctionErrorAlarm', {
        alarmDescription: `The notification function threw or timed out. ${runbook('function-errors')}`,
        metric: this.notification.function.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      }),
      ruleFailedInvocations: atLeastOne(
        'RuleFailedInvocationAlarm',
        // A rule on a custom bus (ISB's) reports with both dimensions; on the default bus, RuleName alone.
        new Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: {
            ...(this.leaseEventBus.eventBusName === 'default' ? {} : { EventBusName: this.leaseEventBus.eventBusName }),
            RuleName: this.rule.ruleName,
          },
          statistic: 'Sum',
          period: ALARM_PERIOD,
        }),
        `EventBridge failed to invoke the function for lease events. ${runbook('rule-failed-invocations')}`,
      ),
      asyncEventsDropped: atLeastOne(
        'AsyncEventsDroppedAlarm',
        lambdaMetric('AsyncEventsDropped'),
        `Lambda dropped lease events without running the function to the end. ${runbook('async-events-dropped')}`,
      ),
      destinationDeliveryFailures: atLeastOne(
        'DestinationDeliveryFailureAlarm',
        lambdaMetric('DestinationDeliveryFailures'),
        `Lambda could not deliver notifications or failures to their destination. ${runbook('destination-delivery-failures')}`,
      ),
      ...(this.notificationQueue && {
        staleNotifications: alarm('StaleNotificationAlarm', {
          alarmDescription:
            `A notification waited in the queue over ${settings.notificationMaxAgeMinutes} minutes: ` +
            `is anything consuming it? ${runbook('stale-notifications')}`,
          metric: this.notificationQueue.metricApproximateAgeOfOldestMessage({ period: ALARM_PERIOD, statistic: 'Maximum' }),
          threshold: settings.notificationMaxAgeMinutes * 60,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
        }),
      }),
    };
  }
}
