/**
 * Turns the raw samples into figures, and the figures into a console table, a Markdown report and
 * an SVG latency histogram. Pure functions of their input: the same figures give the same files.
 */
import { BUNDLE_TARGET, type PackageDelta } from './bundle.js';
import type { InitSamples } from './cold-start.js';
import { medianPairedDifference, type Summary, summarize } from './stats.js';
import type { WarmRun } from './warm.js';

/** The goals: the stack's figure divided by the bare handler's, at most this. */
export const GOALS = {
  warmP50: 1.15,
  warmP99: 1.3,
  init: 1.3,
  size: 1.5,
} as const;

/** Where and how the run was made. */
export interface RunInfo {
  /** The command line that made the run. */
  readonly command: string;
  readonly date: string;
  readonly node: string;
  readonly esbuild: string;
  readonly cpu: string;
  readonly cores: number;
  readonly os: string;
  readonly engines: readonly string[];
  readonly iterations: number;
  readonly warmup: number;
  readonly coldRuns: number;
  readonly seed: number;
}

/** One compared figure: stack, bare, their ratio, and the goal when there is one. */
export interface Comparison {
  readonly label: string;
  readonly unit: 'ms' | 'bytes';
  readonly stack: number;
  readonly bare: number;
  readonly ratio: number;
  readonly goal?: number;
}

export interface ColdFigures {
  readonly rows: readonly Comparison[];
  readonly stackInit: Summary;
  readonly bareInit: Summary;
  /** What the stack's bundle has that the bare one has not, by package. */
  readonly deltas: readonly PackageDelta[];
}

/** What one layer of the stack costs, from the per-layer run. */
export interface LayerFigure {
  readonly name: string;
  /** What the layer adds to the one before it. */
  readonly adds: string;
  /** Median over iterations of (this layer − the layer before it), in µs: what the layer costs. */
  readonly addedUs: number;
  /** Median over iterations of (this layer − bare), in µs. */
  readonly totalUs: number;
  readonly p50Ms: number;
  /** This layer's p50 ÷ the bare handler's, in the per-layer run. */
  readonly ratio: number;
}

export interface WarmFigures {
  readonly run: WarmRun;
  readonly stack: Summary;
  readonly bare: Summary;
  readonly rows: readonly Comparison[];
  /** Median over iterations of (stack − bare), in ms. */
  readonly pairedOverheadMs: number;
  /** The per-layer costs, in the order the layers are added; the last is the whole stack. */
  readonly layers: readonly LayerFigure[];
  /** The bare handler's p50 in the per-layer run, in ms. */
  readonly layersBareP50Ms: number;
}

/** Everything a report shows. */
export interface Figures {
  readonly info: RunInfo;
  readonly cold?: ColdFigures;
  readonly warm: readonly WarmFigures[];
}

const compare = (label: string, unit: Comparison['unit'], stack: number, bare: number, goal?: number): Comparison => ({
  label,
  unit,
  stack,
  bare,
  ratio: stack / bare,
  ...(goal === undefined ? {} : { goal }),
});

/**
 * The cold-start figures: bundle sizes and init times of both handlers, with ratios and goals.
 *
 * @example
 * const cold = coldFigures({ stackBytes, bareBytes, stackGzip, bareGzip, init, deltas });
 */
export const coldFigures = ({
  stackBytes,
  bareBytes,
  stackGzipBytes,
  bareGzipBytes,
  init,
  deltas,
}: {
  stackBytes: number;
  bareBytes: number;
  stackGzipBytes: number;
  bareGzipBytes: number;
  init: InitSamples;
  deltas: readonly PackageDelta[];
}): ColdFigures => {
  const stackInit = summarize(init.stack.map((item) => item.initMs));
  const bareInit = summarize(init.bare.map((item) => item.initMs));
  const stackReady = summarize(init.stack.map((item) => item.readyMs));
  const bareReady = summarize(init.bare.map((item) => item.readyMs));
  return {
    stackInit,
    bareInit,
    deltas,
    rows: [
      compare('bundle size', 'bytes', stackBytes, bareBytes, GOALS.size),
      compare('bundle size, gzip', 'bytes', stackGzipBytes, bareGzipBytes),
      compare(`init, median of ${stackInit.count}`, 'ms', stackInit.p50, bareInit.p50, GOALS.init),
      compare('init, p90', 'ms', stackInit.p90, bareInit.p90),
      compare('process start to ready, median', 'ms', stackReady.p50, bareReady.p50),
    ],
  };
};

