/**
 * Exponential moving average for the loss charts' smoothing control, debiased like
 * TensorBoard's so the first points are not dragged towards zero. `weight` 0 is no
 * smoothing, 0.99 very smooth. NaN (a non-finite logged value) stays NaN and does not
 * disturb the average.
 */
export function emaSmooth(values: Float64Array, weight: number, n = values.length): Float64Array {
  const out = new Float64Array(n);
  if (weight <= 0) {
    out.set(values.subarray(0, n));
    return out;
  }
  const w = Math.min(weight, 0.9999);
  let avg = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = Number.NaN;
      continue;
    }
    avg = avg * w + (1 - w) * v;
    count++;
    out[i] = avg / (1 - w ** count);
  }
  return out;
}
