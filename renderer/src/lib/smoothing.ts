/**
 * Exponential moving average for the loss charts' smoothing control, debiased like
 * TensorBoard's so the first points are not dragged towards zero. `weight` 0 is no
 * smoothing, 0.99 very smooth. NaN (a non-finite logged value) stays NaN and does not
 * disturb the average.
 */
export function emaSmooth(values: Float64Array, weight: number, n = values.length): Float64Array {
  return new IncrementalEma().update(values, n, weight).slice(0, n);
}

/**
 * The same EMA kept up to date as a series grows: appended points cost O(new points), so a
 * live 100k-point chart does not re-smooth its whole history every poll. Starts over when
 * the weight changes or the series shrank (cleared for a resume).
 */
export class IncrementalEma {
  private out = new Float64Array(0);
  private n = 0;
  private weight = Number.NaN;
  private avg = 0;
  /** w^count, for the debiasing denominator 1 - w^count. */
  private decay = 1;

  /** The smoothed values; valid in [0, n). */
  update(values: Float64Array, n: number, weight: number): Float64Array {
    const w = Math.min(Math.max(weight, 0), 0.9999);
    if (w !== this.weight || n < this.n) {
      this.weight = w;
      this.n = 0;
      this.avg = 0;
      this.decay = 1;
    }
    if (this.out.length < n) {
      const grown = new Float64Array(Math.max(n, this.out.length * 2));
      grown.set(this.out.subarray(0, this.n));
      this.out = grown;
    }
    for (let i = this.n; i < n; i++) {
      const v = values[i];
      if (w === 0 || !Number.isFinite(v)) {
        this.out[i] = w === 0 ? v : Number.NaN;
        continue;
      }
      this.avg = this.avg * w + (1 - w) * v;
      this.decay *= w;
      this.out[i] = this.avg / (1 - this.decay);
    }
    this.n = n;
    return this.out;
  }
}
