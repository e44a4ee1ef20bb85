import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { createLeaseEnrichmentApp, type LeaseEnrichmentApp } from '../../cdk/lib/app.js';

/** The context `cdk synth` reads from cdk.json: feature flags and the example settings. */
export const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

/** A LeaseTable ARN unlike cdk.json's, to show that nothing is hard-coded. */
export const SECOND_TABLE_ARN = 'arn:aws:dynamodb:us-east-1:210987654321:table/isb-prod-LeaseTable';

/** Skips esbuild for stacks whose tests do not look at the bundle. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/** Builds the app as `cdk synth` does, with cdk.json's context and `overrides` as if given with `-c`. */
export const synthApp = (overrides: Record<string, unknown> = {}): LeaseEnrichmentApp & { template: Template } => {
  const built = createLeaseEnrichmentApp({ context: { ...cdkJsonContext, ...NO_BUNDLING, ...overrides } });
  return { ...built, template: Template.fromStack(built.stack) };
};

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** Every statement of every identity policy in a template: inline role policies and AWS::IAM::Policy. */
export const identityStatements = (template: Template): Statement[] => {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).map(
    (resource) => resource.Properties.PolicyDocument,
  );
  const inline = Object.values(template.findResources('AWS::IAM::Role')).flatMap(
    (resource) => (resource.Properties.Policies ?? []).map((policy: { PolicyDocument: unknown }) => policy.PolicyDocument),
  );
  return [...policies, ...inline].flatMap((document: { Statement: Statement[] }) => document.Statement);
};

/** The single resource of a given type, by logical id prefix. */
export const resourceNamed = (template: Template, type: string, idPrefix: string): { id: string; Properties: any } => {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(idPrefix));
  if (found.length !== 1) throw new Error(`Expected one ${type} named ${idPrefix}*, found ${found.length}`);
  const [id, resource] = found[0]!;
  return { id, Properties: resource.Properties };
};
