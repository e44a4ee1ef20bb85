/**
 * The local runner as the docs tell people to run it: `npm start --silent -- --json` for scripts, and
 * external mode when what the SDK needs to reach the table is missing.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fixtureEvent } from '../support/lambda.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const RUN_TIMEOUT_MS = 60_000;
const NO_STACK_TRACE = /^\s+at .+[(:]\d+/m;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the project with the environment given, and nothing of the caller's AWS or npm setup. */
const run = (command: string, args: string[], env: Record<string, string>): Promise<Run> => {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|LEASE_|npm_)/.test(name)));
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: { ...base, ...env }, timeout: RUN_TIMEOUT_MS }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lease-runner-commands-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm start --silent -- --json', () => {
  it(
    'prints on stdout only JSON, one result per event, as docs/local-run.md says',
    async () => {
      const file = join(dir, 'events.json');
      await writeFile(file, JSON.stringify([fixtureEvent('0002'), fixtureEvent('0022')]));

      const { code, stdout } = await run('npm', ['start', '--silent', '--', '--json', '--events', file], {});

      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      const results = lines.map((line) => JSON.parse(line) as { index: number; outcome: string });
      expect(results.map(({ index, outcome }) => ({ index, outcome }))).toEqual([
        { index: 1, outcome: 'enriched' },
        { index: 2, outcome: 'skipped: invalid-lease-key' },
      ]);
    },
    RUN_TIMEOUT_MS,
  );
});

describe('npm start on an external table without what the SDK needs', () => {
  /** No region, no credentials: no AWS variables, no AWS config files, no instance metadata. */
  const bare = (): Record<string, string> => ({
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    // The credential chain's last resort is the instance metadata service: not a place for a test.
    AWS_EC2_METADATA_DISABLED: 'true',
  });

  it.concurrent.each([
    [
      'a table name',
      'TeamLeases',
      'npm start: no AWS region for the table in LEASE_TABLE_NAME: set AWS_REGION, or a region in the AWS profile you use',
    ],
    [
      'a table ARN',
      'arn:aws:dynamodb:eu-west-2:123456789012:table/TeamLeases',
      "npm start: no AWS region for the table in LEASE_TABLE_NAME: set AWS_REGION (the table's ARN says eu-west-2)",
    ],
  ])(
    'names a missing region, for %s, before replaying anything',
    async (_title, table, message) => {
      const { code, stdout, stderr } = await run(process.execPath, [TSX, 'local/run.ts'], { ...bare(), LEASE_TABLE_NAME: table });

      expect(stderr.split('\n')[0]).toContain(message);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).not.toMatch(NO_STACK_TRACE);
    },
    RUN_TIMEOUT_MS,
  );

  it.concurrent(
    'names missing credentials before replaying anything',
    async () => {
      const { code, stdout, stderr } = await run(process.execPath, [TSX, 'local/run.ts'], {
        ...bare(),
        LEASE_TABLE_NAME: 'TeamLeases',
        AWS_REGION: 'eu-west-2',
      });

      expect(stderr).toMatch(/^npm start: no AWS credentials for the table in LEASE_TABLE_NAME \(.+\): set AWS_PROFILE/);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).not.toMatch(NO_STACK_TRACE);
    },
    RUN_TIMEOUT_MS,
  );
});