/**
 * The warm-path figures of one engine: p50, p95, p99 and mean of both handlers, ratios and goals.
 *
 * @example
 * const warm = warmFigures(await runWarm({ engine: 'dynalite', ... }));
 */
export const warmFigures = (run: WarmRun): WarmFigures => {
  const stack = summarize(run.stackMs);
  const bare = summarize(run.bareMs);
  const layersBareP50Ms = summarize(run.layers.bareMs).p50;
  let previous = run.layers.bareMs;
  const layers = run.layers.layers.map((layer): LayerFigure => {
    const p50Ms = summarize(layer.ms).p50;
    const figure = {
      name: layer.name,
      adds: layer.adds,
      addedUs: medianPairedDifference(layer.ms, previous) * 1000,
      totalUs: medianPairedDifference(layer.ms, run.layers.bareMs) * 1000,
      p50Ms,
      ratio: p50Ms / layersBareP50Ms,
    };
    previous = layer.ms;
    return figure;
  });
  return {
    run,
    stack,
    bare,
    layers,
    layersBareP50Ms,
    pairedOverheadMs: medianPairedDifference(run.stackMs, run.bareMs),
    rows: [
      compare('p50', 'ms', stack.p50, bare.p50, GOALS.warmP50),
      compare('p95', 'ms', stack.p95, bare.p95),
      compare('p99', 'ms', stack.p99, bare.p99, GOALS.warmP99),
      compare('mean', 'ms', stack.mean, bare.mean),
    ],
  };
};

const formatValue = (value: number, unit: Comparison['unit']): string =>
  unit === 'bytes'
    ? `${(value / 1024).toFixed(1)} KiB (${value.toLocaleString('en-GB')} B)`
    : value >= 10
      ? `${value.toFixed(1)} ms`
      : `${value.toFixed(3)} ms`;

const formatRatio = (ratio: number): string => `${ratio.toFixed(2)}x`;

/** A goal missed by more than a margin: which figure, its ratio, and the limit it passed. */
export interface MissedGoal {
  readonly figure: string;
  readonly ratio: number;
  readonly limit: number;
}

/**
 * The goals a run missed by more than `margin` (added to each goal): what `--check` fails on.
 *
 * @example
 * missedGoals(figures, 0.25); // CI: a warm p50 above 1.40x fails, 1.20x does not
 */
export const missedGoals = ({ cold, warm }: Figures, margin: number): MissedGoal[] =>
  [
    ...(cold?.rows ?? []).map((row) => ({ figure: `cold start: ${row.label}`, row })),
    ...warm.flatMap((item) => item.rows.map((row) => ({ figure: `warm ${row.label}, ${item.run.engine}`, row }))),
  ]
    .filter(({ row }) => row.goal !== undefined && row.ratio > row.goal + margin)
    .map(({ figure, row }) => ({ figure, ratio: row.ratio, limit: row.goal! + margin }));

/** `pass` when the ratio is within its goal, `miss` when not, empty when the figure has no goal. */
export const verdict = (row: Comparison): '' | 'pass' | 'miss' => (row.goal === undefined ? '' : row.ratio <= row.goal ? 'pass' : 'miss');

const cells = (row: Comparison): string[] => [
  row.label,
  formatValue(row.stack, row.unit),
  formatValue(row.bare, row.unit),
  formatRatio(row.ratio),
  row.goal === undefined ? '' : `≤ ${formatRatio(row.goal)}`,
  verdict(row),
];

const HEADER = ['', 'stack', 'bare', 'ratio', 'goal', ''];

