/**
 * A metric series held as typed arrays that grow by appending `sinceStep` increments, and
 * min/max-per-pixel downsampling for display: a chart never hands uPlot more than about two
 * points per horizontal pixel, so 100k-point series redraw as fast as 1k-point ones, and
 * spikes (a divergence, a T jump) survive the reduction because each bucket keeps its
 * extremes.
 */
export class Series {
  steps = new Float64Array(256);
  /** NaN where the host sent null (a non-finite value). */
  values = new Float64Array(256);
  length = 0;

  get lastStep(): number {
    return this.length === 0 ? -1 : this.steps[this.length - 1];
  }

  /** Appends points whose step is beyond the last one held (repeats from a poll are skipped). */
  append(steps: readonly number[], values: readonly (number | null)[]): number {
    let added = 0;
    for (let i = 0; i < steps.length; i++) {
      if (steps[i] <= this.lastStep) continue;
      if (this.length === this.steps.length) this.grow();
      this.steps[this.length] = steps[i];
      const v = values[i];
      this.values[this.length] = v === null || v === undefined ? Number.NaN : v;
      this.length++;
      added++;
    }
    return added;
  }

  clear(): void {
    this.length = 0;
  }

  private grow(): void {
    const steps = new Float64Array(this.steps.length * 2);
    const values = new Float64Array(this.values.length * 2);
    steps.set(this.steps);
    values.set(this.values);
    this.steps = steps;
    this.values = values;
  }
}

export interface Downsampled {
  xs: Float64Array;
  ys: Float64Array;
}

/** Index of the first element >= x in xs[0, n) (xs ascending). */
function lowerBound(xs: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The points of [x0, x1] (plus one neighbour each side, so lines reach the edges) reduced to
 * at most two per bucket (the bucket's min and max, in step order) plus the range's own
 * first and last points and one neighbour each side. A bucket holding only
 * NaNs yields one NaN so the line shows the gap. Returns the points unchanged when there are
 * already few enough.
 */
export function downsampleMinMax(
  xs: Float64Array,
  ys: Float64Array,
  n: number,
  x0: number,
  x1: number,
  buckets: number,
): Downsampled {
  const start = Math.max(0, lowerBound(xs, n, x0) - 1);
  const end = Math.min(n, lowerBound(xs, n, x1 + Number.EPSILON * Math.abs(x1) + 1e-9) + 1);
  const count = end - start;
  buckets = Math.max(1, Math.floor(buckets));
  if (count <= buckets * 2) return { xs: xs.slice(start, end), ys: ys.slice(start, end) };
  const outX = new Float64Array(buckets * 2 + 4);
  const outY = new Float64Array(buckets * 2 + 4);
  let k = 0;
  // Points go out in step order; one already sent (e.g. the range's first point) is not repeated.
  const push = (j: number) => {
    if (k > 0 && xs[j] <= outX[k - 1]) return;
    outX[k] = xs[j];
    outY[k++] = ys[j];
  };
  const span = x1 - x0 || 1;
  let i = start;
  // The out-of-range neighbours pass through as they are.
  if (xs[i] < x0) push(i++);
  let last = end;
  if (last - 1 > i && xs[last - 1] > x1) last--;
  // The range's own first and last points are always kept, so lines reach both edges.
  push(i);
  while (i < last) {
    const bucket = Math.min(buckets - 1, Math.floor(((xs[i] - x0) / span) * buckets));
    let minI = -1;
    let maxI = -1;
    const firstI = i;
    for (; i < last; i++) {
      const b = Math.min(buckets - 1, Math.floor(((xs[i] - x0) / span) * buckets));
      if (b !== bucket) break;
      const y = ys[i];
      if (Number.isNaN(y)) continue;
      if (minI < 0 || y < ys[minI]) minI = i;
      if (maxI < 0 || y > ys[maxI]) maxI = i;
    }
    if (minI < 0) {
      if (!(k > 0 && xs[firstI] <= outX[k - 1])) {
        outX[k] = xs[firstI];
        outY[k++] = Number.NaN;
      }
    } else {
      push(Math.min(minI, maxI));
      push(Math.max(minI, maxI));
    }
  }
  if (last - 1 >= start) push(last - 1);
  if (last < end) push(last);
  return { xs: outX.slice(0, k), ys: outY.slice(0, k) };
}
