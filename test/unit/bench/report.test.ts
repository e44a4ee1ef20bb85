import { describe, expect, it } from '@jest/globals';
import { type Figures, missedGoals, warmFigures } from '../../../bench/report.js';
import type { WarmRun } from '../../../bench/warm.js';

/** A warm run whose stack is `factor` times the bare handler, and whose layers add `addsMs` each. */
const run = (factor: number, addsMs: readonly number[]): WarmRun => {
  const bareMs = Array.from({ length: 100 }, (_, index) => 1 + (index % 10) / 100);
  let previous = bareMs;
  const layers = addsMs.map((adds, index) => {
    const ms = previous.map((value) => value + adds);
    previous = ms;
    return { name: `layer${index + 1}`, adds: `what layer ${index + 1} adds`, ms };
  });
  return {
    engine: 'dynalite',
    setupMs: 10,
    stderrFile: 'stderr.log',
    events: [{ detailType: 'LeaseFrozen', outcome: 'enriched', uuid: 'u' }],
    skippedEvents: [],
    stackMs: bareMs.map((value) => value * factor),
    bareMs,
    stackFirst: 50,
    unexpectedOutcomes: 0,
    stderrBytesMeasured: 0,
    logBytesPerInvocation: { stack: 800, bare: 0 },
    layers: { bareMs, layers, unexpectedOutcomes: 0 },
  };
};

const figures = (factor: number): Figures => ({
  info: {
    command: 'npm run bench',
    date: '2026-11-25T00:00:00.000Z',
    node: 'v24.21.0',
    esbuild: '0.28.2',
    cpu: 'cpu',
    cores: 2,
    os: 'linux',
    engines: ['dynalite'],
    iterations: 100,
    warmup: 0,
    coldRuns: 0,
    seed: 1,
  },
  warm: [warmFigures(run(factor, []))],
});

describe('the per-layer figures', () => {
  it('give what each layer adds over the one before it, and its total over bare, in µs', () => {
    const { layers } = warmFigures(run(1.1, [0.005, 0.02, 0.003]));

    expect(layers.map(({ name, addedUs, totalUs }) => ({ name, added: Math.round(addedUs), total: Math.round(totalUs) }))).toEqual([
      { name: 'layer1', added: 5, total: 5 },
      { name: 'layer2', added: 20, total: 25 },
      { name: 'layer3', added: 3, total: 28 },
    ]);
    expect(layers[2]?.ratio).toBeCloseTo(1.045 / 1.02, 2);
  });
});

describe('missedGoals, what --check fails on', () => {
  it('names the goals a run misses', () => {
    expect(missedGoals(figures(1.2), 0)).toEqual([{ figure: 'warm p50, dynalite', ratio: expect.closeTo(1.2, 5), limit: 1.15 }]);
    expect(missedGoals(figures(1.1), 0)).toEqual([]);
  });

  it('adds the margin to every goal: CI fails on a gross regression only', () => {
    expect(missedGoals(figures(1.3), 0.25)).toEqual([]);
    expect(missedGoals(figures(1.45), 0.25).map(({ figure, limit }) => ({ figure, limit }))).toEqual([
      { figure: 'warm p50, dynalite', limit: 1.4 },
    ]);
    expect(missedGoals(figures(1.6), 0.25).map(({ figure }) => figure)).toEqual(['warm p50, dynalite', 'warm p99, dynalite']);
  });
});
