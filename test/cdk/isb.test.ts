/**
 * Synthesizing from ISB's namespace without AWS access, as docs/deployment.md tells people to: the
 * `cdk.context.json` entry it documents, given to the real `cdk` CLI as a file, and the error synth
 * gives when the entry is missing and the CLI could not look the parameter up. The CLI hands the app
 * its reason under `$providerError`; the second test gives that by hand, since a second CLI run (two
 * synth passes) would more than double this file's time.
 */

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { App, Stack } from 'aws-cdk-lib';
import { PROVIDER_ERROR_KEY } from 'aws-cdk-lib/cx-api';
import { CONTEXT_ENTRY_DOC, isbDataConfigurationContextKey } from '../../cdk/lib/isb.js';
import { cdkJsonContext, ISB, synthApp } from './synth.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI_TIMEOUT_MS = 120_000;
const DOCUMENTED_KEY = 'ssm:account=123456789012:parameterName=InnovationSandbox_myisb_Data_Configuration:region=eu-west-2';
const NO_CREDENTIALS = 'Need to perform AWS calls for account 123456789012, but no credentials have been configured';

/** The fenced block between `<!-- NAME:start -->` and `<!-- NAME:end -->` in docs/deployment.md. */
const docBlock = async (name: string): Promise<string> => {
  const doc = await readFile(join(ROOT, 'docs', 'deployment.md'), 'utf8');
  const found = new RegExp(`<!-- ${name}:start -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\`\\n<!-- ${name}:end -->`).exec(doc);
  if (!found?.[1]) throw new Error(`docs/deployment.md has no ${name} block`);
  return found[1];
};

const fromNamespace = (lookedUp: Record<string, unknown>) => () =>
  synthApp({
    leaseTableArn: undefined,
    leaseTableKmsKeyArn: undefined,
    isbNamespace: 'myisb',
    account: ISB.account,
    region: ISB.region,
    ...lookedUp,
  });

describe("the cdk.context.json entry for ISB's data configuration", () => {
  it("is CDK's own key for the SSM lookup, in the form docs/deployment.md gives", () => {
    const stack = new Stack(new App(), 'Any', { env: { account: ISB.account, region: ISB.region } });

    expect(isbDataConfigurationContextKey(stack, 'myisb')).toBe(DOCUMENTED_KEY);
  });

  it('stops synth, naming the key to add and the doc, when the CLI could not look the parameter up', () => {
    const synth = fromNamespace({ [DOCUMENTED_KEY]: { [PROVIDER_ERROR_KEY]: NO_CREDENTIALS } });

    expect(synth).toThrow(
      expect.objectContaining({
        key: 'isbNamespace',
        message:
          "CDK could not read ISB's configuration, SSM parameter InnovationSandbox_myisb_Data_Configuration in 123456789012 eu-west-2 " +
          `(${NO_CREDENTIALS}). Run cdk with credentials for that account, or put the parameter's value in cdk.context.json ` +
          `under the key "${DOCUMENTED_KEY}": see ${CONTEXT_ENTRY_DOC}`,
      }),
    );
  });
});

describe('cdk synth from isbNamespace, without AWS credentials', () => {
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lease-enrichment-cdk-'));
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  /**
   * A project folder with this repository's cdk.json (the app by absolute path) and, when given, a
   * cdk.context.json; then the docs' synth command, with the repository's own cdk CLI, no AWS
   * credentials, configuration or instance metadata.
   */
  const synthIn = async (name: string, cdkContextJson?: string) => {
    const dir = join(work, name);
    const out = join(dir, 'cdk.out');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    const app = `"${process.execPath}" "${join(ROOT, 'node_modules/tsx/dist/cli.mjs')}" "${join(ROOT, 'cdk/bin/app.ts')}"`;
    await writeFile(join(dir, 'cdk.json'), JSON.stringify({ app, context: cdkJsonContext }));
    if (cdkContextJson !== undefined) await writeFile(join(dir, 'cdk.context.json'), cdkContextJson);
    const [npx, cdk, ...args] = (await docBlock('isb-context-synth')).trim().split(/\s+/);
    expect([npx, cdk]).toEqual(['npx', 'cdk']);
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AWS_|CDK_|npm_)/.test(key)));
    return new Promise<{ code: number; output: string; template?: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(ROOT, 'node_modules/aws-cdk/bin/cdk'), ...args, '--quiet', '--output', out],
        {
          cwd: dir,
          timeout: CLI_TIMEOUT_MS,
          env: {
            ...env,
            HOME: dir,
            AWS_CONFIG_FILE: join(dir, 'no-config'),
            AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
            AWS_EC2_METADATA_DISABLED: 'true',
            CDK_DISABLE_VERSION_CHECK: 'true',
          },
        },
        async (error, stdout, stderr) => {
          const template = await readFile(join(out, 'LeaseEnrichment.template.json'), 'utf8').catch(() => undefined);
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr, template });
        },
      );
    });
  };

  it(
    'synthesizes with the entry docs/deployment.md gives as cdk.context.json, the table and key taken from it',
    async () => {
      const run = await synthIn('with-entry', await docBlock('isb-context-entry'));

      expect(run.output).not.toContain('Error');
      expect(run.code).toBe(0);
      expect(run.template).toContain(ISB.leaseTableArn);
      expect(run.template).toContain(ISB.kmsKeyArn);
    },
    CLI_TIMEOUT_MS,
  );
});
