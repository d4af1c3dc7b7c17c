/**
 * Builds what one uPlot chart draws from its series: each line smoothed (optional),
 * downsampled to about two points per pixel over the visible step range, then joined on a
 * shared step axis. NaN becomes null (uPlot's gap value).
 */

import { downsampleMinMax, type Series } from './series';
import { IncrementalEma } from './smoothing';

export interface ChartLine {
  label: string;
  series: Series;
  color: string;
  /** EMA weight in [0, 1); 0 or undefined = raw. */
  smooth?: number;
}

export interface ChartData {
  xs: number[];
  ys: (number | null)[][];
}

/** The step range covered by any line, or null when every line is empty. */
export function fullRange(lines: ChartLine[]): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const l of lines) {
    if (l.series.length === 0) continue;
    lo = Math.min(lo, l.series.steps[0]);
    hi = Math.max(hi, l.series.steps[l.series.length - 1]);
  }
  return lo <= hi ? [lo, hi] : null;
}

// One smoother per (series, line) so each redraw only smooths the points appended since the last.
const smoothers = new WeakMap<ChartLine, IncrementalEma>();

function smoothed(line: ChartLine): Float64Array {
  let ema = smoothers.get(line);
  if (!ema) {
    ema = new IncrementalEma();
    smoothers.set(line, ema);
  }
  return ema.update(line.series.values, line.series.length, line.smooth ?? 0);
}

export function buildChartData(
  lines: ChartLine[],
  range: [number, number] | null,
  pixels: number,
): ChartData {
  const r = range ?? fullRange(lines);
  if (!r) return { xs: [], ys: lines.map(() => []) };
  const parts = lines.map((l) => {
    const ys = l.smooth ? smoothed(l) : l.series.values;
    return downsampleMinMax(l.series.steps, ys, l.series.length, r[0], r[1], pixels);
  });
  // Join on the union of steps; lines logged together share steps, so this is usually a copy.
  const steps = new Set<number>();
  for (const p of parts) for (const x of p.xs) steps.add(x);
  const xs = [...steps].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = parts.map((p) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    for (let i = 0; i < p.xs.length; i++) {
      const y = p.ys[i];
      col[index.get(p.xs[i])!] = Number.isFinite(y) ? y : null;
    }
    return col;
  });
  return { xs, ys };
}
