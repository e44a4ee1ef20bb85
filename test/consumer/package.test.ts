/**
 * The package as another team gets it: `npm pack` (which builds it), a project made as `npm init -y`
 * makes it (CommonJS), the README's install commands, the README's ES module step, the README's
 * handler compiled there with strict settings, and a plain .mjs that imports the package by name and
 * runs it on dynalite. Uses the npm cache (`--prefer-offline`), so it is quick, and works while the
 * registry is slow.
 */

import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { leaseSummary } from '../../src/lease.js';
import { leaseRecords } from '../support/lambda.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATE = fileURLToPath(new URL('./project/', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const EMAIL_IN_CLEAR = /[^\s"@[\]]+@[^\s"@[\]]+\.[a-z]{2,}/i;
const TIMEOUT_MS = 240_000;
// A realistic LeaseTable item, so that the drift check has nothing to say about it.
const LEASE = leaseRecords.find((record) => record.status === 'Active')!;

/** Packages that must exist once in a consumer's tree: two copies would be two caches, two bundles' worth. */
const SINGLE_COPY = [
  '@middy/core',
  '@middy/util',
  '@aws-lambda-powertools/commons',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// The outer `npm test`'s settings (npm_config_*, lifecycle variables) must not leak into the consumer's npm.
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_') || name === 'npm_config_cache'));

/** The test's own tools in the consumer's project, beside what the README installs. */
const TEST_DEV_DEPENDENCIES = ['@types/node@24.19.2', 'dynalite@4.0.0'];
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];

/** The consumer's compiler settings on the command line, to compile one file without a tsconfig.json. */
const STRICT_NODENEXT = [
  '--noEmit',
  '--strict',
  '--module',
  'NodeNext',
  '--moduleResolution',
  'NodeNext',
  '--skipLibCheck',
  '--types',
  'node,aws-lambda',
];

