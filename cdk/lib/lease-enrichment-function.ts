import { fileURLToPath } from 'node:url';
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, type FunctionOptions, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type ILogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../src/config.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from '../../src/metric-names.js';
import { parseKmsKeyArn, parseLeaseTableArn } from './config.js';

const projectFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The notification handler: the default entry. */
export const NOTIFICATION_HANDLER_ENTRY = projectFile('src/handlers/notification.ts');

/** The newest Node.js runtime aws-cdk-lib offers; a test fails when a newer one appears. */
export const LEASE_FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/** The only DynamoDB action the lease middlewares need. */
export const LEASE_TABLE_ACTIONS = ['dynamodb:GetItem'] as const;

// Some bundled dependencies are CommonJS and call `require`, which an ES module lacks.
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** How the functions are bundled: a minified ES module with its source map, the local esbuild, no Docker. */
export const LAMBDA_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  forceDockerBundling: false,
  // AWS SDK bundled, not taken from the runtime: the deployed SDK is the one the tests ran against.
  externalModules: [],
};

/**
 * Grants `dynamodb:GetItem` on exactly the LeaseTable, and nothing else: no Query, no Scan, no
 * indexes. Use it for a function built some other way than {@link LeaseEnrichmentFunction}.
 *
 * @example
 * grantLeaseGetItem(myFunction, 'arn:aws:dynamodb:eu-west-2:123456789012:table/LeaseTable');
 */
export const grantLeaseGetItem = (grantee: iam.IGrantable, leaseTableArn: string): iam.Grant => {
  if (!Token.isUnresolved(leaseTableArn) && !parseLeaseTableArn(leaseTableArn)) {
    throw new Error(`Not a DynamoDB table ARN: "${leaseTableArn}" (want arn:aws:dynamodb:<region>:<account>:table/<name>)`);
  }
  return iam.Grant.addToPrincipal({ grantee, actions: [...LEASE_TABLE_ACTIONS], resourceArns: [leaseTableArn] });
};

/**
 * Grants `kms:Decrypt` on exactly the LeaseTable's KMS key, and only through DynamoDB in the table's
 * region (`kms:ViaService`): what reading a table encrypted with a customer-managed key takes, as
 * ISB's LeaseTable is. The key's policy must let the account's IAM grant it, as a CDK key's default
 * policy (ISB's) does.
 *
 * @example
 * grantLeaseTableKeyDecrypt(myFunction, 'arn:aws:kms:eu-west-2:123456789012:key/…', 'eu-west-2');
 */
export const grantLeaseTableKeyDecrypt = (grantee: iam.IGrantable, kmsKeyArn: string, region: string): iam.Grant => {
  if (!Token.isUnresolved(kmsKeyArn) && !parseKmsKeyArn(kmsKeyArn)) {
    throw new Error(`Not a KMS key ARN: "${kmsKeyArn}" (want arn:aws:kms:<region>:<account>:key/<key id>)`);
  }
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['kms:Decrypt'],
    resourceArns: [kmsKeyArn],
    conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
  });
};

