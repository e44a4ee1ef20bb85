import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT_KEY, DeploymentConfigError, readDeploymentConfig } from '../../cdk/lib/config.js';
import { SENDER_EVENT_SOURCE, SENDER_QUEUE_VISIBILITY, SENDER_TIMEOUT } from '../../cdk/lib/notification-sender.js';
import { SENDER_DEFAULTS } from '../../cdk/lib/sender-config.js';
import { ENV } from '../../src/config.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, SenderMetric } from '../../src/metric-names.js';
import { ISB, ISB_SETTINGS, identityStatements, resourceNamed, synthApp } from './synth.js';

const FROM = 'lease-notifications@example.gov.uk';
const SENDER = { notificationFrom: FROM, operatorEmails: 'sandbox-operators@example.gov.uk,duty@example.gov.uk' };

const alarm = (template: Template, idPrefix: string) => resourceNamed(template, 'AWS::CloudWatch::Alarm', idPrefix).Properties;
const senderStatements = (template: Template) =>
  resourceNamed(template, 'AWS::IAM::Policy', 'SenderRoleDefaultPolicy').Properties.PolicyDocument.Statement as Record<string, unknown>[];
const arnOf = (template: Template, type: string, idPrefix: string) => ({
  'Fn::GetAtt': [resourceNamed(template, type, idPrefix).id, 'Arn'],
});

