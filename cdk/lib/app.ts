import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeploymentConfig, readDeploymentConfig } from './config.js';
import { LeaseEnrichmentStack } from './lease-enrichment-stack.js';

/** The app, its one stack, and the settings it was built from. */
export interface LeaseEnrichmentApp {
  readonly app: App;
  readonly stack: LeaseEnrichmentStack;
  readonly config: DeploymentConfig;
}

/**
 * Builds the deployment: reads and checks the CDK context, adds the lease-enrichment stack in the
 * LeaseTable's account and region, and runs cdk-nag's AWS Solutions checks on every synth, where any finding not
 * acknowledged in code fails it.
 *
 * @example
 * const { app } = createLeaseEnrichmentApp(); // context from cdk.json and -c, as the CLI passes it
 */
export const createLeaseEnrichmentApp = (props: AppProps = {}): LeaseEnrichmentApp => {
  const app = new App(props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const config = readDeploymentConfig((key) => app.node.tryGetContext(key));
  const { stackName, account, region, ...settings } = config;
  const stack = new LeaseEnrichmentStack(app, stackName, {
    description: 'lease-enrichment: Innovation Sandbox lease events enriched with the lease from the LeaseTable',
    env: { account, region },
    settings,
  });
  return { app, stack, config };
};
