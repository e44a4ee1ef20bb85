import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  grantLeaseGetItem,
  grantLeaseTableKeyDecrypt,
  LEASE_FUNCTION_RUNTIME,
  LeaseEnrichmentFunction,
} from '../../cdk/lib/lease-enrichment-function.js';
import { ENV } from '../../src/config.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, EnrichmentMetric } from '../../src/metric-names.js';
import { cdkJsonContext, ISB, identityStatements, resourceNamed, SECOND_TABLE_ARN } from './synth.js';

const TABLE_ARN = 'arn:aws:dynamodb:eu-west-2:123456789012:table/isb-dev-LeaseTable';
const XRAY_STATEMENT = { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' };
const LOOKUP_ENTRY = fileURLToPath(new URL('./fixtures/lease-lookup-handler.ts', import.meta.url));

/**
 * One synth, with real bundling, of a stack holding the construct twice: with its defaults (the
 * notification handler) and reused for another handler on another table.
 */
let template: Template;
let assemblyDir: string;
let notification: LeaseEnrichmentFunction;
let lookup: LeaseEnrichmentFunction;

beforeAll(() => {
  const app = new App({ context: cdkJsonContext });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Functions', { env: { region: 'eu-west-2' } });
  notification = new LeaseEnrichmentFunction(stack, 'Notification', { leaseTableArn: TABLE_ARN, leaseTableKmsKeyArn: ISB.kmsKeyArn });
  lookup = new LeaseEnrichmentFunction(stack, 'LeaseLookup', {
    leaseTableArn: SECOND_TABLE_ARN,
    entry: LOOKUP_ENTRY,
    serviceName: 'lease-lookup',
    metricsNamespace: 'LeaseLookups',
    logLevel: 'DEBUG',
    knownFingerprints: ['0123456789abcdef', 'fedcba9876543210'],
  });
  template = Template.fromStack(stack);
  assemblyDir = app.synth().directory;
}, 60_000);

const functionOf = (construct: LeaseEnrichmentFunction) =>
  resourceNamed(template, 'AWS::Lambda::Function', `${construct.node.id}Function`).Properties;

/** The bundle directory of a function, found through the asset hash in its S3 key. */
const bundleOf = (construct: LeaseEnrichmentFunction): string => {
  const key = functionOf(construct).Code.S3Key as string;
  return `${assemblyDir}/asset.${key.replace(/\.zip$/, '')}`;
};

describe('LeaseEnrichmentFunction', () => {
  it('runs on the newest Node.js runtime aws-cdk-lib offers, on arm64', () => {
    const nodeVersions = Runtime.ALL.map((runtime) => /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1])
      .filter((version): version is string => version !== undefined)
      .map(Number);

    expect(LEASE_FUNCTION_RUNTIME.name).toBe(`nodejs${Math.max(...nodeVersions)}.x`);
    expect(functionOf(notification)).toMatchObject({ Runtime: LEASE_FUNCTION_RUNTIME.name, Architectures: ['arm64'] });
  });

  it('has explicit memory, and a timeout well above the 2 s enrichment budget and its 500 ms reserve', () => {
    const { MemorySize, Timeout } = functionOf(notification);

    expect(MemorySize).toBe(256);
    expect(Timeout).toBe(10);
  });

  it('sets the variables the code reads, by the names the code exports', () => {
    expect(functionOf(notification).Environment.Variables).toEqual({
      [ENV.leaseTableName]: TABLE_ARN,
      [ENV.serviceName]: DEFAULT_SERVICE_NAME,
      [ENV.metricsNamespace]: DEFAULT_METRICS_NAMESPACE,
      [ENV.logLevel]: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(functionOf(lookup).Environment.Variables).toEqual({
      [ENV.leaseTableName]: SECOND_TABLE_ARN,
      [ENV.serviceName]: 'lease-lookup',
      [ENV.metricsNamespace]: 'LeaseLookups',
      [ENV.logLevel]: 'DEBUG',
      [ENV.knownFingerprints]: '0123456789abcdef,fedcba9876543210',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('may call dynamodb:GetItem on exactly its table, and nothing else of DynamoDB', () => {
    const dynamodb = identityStatements(template).filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));

    expect(dynamodb).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN },
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: SECOND_TABLE_ARN },
    ]);
  });

  it("gives each function its own role: X-Ray, its own log group, its own table and that table's key", () => {
    const policyOf = (id: string) => {
      const roleId = resourceNamed(template, 'AWS::IAM::Role', `${id}Role`).id;
      const policy = Object.values(template.findResources('AWS::IAM::Policy')).find(
        (resource) => JSON.stringify(resource.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
      );
      return { roleId, statements: policy?.Properties.PolicyDocument.Statement };
    };
    const logGroupArn = (id: string) => ({ 'Fn::GetAtt': [resourceNamed(template, 'AWS::Logs::LogGroup', `${id}LogGroup`).id, 'Arn'] });

    expect(policyOf('Notification').statements).toEqual([
      XRAY_STATEMENT,
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroupArn('Notification') },
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: ISB.kmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-2.amazonaws.com' } },
      },
    ]);
    expect(policyOf('LeaseLookup').statements).toEqual([
      XRAY_STATEMENT,
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroupArn('LeaseLookup') },
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: SECOND_TABLE_ARN },
    ]);
    expect(functionOf(notification).Role).toEqual({ 'Fn::GetAtt': [policyOf('Notification').roleId, 'Arn'] });
  });

  it('traces actively with X-Ray', () => {
    expect(functionOf(notification).TracingConfig).toEqual({ Mode: 'Active' });
  });

  it("attaches no managed policy and writes no wildcard into any statement but X-Ray's, which has no resources", () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    const xray = identityStatements(template).filter((statement) => JSON.stringify(statement.Action).includes('xray:'));
    const others = identityStatements(template).filter((statement) => !xray.includes(statement));
    expect(xray).toEqual([XRAY_STATEMENT, XRAY_STATEMENT]);
    expect(others.length).toBeGreaterThan(0);
    for (const statement of others) {
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
      expect(JSON.stringify(statement.Action)).not.toContain('*');
    }
  });

  it('logs to its own log group, kept for a month', () => {
    const logGroup = resourceNamed(template, 'AWS::Logs::LogGroup', 'NotificationLogGroup');

    expect(logGroup.Properties).toEqual({ RetentionInDays: 30 });
    expect(functionOf(notification).LoggingConfig).toEqual({ LogGroup: { Ref: logGroup.id } });
  });

  it('bundles the handler as a minified ES module with a source map, with the require shim', () => {
    const dir = bundleOf(notification);
    const code = readFileSync(`${dir}/index.mjs`, 'utf8');

    expect(functionOf(notification).Handler).toBe('index.handler');
    expect(code.split('\n')[0]).toBe("import { createRequire } from 'module'; const require = createRequire(import.meta.url);");
    expect(code).toContain('//# sourceMappingURL=index.mjs.map');
    expect(existsSync(`${dir}/index.mjs.map`)).toBe(true);
    // Minified: the 400 KB bundle has a handful of lines, those inside template literals.
    expect(code.length / code.split('\n').length).toBeGreaterThan(1_000);
  });

  it('bundles the AWS SDK instead of taking the runtime one: it imports nothing but Node built-ins', () => {
    const code = readFileSync(`${bundleOf(notification)}/index.mjs`, 'utf8');
    const specifiers = [...code.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\(["']([^"']+)["']\)/g)].map((match) => match[1] ?? match[2]);

    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((specifier) => !isBuiltin(specifier!))).toEqual([]);
    expect(code).toContain('DynamoDB_20120810');
  });

  it('deploys a bundle that runs on its own and emits the metrics the alarms watch', () => {
    // Imported from the cloud assembly, outside the project, where no node_modules can be found.
    expect(assemblyDir.startsWith(fileURLToPath(new URL('../../', import.meta.url)))).toBe(false);
    const script = `
      const { handler } = await import(${JSON.stringify(`${bundleOf(notification)}/index.mjs`)});
      const context = { functionName: 'lease-enrichment', awsRequestId: 'r-1', memoryLimitInMB: '256',
        invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:lease-enrichment',
        getRemainingTimeInMillis: () => 10000 };
      const event = { id: 'e-1', 'detail-type': 'LeaseApproved', source: 'InnovationSandbox-isb-dev',
        detail: { leaseId: 'u-1', userEmail: 'ada@example.gov.uk' } };
      process.stdout.write('RESULT ' + JSON.stringify(await handler(event, context)) + '\\n');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        PATH: process.env.PATH,
        ...functionOf(notification).Environment.Variables,
        AWS_REGION: 'eu-west-2',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        // Nothing listens here: the lookup fails at once and the notification goes without its lease.
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    const lines = run.stdout.split('\n');
    const result = lines.find((line) => line.startsWith('RESULT '));
    const emf = lines.filter((line) => line.includes('"CloudWatchMetrics"')).map((line) => JSON.parse(line));

    expect(run.status).toBe(0);
    expect(JSON.parse(result!.slice('RESULT '.length))).toMatchObject({
      eventId: 'e-1',
      detailType: 'LeaseApproved',
      enriched: false,
      enrichment: { status: 'failed' },
    });
    expect(emf).toContainEqual(
      expect.objectContaining({
        service: DEFAULT_SERVICE_NAME,
        [EnrichmentMetric.Failed]: 1,
        _aws: expect.objectContaining({
          CloudWatchMetrics: [expect.objectContaining({ Namespace: DEFAULT_METRICS_NAMESPACE, Dimensions: [['service']] })],
        }),
      }),
    );
  }, 30_000);

  it('bundles another handler built from the same middlewares', () => {
    const code = readFileSync(`${bundleOf(lookup)}/index.mjs`, 'utf8');

    expect(code.length).toBeGreaterThan(10_000);
    expect(bundleOf(lookup)).not.toBe(bundleOf(notification));
  });

  it("passes cdk-nag AwsSolutions with only X-Ray's wildcard acknowledged", () => {
    const stack = Stack.of(notification);

    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
    const acknowledged = stack.node
      .findAll()
      .flatMap((node) =>
        node.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .map((entry) => ({ path: node.node.path, rules: Object.keys(entry.data as object) })),
      );
    expect(acknowledged).toEqual([
      { path: 'Functions/Notification/Role', rules: ['Annotation::AwsSolutions-IAM5[Resource::*]'] },
      { path: 'Functions/LeaseLookup/Role', rules: ['Annotation::AwsSolutions-IAM5[Resource::*]'] },
    ]);
  });
});

describe('grantLeaseTableKeyDecrypt', () => {
  it('grants kms:Decrypt on one key, through DynamoDB in one region only', () => {
    const stack = new Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    grantLeaseTableKeyDecrypt(role, ISB.kmsKeyArn, 'eu-west-2');

    expect(identityStatements(Template.fromStack(stack))).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: ISB.kmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-2.amazonaws.com' } },
      },
    ]);
  });

  it.each(['arn:aws:kms:eu-west-2:123456789012:alias/isb', 'arn:aws:kms:eu-west-2:123456789012:key/*', '*'])(
    'refuses %s, which is not one key',
    (arn) => {
      const stack = new Stack();
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

      expect(() => grantLeaseTableKeyDecrypt(role, arn, 'eu-west-2')).toThrow(`Not a KMS key ARN: "${arn}"`);
    },
  );
});

describe('grantLeaseGetItem', () => {
  it('grants GetItem on one table to any principal', () => {
    const stack = new Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    grantLeaseGetItem(role, TABLE_ARN);

    expect(identityStatements(Template.fromStack(stack))).toEqual([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN }]);
  });

  it.each([`${TABLE_ARN}/index/*`, 'arn:aws:dynamodb:eu-west-2:123456789012:table/*', '*'])('refuses %s, which is not one table', (arn) => {
    const stack = new Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    expect(() => grantLeaseGetItem(role, arn)).toThrow(`Not a DynamoDB table ARN: "${arn}"`);
  });

  it('accepts a table ARN only known at deploy time', () => {
    const stack = new Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    grantLeaseGetItem(role, stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: 'Leases' }));

    expect(identityStatements(Template.fromStack(stack))).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::Join': expect.anything() } },
    ]);
  });
});
