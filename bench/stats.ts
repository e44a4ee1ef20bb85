/**
 * Order statistics for latency samples. Percentiles are nearest-rank: every figure reported is a
 * latency that was actually observed, and p99 of 2000 samples is the 1980th smallest.
 */

/** Summary of one set of samples, in the samples' unit (milliseconds throughout the benchmark). */
export interface Summary {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The nearest-rank percentile of samples already sorted ascending.
 *
 * @example
 * percentile([1, 2, 3, 4], 50); // => 2
 */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
};

/** The samples sorted ascending, as a new array. */
export const sortedCopy = (samples: readonly number[]): number[] => [...samples].sort((a, b) => a - b);

/**
 * Count, mean, min, p50, p90, p95, p99 and max of a set of samples.
 *
 * @example
 * summarize([3, 1, 2]).p50; // => 2
 */
export const summarize = (samples: readonly number[]): Summary => {
  const sorted = sortedCopy(samples);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1);
  return {
    count: sorted.length,
    mean: sorted.length ? mean : Number.NaN,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
};

/**
 * The median of `a[i] - b[i]` over paired samples: with interleaved runs, each pair saw the same
 * moment of the machine, so this is the overhead with drift cancelled out.
 *
 * @example
 * medianPairedDifference([5, 6], [4, 4]); // => 1
 */
export const medianPairedDifference = (a: readonly number[], b: readonly number[]): number => {
  const length = Math.min(a.length, b.length);
  return percentile(sortedCopy(Array.from({ length }, (_, index) => a[index]! - b[index]!)), 50);
};

/**
 * A small seeded pseudo-random generator (mulberry32), so that a run's interleaving order can be
 * reproduced from its seed.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // => a number in [0, 1)
 */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