const textTable = (rows: readonly string[][]): string => {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

const warmTitle = (warm: WarmFigures, info: RunInfo): string =>
  `Warm path on ${warm.run.engine}: ${info.iterations} interleaved iterations over ${warm.run.events.length} fixture events`;

const COLD_TITLE = `Cold start: esbuild bundles (minified ESM, ${BUNDLE_TARGET}, SDK bundled), init in fresh node processes`;

/**
 * The figures as plain-text tables for the terminal.
 *
 * @example
 * console.log(consoleReport(figures));
 */
export const consoleReport = ({ info, cold, warm }: Figures): string => {
  const sections: string[] = [];
  if (cold) sections.push(`${COLD_TITLE}\n${textTable([HEADER, ...cold.rows.map(cells)])}`);
  for (const item of warm) {
    sections.push(
      `${warmTitle(item, info)}\n${textTable([HEADER, ...item.rows.map(cells)])}\n` +
        `median paired overhead (stack − bare): ${item.pairedOverheadMs.toFixed(3)} ms; ` +
        `stack writes ${Math.round(item.run.logBytesPerInvocation.stack)} bytes of logs and EMF per invocation`,
    );
    sections.push(
      `What each layer costs on ${item.run.engine}: median paired µs, the bare handler and every layer interleaved\n` +
        textTable(layerRows(item)),
    );
  }
  return sections.join('\n\n');
};

const LAYER_HEADER = ['layer', 'adds µs', 'total µs', 'p50', 'ratio'];

const layerRows = (item: WarmFigures): string[][] => [
  LAYER_HEADER,
  ['bare GetItem', '', '', `${item.layersBareP50Ms.toFixed(3)} ms`, '1.00x'],
  ...item.layers.map((layer) => [
    `+ ${layer.name}`,
    layer.addedUs.toFixed(0),
    layer.totalUs.toFixed(0),
    `${layer.p50Ms.toFixed(3)} ms`,
    formatRatio(layer.ratio),
  ]),
];

const mark = (row: Comparison): string => ({ pass: '✅ pass', miss: '❌ miss', '': '' })[verdict(row)];

const markdownTable = (rows: readonly Comparison[]): string =>
  [
    '| | stack | bare | ratio | goal | |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) => {
      const [label, ...rest] = cells(row);
      rest[rest.length - 1] = mark(row);
      return `| ${label} | ${rest.join(' | ')} |`;
    }),
  ].join('\n');

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * The Markdown report, `bench/results/latest.md`.
 *
 * @example
 * await writeFile('bench/results/latest.md', markdownReport(figures, 'latency-histogram.svg'));
 */
