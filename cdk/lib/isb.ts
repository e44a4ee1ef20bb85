import { ArnFormat, ContextProvider, Stack } from 'aws-cdk-lib';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { PROVIDER_ERROR_KEY } from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import { CONTEXT_KEY, DeploymentConfigError, type LeaseTableSource } from './config.js';

/**
 * The SSM parameter where ISB publishes its data stack's configuration (`sharedDataSsmParamName` in
 * ISB's `source/common/types/isb-types.ts`).
 *
 * @example
 * isbDataConfigurationParameter('myisb'); // => 'InnovationSandbox_myisb_Data_Configuration'
 */
export const isbDataConfigurationParameter = (namespace: string): string => `InnovationSandbox_${namespace}_Data_Configuration`;

/** Where docs/deployment.md says how to synthesize without AWS access. */
export const CONTEXT_ENTRY_DOC = 'docs/deployment.md#synth-without-aws-access-the-cdkcontextjson-entry';

/**
 * The key under which CDK caches the lookup of ISB's data configuration parameter, in cdk.context.json
 * and in the context: CDK's own key for an SSM parameter lookup in the stack's account and region.
 *
 * @example
 * isbDataConfigurationContextKey(stack, 'myisb');
 * // => 'ssm:account=123456789012:parameterName=InnovationSandbox_myisb_Data_Configuration:region=eu-west-2'
 */
export const isbDataConfigurationContextKey = (scope: Construct, namespace: string): string =>
  ContextProvider.getKey(scope, {
    provider: cxschema.ContextProvider.SSM_PARAMETER_PROVIDER,
    props: { parameterName: isbDataConfigurationParameter(namespace) },
  }).key;

/** The LeaseTable as the function reads it: its ARN, and its KMS key when it has one of its own. */
export interface ResolvedLeaseTable {
  readonly leaseTableArn: string;
  /** Undefined when the table is encrypted with an AWS owned or AWS managed key. */
  readonly kmsKeyArn?: string;
}

const problem = (parameter: string, what: string): DeploymentConfigError =>
  new DeploymentConfigError(
    CONTEXT_KEY.isbNamespace,
    `SSM parameter ${parameter} ${what}: is ${CONTEXT_KEY.isbNamespace} ISB's namespace, and this ISB's data stack ` +
      'deployed in this account and region? (or set leaseTableArn and leaseTableKmsKeyArn instead)',
  );

/**
 * Reads the LeaseTable's name and KMS key id from ISB's data configuration parameter, with CDK's
 * context lookup (the value is cached in cdk.context.json, as CDK caches every lookup), and makes
 * ARNs of them in the stack's account and region. On the first pass, before the CLI has looked the
 * parameter up, CDK hands back a dummy value; placeholders stand in until the CLI synthesizes again.
 */
const lookUpIsbLeaseTable = (scope: Construct, namespace: string): ResolvedLeaseTable => {
  const stack = Stack.of(scope);
  const parameter = isbDataConfigurationParameter(namespace);
  const key = isbDataConfigurationContextKey(stack, namespace);
  // The CLI could not look the parameter up (no credentials, most often) and hands back its reason.
  const failed = (stack.node.tryGetContext(key) as Record<string, unknown> | undefined)?.[PROVIDER_ERROR_KEY];
  if (failed !== undefined) {
    throw new DeploymentConfigError(
      CONTEXT_KEY.isbNamespace,
      `CDK could not read ISB's configuration, SSM parameter ${parameter} in ${stack.account} ${stack.region} (${String(failed)}). ` +
        `Run cdk with credentials for that account, or put the parameter's value in cdk.context.json under the key "${key}": ` +
        `see ${CONTEXT_ENTRY_DOC}`,
    );
  }
  const value = StringParameter.valueFromLookup(stack, parameter);
  const arnOf = (service: string, resource: string, resourceName: string): string =>
    stack.formatArn({ service, resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  if (value === `dummy-value-for-${parameter}`) {
    return {
      leaseTableArn: arnOf('dynamodb', 'table', 'dummy-lease-table'),
      kmsKeyArn: arnOf('kms', 'key', '00000000-0000-0000-0000-000000000000'),
    };
  }
  let configuration: unknown;
  try {
    configuration = JSON.parse(value);
  } catch {
    throw problem(parameter, 'is not JSON');
  }
  const field = (name: string): string => {
    const found = (configuration as Record<string, unknown> | null)?.[name];
    if (typeof found !== 'string' || found.trim() === '') throw problem(parameter, `has no ${name}`);
    return found;
  };
  return { leaseTableArn: arnOf('dynamodb', 'table', field('leaseTable')), kmsKeyArn: arnOf('kms', 'key', field('tableKmsKeyId')) };
};

/**
 * The LeaseTable the deployment reads, from ISB's published configuration or from the ARNs given.
 *
 * @example
 * const { leaseTableArn, kmsKeyArn } = resolveLeaseTable(stack, { from: 'isb-namespace', namespace: 'myisb' });
 */
export const resolveLeaseTable = (scope: Construct, source: LeaseTableSource): ResolvedLeaseTable => {
  if (source.from === 'isb-namespace') return lookUpIsbLeaseTable(scope, source.namespace);
  const { leaseTableArn, key } = source;
  return key.type === 'customer-managed' ? { leaseTableArn, kmsKeyArn: key.keyArn } : { leaseTableArn };
};
