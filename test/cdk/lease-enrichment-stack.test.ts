import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createLeaseEnrichmentApp } from '../../cdk/lib/app.js';
import { DeploymentConfigError } from '../../cdk/lib/config.js';
import { isbDataConfigurationParameter } from '../../cdk/lib/isb.js';
import { ENV } from '../../src/config.js';
import { LEASE_EVENT_DETAIL_TYPES, LEASE_EVENT_SOURCE_PREFIX } from '../../src/events.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, EnrichmentMetric } from '../../src/metric-names.js';
import { cdkJsonContext, ISB, ISB_SETTINGS, identityStatements, NO_BUNDLING, resourceNamed, SECOND_TABLE_ARN, synthApp } from './synth.js';

/** ISB's data configuration parameter as CDK's context lookup caches it (cdk.context.json). */
const ssmLookupKey = (namespace: string) =>
  `ssm:account=${ISB.account}:parameterName=${isbDataConfigurationParameter(namespace)}:region=${ISB.region}`;
const ISB_DATA_CONFIGURATION = JSON.stringify({
  accountTable: 'InnovationSandbox-Data-SandboxAccountTable1A2B3C4D-0F9E8D7C6B5A',
  leaseTemplateTable: 'InnovationSandbox-Data-LeaseTemplateTable5E6F7A8B-1A2B3C4D5E6F',
  leaseTable: ISB.leaseTableName,
  blueprintTable: 'InnovationSandbox-Data-BlueprintTable9C0D1E2F-2B3C4D5E6F7A',
  tableKmsKeyId: ISB.kmsKeyId,
  solutionVersion: 'v1.2.14',
  supportedSchemas: '{}',
});