export const markdownReport = (figures: Figures, histogramFile: string): string => {
  const { info, cold, warm } = figures;
  const lines: string[] = [
    '# Benchmark: the notification handler against a bare GetItem handler',
    '',
    `- Date: ${info.date}`,
    `- Machine: ${info.cpu} (${info.cores} cores), ${info.os}, Node ${info.node}, esbuild ${info.esbuild}`,
    `- Local DynamoDB: ${info.engines.join(', ') || 'none (cold start only)'}`,
    ...(warm.length > 0
      ? [
          `- Warm path: ${info.warmup} warm-up then ${info.iterations} measured iterations per engine, both handlers each iteration, order random per iteration (seed ${info.seed})`,
        ]
      : []),
    ...(cold ? [`- Cold start: ${info.coldRuns} fresh processes per handler, interleaved`] : []),
    `- Reproduce: \`${info.command}\``,
    '',
    'Ratios are stack ÷ bare from this one run. Absolute times depend on the machine and drift between',
    'runs; compare ratios, not times across runs. The goals come from the issue; the benchmark reports',
    'them, and fails on them only when asked to check (`--check`, with a `--margin` in CI).',
    '',
  ];

  const goals = [
    ...(cold?.rows ?? []).map((row) => ({ figure: `cold start: ${row.label}`, row })),
    ...warm.flatMap((item) => item.rows.map((row) => ({ figure: `warm ${row.label}, ${item.run.engine}`, row }))),
  ].filter(({ row }) => row.goal !== undefined);
  const missed = goals.filter(({ row }) => verdict(row) === 'miss').length;
  lines.push(
    '## Goals',
    '',
    '| figure | ratio | goal | |',
    '| --- | ---: | ---: | --- |',
    ...goals.map(({ figure, row }) => `| ${figure} | ${formatRatio(row.ratio)} | ≤ ${formatRatio(row.goal!)} | ${mark(row)} |`),
    '',
    missed === 0 ? 'All goals met.' : `${missed} of ${goals.length} goals missed.`,
    '',
  );

  if (cold) {
    lines.push(
      '## Cold start',
      '',
      `Both handlers bundled alike with esbuild: \`platform: node\`, \`format: esm\`, \`target: ${BUNDLE_TARGET}\`, \`minify\`,`,
      '`mainFields: [module, main]`, a `createRequire` banner for CommonJS dependencies, and everything',
      'bundled, the AWS SDK included, so that each bundle is self-contained. Init is `await import(bundle)`',
      'timed inside a fresh `node` process with a Lambda-like environment; stack and bare alternate.',
      '',
      markdownTable(cold.rows),
      '',
      `Init spread: stack ${cold.stackInit.min.toFixed(1)}–${cold.stackInit.max.toFixed(1)} ms, ` +
        `bare ${cold.bareInit.min.toFixed(1)}–${cold.bareInit.max.toFixed(1)} ms.`,
      '',
      '### What the stack adds to the bundle',
      '',
      'Bytes of minified output by package, stack minus bare (largest first; the SDK parts both share cancel out).',
      '',
      '| package | stack | bare | difference |',
      '| --- | ---: | ---: | ---: |',
      ...cold.deltas
        .slice(0, 12)
        .map(
          (item) =>
            `| ${item.name} | ${kib(item.stackBytes)} | ${kib(item.bareBytes)} | ${item.deltaBytes > 0 ? '+' : ''}${kib(item.deltaBytes)} |`,
        ),
      '',
    );
  }

  for (const item of warm) {
    const { run } = item;
    const enriched = run.events.filter((event) => event.outcome === 'enriched').length;
    lines.push(
      `## Warm path on ${run.engine}`,
      '',
      `Events: the ${run.events.length} fixture events that reach DynamoDB (${enriched} with a lease in the table, ` +
        `${run.events.length - enriched} without), in turn; ${run.skippedEvents.length} fixture events the stack skips ` +
        'before DynamoDB, or reads twice by design (a record that has moved on since its event), are left out. Each invocation is timed end to end with `performance.now()`, both',
      'handler bundles loaded into one worker process, the table in another process.',
      '',
      markdownTable(item.rows),
      '',
      `- Median paired overhead (stack − bare, same iteration): ${item.pairedOverheadMs.toFixed(3)} ms`,
      `- Stack first in ${run.stackFirst} of ${run.stackMs.length} iterations`,
      `- Logs: the stack writes ${Math.round(run.logBytesPerInvocation.stack)} bytes of JSON log lines and EMF per invocation ` +
        `(bare: ${Math.round(run.logBytesPerInvocation.bare)}). They are written as in Lambda, to stdout and stderr, ` +
        'which the worker points at /dev/null and a file: the stack pays for serializing and writing them, ' +
        'and no terminal or pipe sets the pace.',
      `- Checks: ${run.unexpectedOutcomes} measured iterations with another outcome than the qualifying pass; ` +
        `${run.stderrBytesMeasured} bytes of WARN/ERROR lines during the measured iterations (both expected 0)`,
      `- Engine setup (start, create table, seed): ${Math.round(run.setupMs)} ms`,
      '',
      `### What each layer costs on ${run.engine}`,
      '',
      'The notification handler built up one middleware at a time (`bench/layers.ts`), each layer with its own',
      'client, Logger and Metrics, run after the main measurement: the bare handler and every layer each',
      `iteration, in a random order, ${run.layers.bareMs.length} iterations. *Adds* is the median over iterations of`,
      '(this layer − the one before it), *total* of (this layer − bare); the last layer is the notification handler.',
      '',
      '| layer | what it adds | adds | total | p50 | ratio |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
      `| bare GetItem | one GetItem, no middleware | | | ${item.layersBareP50Ms.toFixed(3)} ms | 1.00x |`,
      ...item.layers.map(
        (layer) =>
          `| + ${layer.name} | ${layer.adds} | ${layer.addedUs.toFixed(0)} µs | ${layer.totalUs.toFixed(0)} µs | ${layer.p50Ms.toFixed(3)} ms | ${formatRatio(layer.ratio)} |`,
      ),
      '',
      `- Checks: ${run.layers.unexpectedOutcomes} measured layer invocations with another outcome than the qualifying pass (expected 0)`,
      '',
    );
  }

  if (warm.length > 0) {
    lines.push(
      '## Latency histogram and layer costs',
      '',
      `![Warm-path latency, stack against bare, and what each layer costs](${histogramFile})`,
      '',
    );
  }
  return lines.join('\n');
};
