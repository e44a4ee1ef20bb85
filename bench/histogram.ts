/**
 * The warm-path latency histogram as a hand-written SVG: no plotting dependency, and the same
 * samples always give the same file.
 */
import type { WarmFigures } from './report.js';

const COLORS = { stack: '#d95f02', bare: '#1b9e77' } as const;
const WIDTH = 760;
const PANEL_HEIGHT = 300;
const MARGIN = { left: 64, right: 24, top: 40, bottom: 52 } as const;
const BINS = 60;

const round = (value: number): string => (Math.round(value * 10) / 10).toString();

const escapeXml = (text: string): string =>
  text.replace(/[<>&"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[char]!);

/** 1-2-5 ticks covering [lo, hi] on a log axis. */
const logTicks = (lo: number, hi: number): number[] => {
  const ticks: number[] = [];
  for (let decade = Math.floor(Math.log10(lo)); decade <= Math.ceil(Math.log10(hi)); decade += 1) {
    for (const step of [1, 2, 5]) {
      const tick = step * 10 ** decade;
      if (tick >= lo && tick <= hi) ticks.push(tick);
    }
  }
  return ticks;
};

/** The smallest 1, 2 or 5 × 10^k at least `rough`: a round step for the count axis. */
const niceStep = (rough: number): number => {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  return [1, 2, 5, 10].map((step) => step * power).find((step) => step >= rough) ?? 10 * power;
};

const tickLabel = (value: number): string => (value >= 1 ? value.toString() : value.toPrecision(1));

const counts = (samples: readonly number[], lo: number, width: number): number[] => {
  const bins = new Array<number>(BINS).fill(0);
  for (const sample of samples) {
    const index = Math.min(BINS - 1, Math.max(0, Math.floor((Math.log10(sample) - lo) / width)));
    bins[index]! += 1;
  }
  return bins;
};

const panel = (item: WarmFigures, offsetY: number): string[] => {
  const { run } = item;
  const all = [...run.stackMs, ...run.bareMs].filter((value) => value > 0);
  const lo = Math.log10(Math.min(...all));
  const hi = Math.log10(Math.max(...all)) + 1e-9;
  const binWidth = (hi - lo) / BINS;
  const series = { stack: counts(run.stackMs, lo, binWidth), bare: counts(run.bareMs, lo, binWidth) };
  const peak = Math.max(...series.stack, ...series.bare, 1);
  const countStep = niceStep(peak / 4);
  const maxCount = countStep * Math.ceil(peak / countStep);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (ms: number) => MARGIN.left + ((Math.log10(ms) - lo) / (hi - lo)) * plotWidth;
  const y = (count: number) => offsetY + MARGIN.top + plotHeight - (count / maxCount) * plotHeight;
  const baseY = offsetY + MARGIN.top + plotHeight;

  const step = (bins: number[]): string => {
    const points = [`M${round(MARGIN.left)},${round(baseY)}`];
    bins.forEach((count, index) => {
      const left = MARGIN.left + (index / BINS) * plotWidth;
      const right = MARGIN.left + ((index + 1) / BINS) * plotWidth;
      points.push(`L${round(left)},${round(y(count))}`, `L${round(right)},${round(y(count))}`);
    });
    points.push(`L${round(MARGIN.left + plotWidth)},${round(baseY)}Z`);
    return points.join(' ');
  };

  const out: string[] = [
    `<g>`,
    `<text x="${MARGIN.left}" y="${offsetY + 24}" font-size="15" font-weight="bold">Warm-path latency on ${escapeXml(run.engine)}: ${run.stackMs.length} invocations each</text>`,
  ];
  // Gridlines and y labels at round counts.
  for (let count = 0; count <= maxCount; count += countStep) {
    const gy = round(y(count));
    out.push(
      `<line x1="${MARGIN.left}" y1="${gy}" x2="${MARGIN.left + plotWidth}" y2="${gy}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${gy}" font-size="11" text-anchor="end" dominant-baseline="middle">${count}</text>`,
    );
  }
  for (const tick of logTicks(10 ** lo, 10 ** hi)) {
    const tx = round(x(tick));
    out.push(
      `<line x1="${tx}" y1="${round(baseY)}" x2="${tx}" y2="${round(baseY + 5)}" stroke="#333"/>`,
      `<text x="${tx}" y="${round(baseY + 18)}" font-size="11" text-anchor="middle">${tickLabel(tick)}</text>`,
    );
  }
  out.push(
    `<path d="${step(series.bare)}" fill="${COLORS.bare}" fill-opacity="0.35" stroke="${COLORS.bare}" stroke-width="1.2"/>`,
    `<path d="${step(series.stack)}" fill="${COLORS.stack}" fill-opacity="0.35" stroke="${COLORS.stack}" stroke-width="1.2"/>`,
  );
  for (const [name, summary] of [
    ['bare', item.bare],
    ['stack', item.stack],
  ] as const) {
    for (const [label, value, dash] of [
      ['p50', summary.p50, ''],
      ['p99', summary.p99, ' stroke-dasharray="4 3"'],
    ] as const) {
      const lx = round(x(value));
      out.push(
        `<line x1="${lx}" y1="${offsetY + MARGIN.top}" x2="${lx}" y2="${round(baseY)}" stroke="${COLORS[name]}" stroke-width="1.5"${dash}><title>${name} ${label} ${value.toFixed(3)} ms</title></line>`,
      );
    }
  }
  out.push(
    `<line x1="${MARGIN.left}" y1="${round(baseY)}" x2="${MARGIN.left + plotWidth}" y2="${round(baseY)}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${offsetY + MARGIN.top}" x2="${MARGIN.left}" y2="${round(baseY)}" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${round(baseY + 38)}" font-size="12" text-anchor="middle">latency per invocation, ms (log scale, ${BINS} bins)</text>`,
    `<text x="16" y="${round(offsetY + MARGIN.top + plotHeight / 2)}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${round(offsetY + MARGIN.top + plotHeight / 2)})">invocations</text>`,
  );
  // Legend, top right.
  const legendX = MARGIN.left + plotWidth - 250;
  out.push(
    `<rect x="${legendX - 6}" y="${offsetY + MARGIN.top + 2}" width="256" height="58" fill="#ffffff" fill-opacity="0.9" stroke="#cccccc"/>`,
  );
  (
    [
      ['stack', item.stack],
      ['bare', item.bare],
    ] as const
  ).forEach(([name, summary], index) => {
    const ly = offsetY + MARGIN.top + 8 + index * 18;
    out.push(
      `<rect x="${legendX}" y="${ly}" width="12" height="12" fill="${COLORS[name]}" fill-opacity="0.6" stroke="${COLORS[name]}"/>`,
      `<text x="${legendX + 18}" y="${ly + 10}" font-size="12">${name}: p50 ${summary.p50.toFixed(3)} ms, p99 ${summary.p99.toFixed(3)} ms</text>`,
    );
  });
  out.push(
    `<text x="${legendX}" y="${offsetY + MARGIN.top + 52}" font-size="11" fill="#555">solid line p50, dashed line p99</text>`,
    `</g>`,
  );
  return out;
};

const LAYER_ROW = 26;
const LAYER_LABEL_WIDTH = 190;

/** Horizontal bars of what each layer adds (median paired µs), under the histogram of its engine. */
const layerPanel = (item: WarmFigures, offsetY: number): string[] => {
  const { layers } = item;
  const plotWidth = WIDTH - MARGIN.left - LAYER_LABEL_WIDTH - MARGIN.right - 60;
  const left = MARGIN.left + LAYER_LABEL_WIDTH;
  const peak = Math.max(1, ...layers.map((layer) => Math.abs(layer.addedUs)));
  const step = niceStep(peak / 4);
  const top = step * Math.ceil(peak / step);
  const x = (us: number) => left + (Math.max(0, us) / top) * plotWidth;
  const out: string[] = [
    '<g>',
    `<text x="${MARGIN.left}" y="${offsetY + 24}" font-size="15" font-weight="bold">What each layer adds on ${escapeXml(item.run.engine)}: median paired µs per invocation</text>`,
  ];
  for (let tick = 0; tick <= top; tick += step) {
    const tx = round(x(tick));
    out.push(
      `<line x1="${tx}" y1="${offsetY + 36}" x2="${tx}" y2="${offsetY + 40 + layers.length * LAYER_ROW}" stroke="#e5e5e5"/>`,
      `<text x="${tx}" y="${offsetY + 54 + layers.length * LAYER_ROW}" font-size="11" text-anchor="middle">${tick}</text>`,
    );
  }
  layers.forEach((layer, index) => {
    const y = offsetY + 40 + index * LAYER_ROW;
    const width = round(x(layer.addedUs) - left);
    out.push(
      `<text x="${left - 8}" y="${y + 13}" font-size="12" text-anchor="end">+ ${escapeXml(layer.name)}</text>`,
      `<rect x="${left}" y="${y + 3}" width="${width}" height="${LAYER_ROW - 8}" fill="${COLORS.stack}" fill-opacity="0.7"><title>${escapeXml(layer.adds)}</title></rect>`,
      `<text x="${round(x(layer.addedUs) + 6)}" y="${y + 13}" font-size="11">${layer.addedUs.toFixed(0)} µs</text>`,
    );
  });
  const total = layers[layers.length - 1]?.totalUs ?? 0;
  out.push(
    `<text x="${left}" y="${offsetY + 72 + layers.length * LAYER_ROW}" font-size="11" fill="#555">all layers: ${total.toFixed(0)} µs over the bare GetItem (median paired, all interleaved)</text>`,
    '</g>',
  );
  return out;
};

const layerPanelHeight = (item: WarmFigures): number => 90 + item.layers.length * LAYER_ROW;

/**
 * The warm-path latency histogram: one panel per engine, stack and bare overlaid on log-spaced bins,
 * p50 and p99 marked; under each, a bar chart of what each layer of the stack adds.
 *
 * @example
 * await writeFile('bench/results/latency-histogram.svg', histogramSvg(figures.warm));
 */
export const histogramSvg = (warm: readonly WarmFigures[]): string => {
  const offsets: number[] = [];
  let height = 0;
  for (const item of warm) {
    offsets.push(height);
    height += PANEL_HEIGHT + layerPanelHeight(item);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>Warm-path latency: notification handler (stack) against a bare GetItem handler, and what each layer adds</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...warm.flatMap((item, index) => [...panel(item, offsets[index]!), ...layerPanel(item, offsets[index]! + PANEL_HEIGHT)]),
    '</svg>',
    '',
  ].join('\n');
};