const XRAY_STATEMENT = { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' };
const KMS_STATEMENT = {
  Effect: 'Allow',
  Action: 'kms:Decrypt',
  Resource: ISB.kmsKeyArn,
  Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-2.amazonaws.com' } },
};

const ref = (template: Template, type: string, idPrefix: string) => ({ Ref: resourceNamed(template, type, idPrefix).id });
const arnOf = (template: Template, type: string, idPrefix: string) => ({
  'Fn::GetAtt': [resourceNamed(template, type, idPrefix).id, 'Arn'],
});
const queueArn = (template: Template, idPrefix: string) => arnOf(template, 'AWS::SQS::Queue', idPrefix);
const alarm = (template: Template, idPrefix: string) => resourceNamed(template, 'AWS::CloudWatch::Alarm', idPrefix).Properties;
const functionProps = (template: Template) => resourceNamed(template, 'AWS::Lambda::Function', 'Notification').Properties;

describe('LeaseEnrichmentStack next to ISB, from the LeaseTable and key ARNs', () => {
  let template: Template;
  let built: ReturnType<typeof synthApp>;

  beforeAll(() => {
    built = synthApp();
    template = built.template;
  });

  describe('the function', () => {
    it('reads the LeaseTable named by the configured ARN, and names its metrics as the alarms expect', () => {
      expect(functionProps(template).Environment.Variables).toEqual({
        [ENV.leaseTableName]: ISB.leaseTableArn,
        [ENV.serviceName]: DEFAULT_SERVICE_NAME,
        [ENV.metricsNamespace]: DEFAULT_METRICS_NAMESPACE,
        [ENV.logLevel]: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('runs on nodejs24.x, arm64, 256 MB, 10 s', () => {
      expect(functionProps(template)).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 10,
        Handler: 'index.handler',
      });
    });

    it('traces every invocation with X-Ray', () => {
      expect(functionProps(template).TracingConfig).toEqual({ Mode: 'Active' });
    });

    it("goes to the LeaseTable's account and region", () => {
      expect(built.stack.account).toBe(ISB.account);
      expect(built.stack.region).toBe(ISB.region);
    });
  });

  describe('IAM', () => {
    it('allows dynamodb:GetItem on exactly the configured table, in one statement, and nothing else of DynamoDB anywhere', () => {
      const dynamodb = identityStatements(template).filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));

      expect(dynamodb).toEqual([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: ISB.leaseTableArn }]);
    });

    it("allows kms:Decrypt on exactly ISB's table key, and only through DynamoDB in the table's region", () => {
      const kms = identityStatements(template).filter((statement) => JSON.stringify(statement).includes('kms:'));

      expect(kms).toEqual([KMS_STATEMENT]);
    });

    it("gives the function's role its log group, the two queues it delivers to, the table, its key and X-Ray: nothing else", () => {
      const role = ref(template, 'AWS::IAM::Role', 'NotificationRole');

      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [role],
        PolicyDocument: {
          Statement: Match.arrayEquals([
            XRAY_STATEMENT,
            {
              Effect: 'Allow',
              Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
              Resource: [queueArn(template, 'FailedInvocationQueue'), queueArn(template, 'NotificationQueue')],
            },
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: arnOf(template, 'AWS::Logs::LogGroup', 'NotificationLogGroup'),
            },
            { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: ISB.leaseTableArn },
            KMS_STATEMENT,
          ]),
        },
      });
      expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toHaveLength(1);
      expect(resourceNamed(template, 'AWS::IAM::Role', 'NotificationRole').Properties.ManagedPolicyArns).toBeUndefined();
    });
  });

  describe('EventBridge', () => {
    it("matches all 12 lease detail-types on ISB's bus, by ISB's source prefix", () => {
      const rule = resourceNamed(template, 'AWS::Events::Rule', 'LeaseEventRule').Properties;

      expect(rule.EventBusName).toBe(ISB.eventBusName);
      expect(rule.EventPattern).toEqual({
        source: [{ prefix: 'InnovationSandbox-' }],
        'detail-type': [
          'LeaseRequested',
          'LeaseApproved',
          'LeaseDenied',
          'LeaseBudgetThresholdAlert',
          'LeaseDurationThresholdAlert',
          'LeaseFreezingThresholdAlert',
          'LeaseBudgetExceeded',
          'LeaseExpired',
          'LeaseTerminated',
          'LeaseFrozen',
          'LeaseUnfrozen',
          'LeaseProvisioningFailed',
        ],
      });
      expect(rule.EventPattern['detail-type']).toEqual([...LEASE_EVENT_DETAIL_TYPES]);
      expect(rule.EventPattern.source).toEqual([{ prefix: LEASE_EVENT_SOURCE_PREFIX }]);
    });

    it('targets the function with a retry policy and a dead-letter queue', () => {
      const rule = resourceNamed(template, 'AWS::Events::Rule', 'LeaseEventRule').Properties;

      expect(rule.Targets).toEqual([
        {
          Id: 'Target0',
          Arn: arnOf(template, 'AWS::Lambda::Function', 'Notification'),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: queueArn(template, 'DeliveryDeadLetterQueue') },
        },
      ]);
    });

    it('lets only this rule invoke the function, and only this rule write to its dead-letter queue', () => {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: arnOf(template, 'AWS::Lambda::Function', 'Notification'),
        SourceArn: arnOf(template, 'AWS::Events::Rule', 'LeaseEventRule'),
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(template, 'AWS::SQS::Queue', 'DeliveryDeadLetterQueue')],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: { ArnEquals: { 'aws:SourceArn': arnOf(template, 'AWS::Events::Rule', 'LeaseEventRule') } },
            }),
          ]),
        },
      });
    });
  });

  describe('delivery', () => {
    it('sends notifications to the notification queue and failed invocations to their own queue, after two retries', () => {
      expect(resourceNamed(template, 'AWS::Lambda::EventInvokeConfig', 'Notification').Properties).toEqual({
        FunctionName: ref(template, 'AWS::Lambda::Function', 'Notification'),
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21_600,
        DestinationConfig: {
          OnSuccess: { Destination: queueArn(template, 'NotificationQueue') },
          OnFailure: { Destination: queueArn(template, 'FailedInvocationQueue') },
        },
      });
    });

    it('moves a notification senders fail on five times to a dead-letter queue', () => {
      expect(resourceNamed(template, 'AWS::SQS::Queue', 'NotificationQueue').Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: queueArn(template, 'NotificationDeadLetterQueue'),
        maxReceiveCount: 5,
      });
    });

    it.each(['NotificationQueue', 'NotificationDeadLetterQueue', 'FailedInvocationQueue', 'DeliveryDeadLetterQueue'])(
      '%s is encrypted, keeps messages 14 days and refuses requests without TLS',
      (queue) => {
        expect(resourceNamed(template, 'AWS::SQS::Queue', queue).Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 1_209_600,
        });
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [ref(template, 'AWS::SQS::Queue', queue)],
          PolicyDocument: {
            Statement: Match.arrayWith([
              {
                Effect: 'Deny',
                Principal: { AWS: '*' },
                Action: 'sqs:*',
                Resource: queueArn(template, queue),
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ]),
          },
        });
      },
    );

    it('has exactly these four queues', () => {
      expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toHaveLength(4);
    });
  });

  describe('alarms', () => {
    const service = [{ Name: 'service', Value: DEFAULT_SERVICE_NAME }];

    it('alarm on the p99 of EnrichmentQueryLatencyMs above 200 ms, in the namespace and service the code emits', () => {
      expect(alarm(template, 'QueryLatencyP99Alarm')).toMatchObject({
        Namespace: DEFAULT_METRICS_NAMESPACE,
        MetricName: EnrichmentMetric.QueryLatency,
        Dimensions: service,
        ExtendedStatistic: 'p99',
        Threshold: 200,
        ComparisonOperator: 'GreaterThanThreshold',
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      });
    });

    it('alarm on the share of degraded enrichments: (failed + skipped by the breaker) over all, above 5 %', () => {
      const degraded = alarm(template, 'DegradedEnrichmentsAlarm');
      const inputs = Object.fromEntries(
        degraded.Metrics.filter((metric: { MetricStat?: unknown }) => metric.MetricStat).map(
          (metric: { Id: string; MetricStat: { Metric: unknown; Stat: string; Period: number } }) => [metric.Id, metric.MetricStat],
        ),
      );
      const sum = (metricName: string) => ({
        Metric: { Namespace: DEFAULT_METRICS_NAMESPACE, MetricName: metricName, Dimensions: service },
        Stat: 'Sum',
        Period: 300,
      });

      expect(inputs).toEqual({
        failed: sum(EnrichmentMetric.Failed),
        circuitOpen: sum(EnrichmentMetric.SkippedCircuitOpen),
        enriched: sum(EnrichmentMetric.Enriched),
        notFound: sum(EnrichmentMetric.NotFound),
        skipped: sum(EnrichmentMetric.Skipped),
      });
      expect(degraded.Metrics.filter((metric: { ReturnData: boolean }) => metric.ReturnData)).toEqual([
        expect.objectContaining({
          Expression:
            '100 * (FILL(failed, 0) + FILL(circuitOpen, 0)) / (FILL(enriched, 0) + FILL(notFound, 0) + FILL(skipped, 0) + FILL(failed, 0))',
        }),
      ]);
      expect(degraded).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    });

    it('alarm as soon as one LeaseSchemaDrift is counted', () => {
      expect(alarm(template, 'SchemaDriftAlarm')).toMatchObject({
        Namespace: DEFAULT_METRICS_NAMESPACE,
        MetricName: EnrichmentMetric.SchemaDrift,
        Dimensions: service,
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
      });
    });

    it('alarm as soon as one LeaseConsistencyConflict is counted', () => {
      expect(alarm(template, 'ConsistencyConflictAlarm')).toMatchObject({
        Namespace: DEFAULT_METRICS_NAMESPACE,
        MetricName: 'LeaseConsistencyConflict',
        Dimensions: service,
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it.each([
      ['DeliveryDeadLetterAlarm', 'DeliveryDeadLetterQueue'],
      ['FailedInvocationAlarm', 'FailedInvocationQueue'],
      ['UndeliveredNotificationAlarm', 'NotificationDeadLetterQueue'],
    ])('%s fires when %s is not empty', (alarmId, queue) => {
      expect(alarm(template, alarmId)).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [resourceNamed(template, 'AWS::SQS::Queue', queue).id, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('alarm on any function error', () => {
      expect(alarm(template, 'FunctionErrorAlarm')).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(template, 'AWS::Lambda::Function', 'Notification') }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('alarm when the rule fails to invoke the function, with the dimensions of a rule on a custom bus', () => {
      expect(alarm(template, 'RuleFailedInvocationAlarm')).toMatchObject({
        Namespace: 'AWS/Events',
        MetricName: 'FailedInvocations',
        Dimensions: [
          { Name: 'EventBusName', Value: ISB.eventBusName },
          { Name: 'RuleName', Value: ref(template, 'AWS::Events::Rule', 'LeaseEventRule') },
        ],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
      });
    });

    it.each([
      ['AsyncEventsDroppedAlarm', 'AsyncEventsDropped'],
      ['DestinationDeliveryFailureAlarm', 'DestinationDeliveryFailures'],
    ])('%s fires on one %s of the function', (alarmId, metricName) => {
      expect(alarm(template, alarmId)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: [{ Name: 'FunctionName', Value: ref(template, 'AWS::Lambda::Function', 'Notification') }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('alarm when a notification has waited in the queue for over an hour: nothing is consuming it', () => {
      expect(alarm(template, 'StaleNotificationAlarm')).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [resourceNamed(template, 'AWS::SQS::Queue', 'NotificationQueue').id, 'QueueName'] } },
        ],
        Statistic: 'Maximum',
        Threshold: 3600,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it('all notify the alarm topic, when they fire and when they clear, and each names its runbook', () => {
      const topic = ref(template, 'AWS::SNS::Topic', 'AlarmTopic');
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));

      expect(alarms).toHaveLength(12);
      for (const { Properties } of alarms) {
        expect(Properties.AlarmActions).toEqual([topic]);
        expect(Properties.OKActions).toEqual([topic]);
        expect(Properties.AlarmDescription).toMatch(/Runbook: docs\/deployment\.md#[a-z-]+$/);
      }
    });

    it('link runbook sections that exist in docs/deployment.md', () => {
      const docs = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8');
      const anchors = [...docs.matchAll(/^#+ (.+)$/gm)].map(([, heading]) =>
        heading!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      );
      const linked = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
        ({ Properties }) => /#([a-z-]+)$/.exec(Properties.AlarmDescription)![1],
      );

      expect(linked).toHaveLength(12);
      for (const anchor of linked) expect(anchors).toContain(anchor);
    });

    it('send to an SNS topic encrypted with a rotating key that CloudWatch may use, over TLS only', () => {
      const key = resourceNamed(template, 'AWS::KMS::Key', 'AlarmTopicKey');

      expect(resourceNamed(template, 'AWS::SNS::Topic', 'AlarmTopic').Properties.KmsMasterKeyId).toEqual({
        'Fn::GetAtt': [key.id, 'Arn'],
      });
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.Properties.KeyPolicy.Statement).toContainEqual({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': ISB.account } }),
            }),
          ]),
        },
      });
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('cdk-nag', () => {
    it('finds nothing unacknowledged', () => {
      expect(new AwsSolutionsChecks().validateScope(built.stack).violations).toEqual([]);
    });

    it('is acknowledged only for the dead-letter queues without their own, and the X-Ray wildcard', () => {
      const acknowledged = built.stack.node
        .findAll()
        .flatMap((node) =>
          node.node.metadata
            .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
            .map((entry) => ({ path: node.node.path, rules: Object.keys(entry.data as object) })),
        );

      expect(acknowledged).toEqual([
        { path: 'LeaseEnrichment/FailedInvocationQueue', rules: ['Annotation::AwsSolutions-SQS3'] },
        { path: 'LeaseEnrichment/DeliveryDeadLetterQueue', rules: ['Annotation::AwsSolutions-SQS3'] },
        { path: 'LeaseEnrichment/Notification/Role', rules: ['Annotation::AwsSolutions-IAM5[Resource::*]'] },
      ]);
    });
  });
});

describe('LeaseEnrichmentStack with a second LeaseTable, encrypted with an AWS managed key', () => {
  let built: ReturnType<typeof synthApp>;

  beforeAll(() => {
    built = synthApp({ leaseTableArn: SECOND_TABLE_ARN, leaseTableKmsKeyArn: 'aws-managed', eventBus: 'isb-prod-events' });
  });

  it('grants GetItem on that table, no KMS permission, and points the function at it', () => {
    const dynamodb = identityStatements(built.template).filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));

    expect(dynamodb).toEqual([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: SECOND_TABLE_ARN }]);
    expect(JSON.stringify(identityStatements(built.template))).not.toContain('kms:');
    expect(functionProps(built.template).Environment.Variables[ENV.leaseTableName]).toBe(SECOND_TABLE_ARN);
  });

  it("deploys to that table's account and region, and nothing of the first ISB is left", () => {
    expect(built.stack.account).toBe('210987654321');
    expect(built.stack.region).toBe('us-east-1');
    expect(JSON.stringify(built.template.toJSON())).not.toMatch(
      new RegExp(`${ISB.leaseTableName}|${ISB.kmsKeyId}|eu-west-2|${ISB.account}`),
    );
  });
});

describe("LeaseEnrichmentStack from ISB's namespace, its configuration looked up in SSM", () => {
  const fromNamespace = (lookedUp: Record<string, unknown>) =>
    synthApp({
      leaseTableArn: undefined,
      leaseTableKmsKeyArn: undefined,
      isbNamespace: ISB.namespace,
      account: ISB.account,
      region: ISB.region,
      ...lookedUp,
    });

  it("reads the LeaseTable and its key from ISB's data configuration, and grants exactly those", () => {
    const built = fromNamespace({ [ssmLookupKey(ISB.namespace)]: ISB_DATA_CONFIGURATION });

    expect(functionProps(built.template).Environment.Variables[ENV.leaseTableName]).toBe(ISB.leaseTableArn);
    const statements = identityStatements(built.template).filter((statement) => /dynamodb:|kms:/.test(JSON.stringify(statement.Action)));
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: ISB.leaseTableArn }, KMS_STATEMENT]);
    expect(built.app.synth().manifest.missing).toBeUndefined();
    expect(new AwsSolutionsChecks().validateScope(built.stack).violations).toEqual([]);
  });

  it('asks the CLI for the parameter on the first pass, with placeholders until it has it', () => {
    const built = fromNamespace({});

    expect(built.app.synth().manifest.missing).toEqual([
      expect.objectContaining({
        key: ssmLookupKey(ISB.namespace),
        provider: 'ssm',
        props: expect.objectContaining({ parameterName: 'InnovationSandbox_myisb_Data_Configuration' }),
      }),
    ]);
    expect(functionProps(built.template).Environment.Variables[ENV.leaseTableName]).toMatch(/:table\/dummy-lease-table$/);
  });

  it.each([
    ['not JSON', 'not json', 'is not JSON'],
    ['without the table', JSON.stringify({ tableKmsKeyId: ISB.kmsKeyId }), 'has no leaseTable'],
    ['without the key', JSON.stringify({ leaseTable: ISB.leaseTableName }), 'has no tableKmsKeyId'],
  ])('stops synth, naming isbNamespace, when the parameter is %s', (_case, value, problem) => {
    expect(() => fromNamespace({ [ssmLookupKey(ISB.namespace)]: value })).toThrow(
      expect.objectContaining({
        key: 'isbNamespace',
        message: expect.stringContaining(`SSM parameter InnovationSandbox_myisb_Data_Configuration ${problem}`),
      }),
    );
  });
});

