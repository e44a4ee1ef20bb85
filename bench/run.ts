/**
 * `npm run bench`: the notification handler's middleware stack against a bare DynamoDB GetItem
 * handler, cold start and warm path, side by side in one run. Prints a table and writes the report
 * and histogram to `bench/results/tmp/`; `--write` updates the committed `bench/results/latest.md`
 * and `bench/results/latency-histogram.svg` instead. Timings never fail the run.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, platform, release } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { version as esbuildVersion } from 'esbuild';
import type { LocalEngine } from '../local/dynamodb.js';
import { bundleHandler, bundleScript, packageDeltas } from './bundle.js';
import { measureInit } from './cold-start.js';
import { histogramSvg } from './histogram.js';
import {
  type ColdFigures,
  coldFigures,
  consoleReport,
  type Figures,
  markdownReport,
  missedGoals,
  type WarmFigures,
  warmFigures,
} from './report.js';
import { runWarm } from './warm.js';

// The SDK's notice that it will need Node 22 next year says nothing about what is measured.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP = `Usage: npm run bench -- [options]

Compares the notification handler (src/handlers/notification.ts, the full middleware stack) with a
bare DynamoDBDocumentClient GetItem handler (bench/bare-handler.ts):
  cold start  esbuild bundle size and module init time, fresh node process per sample
  warm path   latency per invocation against a local DynamoDB, both handlers interleaved
  layers      the stack built up one middleware at a time, every layer and bare interleaved:
              what each layer adds (median paired µs)

Options:
  --engine <names>     local DynamoDB for the warm path: dynalite, dynamodb-local, or both
                       comma-separated (dynalite,dynamodb-local)           default: dynalite
  --iterations <n>     measured warm-path iterations per engine            default: 2000
  --warmup <n>         warm-up iterations per engine, not measured         default: 200
  --cold-runs <n>      fresh processes per handler for init time           default: 21
  --seed <n>           seed of the per-iteration order                     default: 1
  --only <part>        run only "cold" or only "warm"
  --write              update the committed report: bench/results/latest.md and
                       bench/results/latency-histogram.svg
  --out <dir>          write latest.md and latency-histogram.svg to <dir> default: bench/results/tmp
  --check              exit 1 when a ratio misses its goal (plus --margin)
  --margin <x>         added to every goal by --check: room for a busy machine  default: 0
  -h, --help           this text

Bundles and logs go to bench/results/tmp/, which git ignores; so does the report, unless --write.
Goals (stack ÷ bare): warm p50 ≤ 1.15x, warm p99 ≤ 1.3x, init ≤ 1.3x, bundle size ≤ 1.5x.
They are reported as pass or miss; the exit code depends on them only with --check.`;

const ENGINES: readonly LocalEngine[] = ['dynalite', 'dynamodb-local'];

const rootUrl = new URL('..', import.meta.url);
const root = fileURLToPath(rootUrl);
const fromRoot = (path: string): string => fileURLToPath(new URL(path, rootUrl));

interface Options {
  readonly engines: LocalEngine[];
  readonly iterations: number;
  readonly warmup: number;
  readonly coldRuns: number;
  readonly seed: number;
  readonly only?: 'cold' | 'warm';
  /** Where latest.md and the histogram go. */
  readonly out: string;
  /** Exit 1 when a goal is missed by more than {@link Options.margin}. */
  readonly check: boolean;
  /** Added to every goal before checking: room for a busy machine. */
  readonly margin: number;
}

// Bundles, logs and, unless asked otherwise, the report: ignored by git.
const SCRATCH = fromRoot('bench/results/tmp');

/** A mistake on the command line: reported in one line, with a pointer to `--help`. */
class UsageError extends Error {
  override name = 'UsageError';
}

const positiveInteger = (name: string, value: string, min: number): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${value}`);
  return parsed;
};

const ARGUMENTS = {
  engine: { type: 'string', multiple: true },
  iterations: { type: 'string', default: '2000' },
  warmup: { type: 'string', default: '200' },
  'cold-runs': { type: 'string', default: '21' },
  seed: { type: 'string', default: '1' },
  only: { type: 'string' },
  write: { type: 'boolean', default: false },
  check: { type: 'boolean', default: false },
  margin: { type: 'string', default: '0' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const readArguments = (args: string[]) => {
  try {
    return parseArgs({ args, options: ARGUMENTS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
};

const parseOptions = (argv: string[]): Options | undefined => {
  const { values } = readArguments(argv);
  if (values.help) return undefined;
  const engines = [...new Set((values.engine ?? ['dynalite']).flatMap((item) => item.split(',')).map((item) => item.trim()))];
  for (const engine of engines) {
    if (!ENGINES.includes(engine as LocalEngine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}, got ${engine}`);
  }
  if (values.only !== undefined && values.only !== 'cold' && values.only !== 'warm') {
    throw new UsageError(`--only must be cold or warm, got ${values.only}`);
  }
  if (values.write && values.out !== undefined) throw new UsageError('--write and --out both say where the report goes: give one');
  const margin = Number(values.margin);
  if (!Number.isFinite(margin) || margin < 0) throw new UsageError(`--margin must be a number ≥ 0, got ${values.margin}`);
  return {
    engines: engines as LocalEngine[],
    iterations: positiveInteger('iterations', values.iterations, 1),
    warmup: positiveInteger('warmup', values.warmup, 0),
    coldRuns: positiveInteger('cold-runs', values['cold-runs'], 1),
    seed: positiveInteger('seed', values.seed, 0),
    ...(values.only ? { only: values.only } : {}),
    // The committed report changes only when asked: a trial run leaves the work tree clean.
    out: values.write ? fromRoot('bench/results') : (values.out ?? SCRATCH),
    check: values.check,
    margin,
  };
};

