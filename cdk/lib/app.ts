import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeploymentConfig, type DeploymentConfig } from './config.js';
import { LeaseNotificationStack } from './lease-notification-stack.js';

/** The app, its one stack, and the settings it was built from. */
export interface LeaseNotificationApp {
  readonly app: App;
  readonly stack: LeaseNotificationStack;
  readonly config: DeploymentConfig;
}

/**
 * Builds the deployment: reads and checks the CDK context, adds the lease notification stack in the
 * LeaseTable's region, and runs cdk-nag's AWS Solutions checks on every synth, where any finding not
 * acknowledged in code fails it.
 *
 * @example
 * const { app } = createLeaseNotificationApp(); // context from cdk.json and -c, as the CLI passes it
 */
export const createLeaseNotificationApp = (props: AppProps = {}): LeaseNotificationApp => {
  const app = new App(props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const config = readDeploymentConfig((key) => app.node.tryGetContext(key));
  const { stackName, region, ...settings } = config;
  const stack = new LeaseNotificationStack(app, stackName, {
    description: 'Lease notifications: Innovation Sandbox lease events enriched with the lease from the LeaseTable',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
    settings,
  });
  return { app, stack, config };
};