describe('LeaseEnrichmentStack delivering notifications to EventBridge', () => {
  const busArn = 'arn:aws:events:eu-west-2:123456789012:event-bus/lease-enrichments';
  let built: ReturnType<typeof synthApp>;

  beforeAll(() => {
    built = synthApp({ onSuccessDestination: 'eventbridge', onSuccessEventBus: busArn });
  });

  it('sends successful results to the bus, failures still to the queue', () => {
    expect(resourceNamed(built.template, 'AWS::Lambda::EventInvokeConfig', 'Notification').Properties.DestinationConfig).toEqual({
      OnSuccess: { Destination: busArn },
      OnFailure: { Destination: queueArn(built.template, 'FailedInvocationQueue') },
    });
  });

  it('may put events on that bus only, and has no notification queues or their alarm', () => {
    expect(identityStatements(built.template)).toContainEqual({ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn });
    expect(Object.keys(built.template.findResources('AWS::SQS::Queue'))).toEqual([
      expect.stringMatching(/^FailedInvocationQueue/),
      expect.stringMatching(/^DeliveryDeadLetterQueue/),
    ]);
    expect(Object.keys(built.template.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(10);
  });

  it('still passes cdk-nag', () => {
    expect(new AwsSolutionsChecks().validateScope(built.stack).violations).toEqual([]);
  });
});

describe('LeaseEnrichmentStack with every optional setting', () => {
  let built: ReturnType<typeof synthApp>;

  beforeAll(() => {
    built = synthApp({
      stackName: 'LeaseEnrichment-prod',
      eventBus: 'isb-prod-events',
      eventSource: 'InnovationSandbox-isb-prod',
      serviceName: 'lease-enrichment-prod',
      metricsNamespace: 'IsbProd/LeaseEnrichment',
      knownFingerprints: '0123456789abcdef',
      logLevel: 'debug',
      alarmEmail: 'alerts@example.gov.uk',
      queryLatencyP99ThresholdMs: '300',
      degradedEnrichmentThresholdPercent: '10',
    });
  });

  it('names the stack from context', () => {
    expect(built.stack.stackName).toBe('LeaseEnrichment-prod');
  });

  it('matches the exact source on the named bus', () => {
    const rule = resourceNamed(built.template, 'AWS::Events::Rule', 'LeaseEventRule').Properties;

    expect(rule.EventBusName).toBe('isb-prod-events');
    expect(rule.EventPattern.source).toEqual(['InnovationSandbox-isb-prod']);
  });

  it('gives the function the service name, namespace, log level and fingerprints', () => {
    expect(functionProps(built.template).Environment.Variables).toMatchObject({
      [ENV.serviceName]: 'lease-enrichment-prod',
      [ENV.metricsNamespace]: 'IsbProd/LeaseEnrichment',
      [ENV.logLevel]: 'DEBUG',
      [ENV.knownFingerprints]: '0123456789abcdef',
    });
  });

  it('points every enrichment alarm at the same namespace and service, with the configured thresholds', () => {
    const service = [{ Name: 'service', Value: 'lease-enrichment-prod' }];

    expect(alarm(built.template, 'QueryLatencyP99Alarm')).toMatchObject({
      Namespace: 'IsbProd/LeaseEnrichment',
      Dimensions: service,
      Threshold: 300,
    });
    expect(alarm(built.template, 'SchemaDriftAlarm')).toMatchObject({ Namespace: 'IsbProd/LeaseEnrichment', Dimensions: service });
    const degraded = alarm(built.template, 'DegradedEnrichmentsAlarm');
    expect(degraded.Threshold).toBe(10);
    for (const metric of degraded.Metrics.filter((item: { MetricStat?: unknown }) => item.MetricStat)) {
      expect(metric.MetricStat.Metric).toMatchObject({ Namespace: 'IsbProd/LeaseEnrichment', Dimensions: service });
    }
  });

  it('subscribes the alarm email to the topic', () => {
    built.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'alerts@example.gov.uk',
      TopicArn: ref(built.template, 'AWS::SNS::Topic', 'AlarmTopic'),
    });
  });
});