const run = (command: string, args: string[], cwd: string): Promise<Run> =>
  new Promise((resolve) => {
    execFile(command, args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });

const succeed = async (command: string, args: string[], cwd: string): Promise<string> => {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
};

/** Runs each line of a README block of npm commands in `project`, `lease-enrichment` being the tarball. */
const runReadmeCommands = async (block: string, project: string, tarball: string): Promise<void> => {
  for (const line of block.trim().split('\n')) {
    const [npm, ...args] = line.trim().split(/\s+/);
    expect(npm).toBe('npm');
    const local = args.map((arg) => (arg === 'lease-enrichment' ? tarball : arg));
    await succeed('npm', [...local, ...(local[0] === 'install' ? NPM_FLAGS : [])], project);
  }
};

/** The fenced block between `<!-- NAME:start -->` and `<!-- NAME:end -->` in the README. */
const readmeBlock = (readme: string, name: string): string => {
  const found = new RegExp(`<!-- ${name}:start -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\`\\n<!-- ${name}:end -->`).exec(readme);
  if (!found?.[1]) throw new Error(`README.md has no ${name} block`);
  return found[1];
};

describe('the package in a fresh project', () => {
  let work: string;
  let project: string;
  let tarball: string;
  let packed: { files: { path: string }[] };
  /** What `npm init -y` wrote, and the handler compiled before the README's ES module step. */
  let initialType: unknown;
  let beforeEsmStep: { asTs: Run; asMts: Run };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lease-enrichment-consumer-'));
    project = join(work, 'project');
    const [pack] = JSON.parse(await succeed('npm', ['pack', '--json', '--pack-destination', work], ROOT)) as [
      { filename: string; files: { path: string }[] },
    ];
    packed = pack;
    tarball = join(work, pack.filename);

    // A new user's project, as npm makes it.
    await mkdir(project);
    await succeed('npm', ['init', '-y'], project);
    initialType = (JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { type?: unknown }).type;
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    // The README's install commands, word for word, but for the package itself: the tarball.
    await runReadmeCommands(readmeBlock(readme, 'consumer-install'), project, tarball);
    await succeed('npm', ['install', '--save-dev', ...TEST_DEV_DEPENDENCIES, ...NPM_FLAGS], project);
    const handler = readmeBlock(readme, 'consumer-handler');
    await writeFile(join(project, 'handler.ts'), handler);
    await writeFile(join(project, 'handler.mts'), handler);
    // What the user meets without the README's ES module step, and with its `.mts` alternative.
    beforeEsmStep = {
      asTs: await run(process.execPath, [TSC, ...STRICT_NODENEXT, 'handler.ts'], project),
      asMts: await run(process.execPath, [TSC, ...STRICT_NODENEXT, 'handler.mts'], project),
    };
    await rm(join(project, 'handler.mts'));
    await runReadmeCommands(readmeBlock(readme, 'consumer-esm'), project, tarball);

    for (const file of ['tsconfig.json', 'checks.ts', 'run.mjs']) {
      await cp(join(TEMPLATE, file), join(project, file));
    }
    await writeFile(join(project, 'lease.json'), JSON.stringify(LEASE));
  }, TIMEOUT_MS);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships the compiled package and nothing of the repository', () => {
    const paths = packed.files.map((file) => file.path);

    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.d.ts',
        'dist/index.js.map',
        'dist/lease-key.js',
        'dist/enrichment-report.js',
        'dist/middleware/lease-key/validate-lease-key.generated.js',
        'dist/middleware/lease-key/validate-lease-key.generated.d.ts',
        'README.md',
        'CHANGELOG.md',
        'LICENSE',
        'package.json',
      ]),
    );
    expect(paths.filter((path) => !/^(dist\/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(path))).toEqual([]);
    expect(paths.filter((path) => /\.ts$/.test(path) && !/\.d\.ts$/.test(path))).toEqual([]);
    expect(paths.filter((path) => path.includes('handlers/'))).toEqual([]);
  });

  it(
    'has one copy of Middy, Powertools and the DynamoDB SDK in the tree',
    async () => {
      for (const name of SINGLE_COPY) {
        const listed = await succeed('npm', ['ls', '--all', '--parseable', name], project);
        const copies = [...new Set(listed.trim().split('\n').filter(Boolean))];

        expect({ name, copies: copies.length }).toEqual({ name, copies: 1 });
      }
      const manifest = JSON.parse(await readFile(join(project, 'node_modules', 'lease-enrichment', 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      expect(manifest.dependencies ?? {}).toEqual({});
    },
    TIMEOUT_MS,
  );

  it('does not compile in a project as `npm init -y` makes it, as the README warns, but does as a .mts file', () => {
    expect(initialType).toBe('commonjs');
    expect(beforeEsmStep.asTs.code).not.toBe(0);
    expect(beforeEsmStep.asTs.stdout).toContain("handler.ts(3,19): error TS2307: Cannot find module '@middy/core'");
    expect(beforeEsmStep.asMts.stdout + beforeEsmStep.asMts.stderr).toBe('');
    expect(beforeEsmStep.asMts.code).toBe(0);
  });

  it(
    "compiles the README's handler with a consumer's strict settings, after the README's ES module step",
    async () => {
      const compiled = await run(process.execPath, [TSC, '-p', project], project);

      expect(compiled.stdout + compiled.stderr).toBe('');
      expect(compiled.code).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    "runs the README's handler and the middlewares from plain JavaScript against dynalite",
    async () => {
      const ran = await run(process.execPath, ['run.mjs'], project);
      expect(ran.code).toBe(0);
      const line = ran.stdout.split('\n').find((text) => text.startsWith('RESULT '));
      const result = JSON.parse(line?.slice('RESULT '.length) ?? 'null') as {
        readme: unknown[];
        javascript: unknown;
        exported: string[];
        node: string;
      };

      expect(result.readme).toEqual([
        { detailType: 'LeaseReminder', enrichment: { status: 'enriched' }, lease: leaseSummary(LEASE) },
        { detailType: 'LeaseReminder', enrichment: { status: 'not-found' } },
        { detailType: 'LeaseReminder', enrichment: { status: 'skipped', reason: 'invalid-lease-key' } },
      ]);
      expect(result.javascript).toEqual({ enrichment: { status: 'enriched' }, status: 'Active' });
      expect(result.exported).toEqual(expect.arrayContaining(['leaseKey', 'leaseEnrichment', 'enrichmentReport', 'CircuitBreaker']));
      expect(result.node).toBe(process.version);
      // The handlers' own lines: one WARN, naming the missing field; EMF in the default namespace; no address.
      const warnings = ran.stderr
        .trim()
        .split('\n')
        .map((text) => JSON.parse(text) as Record<string, unknown>);
      expect(warnings).toEqual([
        expect.objectContaining({
          level: 'WARN',
          message: 'Lease key invalid; enrichment skipped',
          problems: [{ field: 'detail.owner', problem: 'missing' }],
        }),
      ]);
      expect(ran.stdout).toContain('"Namespace":"LeaseEnrichment"');
      expect(ran.stdout + ran.stderr).not.toMatch(EMAIL_IN_CLEAR);
    },
    TIMEOUT_MS,
  );
});
