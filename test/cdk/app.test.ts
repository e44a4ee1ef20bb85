import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { cdkJsonContext, ISB, ISB_SETTINGS, NO_BUNDLING } from './synth.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs cdk/bin/app.ts as `cdk synth` does: context in CDK_CONTEXT_JSON, output to CDK_OUTDIR, no
 * credentials (so no CDK_DEFAULT_ACCOUNT). Returns the run and the stack's template, if one was written.
 */
const runApp = (context: Record<string, unknown>) => {
  const outdir = mkdtempSync(join(tmpdir(), 'lease-enrichment-'));
  const { CDK_DEFAULT_ACCOUNT: _account, CDK_DEFAULT_REGION: _region, ...env } = process.env;
  try {
    const run = spawnSync(join(root, 'node_modules/.bin/tsx'), ['cdk/bin/app.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });
    let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> } | undefined;
    try {
      template = JSON.parse(readFileSync(join(outdir, 'LeaseEnrichment.template.json'), 'utf8'));
    } catch {
      template = undefined;
    }
    return { ...run, template };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

describe('cdk/bin/app.ts', () => {
  it('exits 1 with only the message when, as cdk.json ships, nothing says where ISB is', () => {
    const run = runApp(cdkJsonContext);

    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      "Set CDK context isbNamespace to ISB's namespace, or leaseTableArn and leaseTableKmsKeyArn " +
        '(cdk.json or -c leaseTableArn=arn:aws:dynamodb:<region>:<account>:table/<name>)',
    );
  }, 60_000);

  it("synthesizes from ISB's namespace, with the SSM lookup answered from context as cdk.context.json would", () => {
    const lookup = `ssm:account=${ISB.account}:parameterName=InnovationSandbox_myisb_Data_Configuration:region=${ISB.region}`;
    const run = runApp({
      ...cdkJsonContext,
      ...NO_BUNDLING,
      isbNamespace: 'myisb',
      account: ISB.account,
      region: ISB.region,
      eventBus: ISB.eventBusName,
      [lookup]: JSON.stringify({ leaseTable: ISB.leaseTableName, tableKmsKeyId: ISB.kmsKeyId }),
    });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const notification = Object.values(run.template?.Resources ?? {}).find((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(JSON.stringify(notification?.Properties)).toContain(ISB.leaseTableArn);
  }, 60_000);

  it('exits 1 naming the key when leaseTableArn is malformed', () => {
    const run = runApp({ ...cdkJsonContext, ...ISB_SETTINGS, leaseTableArn: 'LeaseTable' });

    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'CDK context leaseTableArn is not a DynamoDB table ARN: "LeaseTable". ' +
        "Set it to the LeaseTable's ARN (cdk.json or -c leaseTableArn=arn:aws:dynamodb:<region>:<account>:table/<name>)",
    );
  }, 60_000);
});