describe('the app, when the context is wrong', () => {
  const context = (overrides: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries({ ...cdkJsonContext, ...NO_BUNDLING, ...ISB_SETTINGS, ...overrides }).filter(([, value]) => value !== undefined),
    );

  it.each([
    [
      'the table',
      { leaseTableArn: undefined },
      'leaseTableArn',
      "Set CDK context isbNamespace to ISB's namespace, or leaseTableArn and leaseTableKmsKeyArn",
    ],
    ['the key', { leaseTableKmsKeyArn: undefined }, 'leaseTableKmsKeyArn', 'Set CDK context leaseTableKmsKeyArn to the ARN of the KMS key'],
    ['the bus', { eventBus: undefined }, 'eventBus', "Set CDK context eventBus to ISB's event bus"],
  ])('stops synth without %s, naming the key to set', (_what, overrides, key, message) => {
    expect(() => createLeaseEnrichmentApp({ context: context(overrides) })).toThrow(
      expect.objectContaining({ name: 'DeploymentConfigError', key, message: expect.stringContaining(message) }),
    );
  });

  it('stops synth when leaseTableArn is malformed, saying which key to set', () => {
    expect(() => createLeaseEnrichmentApp({ context: context({ leaseTableArn: `${ISB.leaseTableArn}/index/*` }) })).toThrow(
      /CDK context leaseTableArn is not a DynamoDB table ARN: .*-c leaseTableArn=/,
    );
  });

  it('is a DeploymentConfigError, which cdk/bin/app.ts prints without a stack trace', () => {
    expect(() => createLeaseEnrichmentApp({ context: context({ eventBus: undefined }) })).toThrow(DeploymentConfigError);
  });
});
