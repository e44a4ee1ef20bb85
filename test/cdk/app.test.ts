import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cdkJsonContext } from './synth.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs cdk/bin/app.ts as `cdk synth` does: context in CDK_CONTEXT_JSON, output to CDK_OUTDIR. */
const runApp = (context: Record<string, unknown>) => {
  const outdir = mkdtempSync(join(tmpdir(), 'lease-enrichment-'));
  try {
    return spawnSync(join(root, 'node_modules/.bin/tsx'), ['cdk/bin/app.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

describe('cdk/bin/app.ts', () => {
  it('exits 1 with only the message when leaseTableArn is missing', () => {
    const { leaseTableArn: _unused, ...context } = cdkJsonContext;
    const run = runApp(context);

    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'Set CDK context leaseTableArn (cdk.json or -c leaseTableArn=arn:aws:dynamodb:<region>:<account>:table/<name>)',
    );
  }, 60_000);

  it('exits 1 naming the key when leaseTableArn is malformed', () => {
    const run = runApp({ ...cdkJsonContext, leaseTableArn: 'LeaseTable' });

    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'CDK context leaseTableArn is not a DynamoDB table ARN: "LeaseTable". ' +
        "Set it to the LeaseTable's ARN (cdk.json or -c leaseTableArn=arn:aws:dynamodb:<region>:<account>:table/<name>)",
    );
  }, 60_000);
});