/** What a {@link LeaseEnrichmentFunction} is built from. */
export interface LeaseEnrichmentFunctionProps
  extends Pick<
    FunctionOptions,
    'description' | 'onSuccess' | 'onFailure' | 'retryAttempts' | 'maxEventAge' | 'reservedConcurrentExecutions'
  > {
  /** ARN of the LeaseTable: the function's only DynamoDB resource, and its `LEASE_TABLE_NAME`. */
  readonly leaseTableArn: string;
  /**
   * ARN of the customer-managed KMS key the LeaseTable is encrypted with (ISB's): the function may
   * decrypt with it through DynamoDB. Leave it out for a table with an AWS owned or managed key.
   */
  readonly leaseTableKmsKeyArn?: string;
  /** The handler's TypeScript file. Default: the notification handler. */
  readonly entry?: string;
  /** The exported handler. Default `handler`. */
  readonly handler?: string;
  /** Folder holding `package-lock.json` for bundling. Default: this project's root. */
  readonly projectRoot?: string;
  /** `POWERTOOLS_SERVICE_NAME`, the `service` dimension of every metric. Default {@link DEFAULT_SERVICE_NAME}. */
  readonly serviceName?: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`. Default {@link DEFAULT_METRICS_NAMESPACE}. */
  readonly metricsNamespace?: string;
  /** `POWERTOOLS_LOG_LEVEL`. Default `INFO`. */
  readonly logLevel?: string;
  /** `LEASE_KNOWN_FINGERPRINTS`: fingerprints of field sets to accept beyond ISB's lease model. Default none. */
  readonly knownFingerprints?: readonly string[];
  /** Default 256 MB. */
  readonly memorySize?: number;
  /** Default 10 s: room for the 2 s enrichment budget, its 500 ms reserve and a cold start. */
  readonly timeout?: Duration;
  /** Default one month. */
  readonly logRetention?: RetentionDays;
  /** More environment variables; the ones above take precedence. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A Lambda function that runs the lease enrichment middlewares: bundled with the local esbuild as a
 * minified ES module with source maps, on the newest Node.js runtime, arm64, X-Ray active tracing,
 * with its own log group and a role that may write to that log group, call `dynamodb:GetItem` on the
 * LeaseTable and decrypt with its KMS key through DynamoDB, and nothing more. Give it another `entry` to deploy a different handler built from the same
 * middlewares.
 *
 * @example
 * const lookup = new LeaseEnrichmentFunction(this, 'LeaseLookup', {
 *   leaseTableArn: 'arn:aws:dynamodb:eu-west-2:123456789012:table/LeaseTable',
 *   entry: 'src/handlers/my-handler.ts',
 * });
 */
export class LeaseEnrichmentFunction extends Construct {
  /** The function. */
  readonly function: NodejsFunction;
  /** Its execution role: log writes and the LeaseTable GetItem, plus whatever destinations need. */
  readonly role: iam.Role;
  /** Where it logs. */
  readonly logGroup: ILogGroup;

  constructor(scope: Construct, id: string, props: LeaseEnrichmentFunctionProps) {
    super(scope, id);
    const { leaseTableArn } = props;

    this.logGroup = new LogGroup(this, 'LogGroup', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    // Our own role instead of AWSLambdaBasicExecutionRole, whose log permissions cover every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Writes its own logs and reads single leases from the LeaseTable',
    });

    const entry = props.entry ?? NOTIFICATION_HANDLER_ENTRY;
    const projectRoot = props.projectRoot ?? projectFile('.');
    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: LEASE_FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      onSuccess: props.onSuccess,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot,
      depsLockFilePath: `${projectRoot}/package-lock.json`,
      environment: {
        ...props.environment,
        [ENV.leaseTableName]: leaseTableArn,
        [ENV.serviceName]: props.serviceName ?? DEFAULT_SERVICE_NAME,
        [ENV.metricsNamespace]: props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
        [ENV.logLevel]: props.logLevel ?? 'INFO',
        ...(props.knownFingerprints?.length ? { [ENV.knownFingerprints]: props.knownFingerprints.join(',') } : {}),
        // Stack traces point into src/, not the minified bundle; worth its cost at this function's volume.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: LAMBDA_BUNDLING,
    });

    this.logGroup.grantWrite(this.role);
    grantLeaseGetItem(this.function, leaseTableArn);
    if (props.leaseTableKmsKeyArn !== undefined) {
      const region = parseLeaseTableArn(leaseTableArn)?.region ?? Stack.of(this).region;
      grantLeaseTableKeyDecrypt(this.function, props.leaseTableKmsKeyArn, region);
    }
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: X-Ray PutTraceSegments and PutTelemetryRecords take no resource-level permissions.',
    });
  }
}