/** Progress goes to stderr, so that stdout carries only the tables. */
const progress = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

const main = async (): Promise<void> => {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  if (!options) {
    console.log(HELP);
    return;
  }
  const tmp = SCRATCH;
  await mkdir(tmp, { recursive: true });
  await mkdir(options.out, { recursive: true });

  progress('Bundling both handlers with esbuild…');
  const [stack, bare, layers] = await Promise.all([
    bundleHandler(fromRoot('src/handlers/notification.ts'), `${tmp}/notification.mjs`),
    bundleHandler(fromRoot('bench/bare-handler.ts'), `${tmp}/bare-handler.mjs`),
    bundleHandler(fromRoot('bench/layers.ts'), `${tmp}/layers.mjs`),
    bundleScript(fromRoot('bench/init-probe.ts'), `${tmp}/init-probe.mjs`),
    bundleScript(fromRoot('bench/warm-worker.ts'), `${tmp}/warm-worker.mjs`),
  ]);
  // Kept for esbuild's bundle analyzer (https://esbuild.github.io/analyze/).
  await writeFile(`${tmp}/notification.meta.json`, JSON.stringify(stack.metafile));
  await writeFile(`${tmp}/bare-handler.meta.json`, JSON.stringify(bare.metafile));

  let cold: ColdFigures | undefined;
  if (options.only !== 'warm') {
    // Cold start first, while no local DynamoDB is running to compete for the CPU.
    const init = await measureInit({
      probe: `${tmp}/init-probe.mjs`,
      stackBundle: stack.outfile,
      bareBundle: bare.outfile,
      runs: options.coldRuns,
      onProgress: (done, total) => {
        if (done === total || done % 5 === 0) progress(`Cold start: ${done}/${total} pairs of fresh processes`);
      },
    });
    cold = coldFigures({
      stackBytes: stack.bytes,
      bareBytes: bare.bytes,
      stackGzipBytes: stack.gzipBytes,
      bareGzipBytes: bare.gzipBytes,
      init,
      deltas: packageDeltas(stack.metafile, bare.metafile),
    });
  }

  const warm: WarmFigures[] = [];
  if (options.only !== 'cold') {
    for (const engine of options.engines) {
      progress(`Warm path on ${engine}: ${options.warmup} warm-up + ${options.iterations} iterations, then the same for each layer…`);
      const run = await runWarm({
        engine,
        worker: `${tmp}/warm-worker.mjs`,
        stackBundle: stack.outfile,
        bareBundle: bare.outfile,
        layersBundle: layers.outfile,
        recordsFile: fromRoot('fixtures/lease-records.json'),
        eventsFile: fromRoot('fixtures/lease-events.json'),
        stderrFile: `${tmp}/warm-${engine}.stderr.log`,
        iterations: options.iterations,
        warmup: options.warmup,
        seed: options.seed,
      });
      if (run.stderrBytesMeasured > 0 || run.unexpectedOutcomes > 0 || run.layers.unexpectedOutcomes > 0) {
        progress(
          `Note: on ${engine}, ${run.unexpectedOutcomes + run.layers.unexpectedOutcomes} measured invocations did not find what the qualifying pass found, ` +
            `and the handlers wrote ${run.stderrBytesMeasured} bytes of warnings; see ${relative(root, run.stderrFile)}`,
        );
      }
      warm.push(warmFigures(run));
    }
  }

  const [cpu] = cpus();
  const figures: Figures = {
    info: {
      command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
      date: new Date().toISOString(),
      node: process.version,
      esbuild: esbuildVersion,
      cpu: cpu?.model.trim() ?? 'unknown CPU',
      cores: cpus().length,
      os: `${platform()} ${release()}`,
      engines: options.only === 'cold' ? [] : options.engines,
      iterations: options.iterations,
      warmup: options.warmup,
      coldRuns: options.coldRuns,
      seed: options.seed,
    },
    ...(cold ? { cold } : {}),
    warm,
  };

  console.log(`\n${consoleReport(figures)}\n`);
  const histogramFile = 'latency-histogram.svg';
  await writeFile(`${options.out}/latest.md`, markdownReport(figures, histogramFile));
  if (warm.length > 0) await writeFile(`${options.out}/${histogramFile}`, histogramSvg(warm));
  progress(`Wrote ${relative(root, `${options.out}/latest.md`)}${warm.length > 0 ? ` and ${histogramFile}` : ''}`);
  if (options.out === SCRATCH) progress('The committed report is unchanged: run with --write to update bench/results/.');
  if (options.check) {
    const missed = missedGoals(figures, options.margin);
    const within = options.margin > 0 ? `goals plus a margin of ${options.margin}` : 'goals';
    for (const goal of missed) progress(`Check failed: ${goal.figure} is ${goal.ratio.toFixed(2)}x, above ${goal.limit.toFixed(2)}x`);
    progress(missed.length === 0 ? `Check passed: every ratio within its ${within}.` : `${missed.length} ratios above their ${within}.`);
    if (missed.length > 0) process.exitCode = 1;
  }
};

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\nSee npm run bench -- --help`);
    process.exitCode = 2;
    return;
  }
  // A broken run (no Java for DynamoDB Local, a handler that throws) fails; slow figures never do.
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
