/** Summaries of repeated measurements; pure, so the numbers in BENCHMARKS.md are testable. */

/** A target a figure is held against, and whether this run met it. */
export interface Goal {
  readonly description: string;
  readonly met: boolean;
}

export interface Summary {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples to summarise');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { runs: sorted.length, median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** The value at a percentile (nearest rank), e.g. 99 for p99. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? Number.POSITIVE_INFINITY : value / baseline;
}

/** Least-squares slope and intercept of y over x, and how straight the line is (r squared). */
export function linearFit(points: readonly { x: number; y: number }[]): { slope: number; intercept: number; r2: number } {
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const sxx = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  const sxy = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = meanY - slope * meanX;
  const ssTot = points.reduce((sum, p) => sum + (p.y - meanY) ** 2, 0);
  const ssRes = points.reduce((sum, p) => sum + (p.y - (intercept + slope * p.x)) ** 2, 0);
  return { slope, intercept, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

export function ms(seconds: number): string {
  if (seconds < 0.001) return `${(seconds * 1e6).toFixed(0)} µs`;
  return seconds < 1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(2)} s`;
}

export function fmtSummary(summary: Summary, unit: (value: number) => string = ms): string {
  return `${unit(summary.median)} (min ${unit(summary.min)}, max ${unit(summary.max)}, ${summary.runs} runs)`;
}

/** Seconds on a monotonic clock, for timing one run. */
export const now = (): number => Number(process.hrtime.bigint()) / 1e9;