describe('the sender, deployed with notificationFrom', () => {
  let template: Template;
  let built: ReturnType<typeof synthApp>;

  beforeAll(() => {
    built = synthApp({
      ...SENDER,
      sesConfigurationSet: 'lease-notifications',
      isbWebAppUrl: 'https://sandbox.example.gov.uk',
      notificationTimeZone: 'Europe/London',
    });
    template = built.template;
  });

  it('runs on Node 24, arm64, with active tracing, and its settings from the context', () => {
    const fn = resourceNamed(template, 'AWS::Lambda::Function', 'SenderFunction').Properties;
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: SENDER_TIMEOUT.toSeconds(),
    });
    expect(fn.Environment.Variables).toEqual({
      [ENV.idempotencyTableName]: { Ref: resourceNamed(template, 'AWS::DynamoDB::Table', 'SenderIdempotencyTable').id },
      [ENV.notificationFrom]: FROM,
      [ENV.operatorEmails]: 'sandbox-operators@example.gov.uk,duty@example.gov.uk',
      [ENV.notificationTimeZone]: 'Europe/London',
      [ENV.notificationsSend]: 'true',
      [ENV.rejectedQueueUrl]: { Ref: resourceNamed(template, 'AWS::SQS::Queue', 'NotificationDeadLetterQueue').id },
      [ENV.sesConfigurationSet]: 'lease-notifications',
      [ENV.isbWebAppUrl]: 'https://sandbox.example.gov.uk',
      [ENV.serviceName]: DEFAULT_SERVICE_NAME,
      [ENV.metricsNamespace]: DEFAULT_METRICS_NAMESPACE,
      [ENV.logLevel]: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('reads the notification queue in batches of 10, at most 2 at once, reporting failed records one by one', () => {
    expect(resourceNamed(template, 'AWS::Lambda::EventSourceMapping', 'SenderFunctionSqsEventSource').Properties).toEqual({
      EventSourceArn: arnOf(template, 'AWS::SQS::Queue', 'NotificationQueue'),
      FunctionName: { Ref: resourceNamed(template, 'AWS::Lambda::Function', 'SenderFunction').id },
      BatchSize: SENDER_EVENT_SOURCE.batchSize,
      MaximumBatchingWindowInSeconds: 0,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(resourceNamed(template, 'AWS::SQS::Queue', 'NotificationQueue').Properties.VisibilityTimeout).toBe(
      SENDER_QUEUE_VISIBILITY.toSeconds(),
    );
    expect(SENDER_QUEUE_VISIBILITY.toSeconds()).toBeGreaterThanOrEqual(6 * SENDER_TIMEOUT.toSeconds());
  });

  it("keeps sends in Powertools' idempotency table: on demand, TTL on expiration, encrypted, point-in-time recovery", () => {
    expect(resourceNamed(template, 'AWS::DynamoDB::Table', 'SenderIdempotencyTable').Properties).toEqual({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('may send as exactly the identity, in exactly the configuration set, from exactly the address; read and write exactly its table', () => {
    expect(senderStatements(template)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: arnOf(template, 'AWS::Logs::LogGroup', 'SenderLogGroup'),
      },
      { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
        Resource: arnOf(template, 'AWS::SQS::Queue', 'NotificationQueue'),
      },
      {
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: [
          `arn:aws:ses:${ISB.region}:${ISB.account}:configuration-set/lease-notifications`,
          `arn:aws:ses:${ISB.region}:${ISB.account}:identity/example.gov.uk`,
        ],
        Condition: { StringEquals: { 'ses:FromAddress': FROM } },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: arnOf(template, 'AWS::DynamoDB::Table', 'SenderIdempotencyTable'),
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(template, 'AWS::SQS::Queue', 'NotificationDeadLetterQueue') },
    ]);
    expect(resourceNamed(template, 'AWS::IAM::Role', 'SenderRole').Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('gives the notification function no new permission', () => {
    const statements = identityStatements(template).filter((statement) =>
      JSON.stringify(statement.Action).match(/ses:|dynamodb:(Put|Update|Delete)/),
    );
    expect(statements).toHaveLength(2);
  });

  it('alarms on send failures, rejections and a silence, on the names the sender emits', () => {
    const dimensions = [{ Name: 'service', Value: DEFAULT_SERVICE_NAME }];
    expect(alarm(template, 'SenderSendFailureAlarm')).toMatchObject({
      MetricName: SenderMetric.SendFailed,
      Namespace: DEFAULT_METRICS_NAMESPACE,
      Dimensions: dimensions,
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    const rejections = alarm(template, 'SenderRejectionAlarm');
    expect(
      rejections.Metrics.map(
        (metric: { Expression?: string; MetricStat?: { Metric: { MetricName: string } } }) =>
          metric.Expression ?? metric.MetricStat?.Metric.MetricName,
      ),
    ).toEqual(['FILL(rejected, 0) + FILL(noRecipient, 0)', SenderMetric.Rejected, SenderMetric.NoRecipient]);
    expect(rejections).toMatchObject({ Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm(template, 'SenderSilenceAlarm')).toMatchObject({
      MetricName: SenderMetric.Sent,
      Period: 86_400,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: SENDER_DEFAULTS.silenceAlarmDays,
      DatapointsToAlarm: SENDER_DEFAULTS.silenceAlarmDays,
      TreatMissingData: 'breaching',
    });
    expect(alarm(template, 'SenderSenderErrorAlarm')).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1 });
    const topic = { Ref: resourceNamed(template, 'AWS::SNS::Topic', 'AlarmTopic').id };
    for (const id of ['SenderSendFailureAlarm', 'SenderRejectionAlarm', 'SenderSilenceAlarm', 'SenderSenderErrorAlarm']) {
      expect(alarm(template, id).AlarmActions).toEqual([topic]);
    }
  });

  it("keeps the queue's dead-letter alarm: rejected and unreadable notifications end there", () => {
    expect(alarm(template, 'UndeliveredNotificationAlarm').Dimensions).toEqual([
      {
        Name: 'QueueName',
        Value: { 'Fn::GetAtt': [resourceNamed(template, 'AWS::SQS::Queue', 'NotificationDeadLetterQueue').id, 'QueueName'] },
      },
    ]);
  });

  it('takes the silence window from the context', () => {
    expect(alarm(synthApp({ ...SENDER, silenceAlarmDays: '3' }).template, 'SenderSilenceAlarm')).toMatchObject({
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  it('passes cdk-nag', () => {
    expect(new AwsSolutionsChecks().validateScope(built.stack).violations).toEqual([]);
  });

  it('is not deployed without notificationFrom', () => {
    const { template: plain } = synthApp();
    expect(Object.keys(plain.findResources('AWS::DynamoDB::Table'))).toEqual([]);
    expect(Object.keys(plain.findResources('AWS::Lambda::EventSourceMapping'))).toEqual([]);
  });
});

describe('the sender’s context keys', () => {
  const read = (context: Record<string, unknown>) =>
    readDeploymentConfig((key) => ({ ...ISB_SETTINGS, ...context })[key], { account: ISB.account, region: ISB.region });
  const failure = (context: Record<string, unknown>): DeploymentConfigError => {
    try {
      read(context);
    } catch (error) {
      if (error instanceof DeploymentConfigError) return error;
      throw error;
    }
    throw new Error('Expected the context to be rejected');
  };

  it('defaults everything but the address, and takes the identity from its domain', () => {
    expect(read({ notificationFrom: FROM }).sender).toEqual({
      notificationFrom: FROM,
      sesIdentity: 'example.gov.uk',
      operatorEmails: [],
      notificationTimeZone: 'UTC',
      notificationsSend: true,
      silenceAlarmDays: 7,
    });
    expect(read({}).sender).toBeUndefined();
    expect(
      read({ notificationFrom: FROM, sesIdentity: FROM, operatorEmails: ['a@example.gov.uk'], notificationsSend: 'false' }).sender,
    ).toMatchObject({
      sesIdentity: FROM,
      operatorEmails: ['a@example.gov.uk'],
      notificationsSend: false,
    });
  });

  it.each([
    [{ notificationFrom: 'leases' }, CONTEXT_KEY.notificationFrom, 'verified SES identity'],
    [
      { notificationFrom: FROM, onSuccessDestination: 'eventbridge', onSuccessEventBus: 'notifications' },
      CONTEXT_KEY.notificationFrom,
      'set onSuccessDestination to sqs',
    ],
    [{ notificationFrom: FROM, sesIdentity: 'other.gov.uk' }, CONTEXT_KEY.sesIdentity, 'or its domain'],
    [{ notificationFrom: FROM, operatorEmails: 'ops@example.gov.uk,Ops team' }, CONTEXT_KEY.operatorEmails, '"Ops team"'],
    [
      { notificationFrom: FROM, operatorEmails: Array.from({ length: 51 }, (_, n) => `ops${n}@example.gov.uk`) },
      CONTEXT_KEY.operatorEmails,
      'at most 50',
    ],
    [{ notificationFrom: FROM, notificationTimeZone: 'London' }, CONTEXT_KEY.notificationTimeZone, 'IANA time zone'],
    [{ notificationFrom: FROM, isbWebAppUrl: 'http://sandbox.example.gov.uk' }, CONTEXT_KEY.isbWebAppUrl, 'https URL'],
    [{ notificationFrom: FROM, sesConfigurationSet: 'lease notifications' }, CONTEXT_KEY.sesConfigurationSet, 'configuration set name'],
    [{ notificationFrom: FROM, notificationsSend: 'no' }, CONTEXT_KEY.notificationsSend, 'true or false'],
    [{ notificationFrom: FROM, silenceAlarmDays: '8' }, CONTEXT_KEY.silenceAlarmDays, 'from 1 to 7'],
    [{ notificationFrom: FROM, silenceAlarmDays: '1.5' }, CONTEXT_KEY.silenceAlarmDays, 'from 1 to 7'],
  ])('refuses %j, naming %s', (context, key, says) => {
    const error = failure(context);
    expect(error.key).toBe(key);
    expect(error.message).toContain(says);
  });

  it.each(['default', `arn:aws:events:${ISB.region}:${ISB.account}:event-bus/default`])(
    'refuses eventBus=%s: ISB never publishes there',
    (eventBus) => {
      const error = failure({ eventBus });
      expect(error.key).toBe(CONTEXT_KEY.eventBus);
      expect(error.message).toContain('the default bus, where ISB never publishes');
    },
  );
});
