import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import { sqrtPsd, symmetricEigen } from '../../../core/metrics/symmetric-eigen';

/** A random symmetric n×n matrix B + Bᵀ. */
function randomSymmetric(rng: Rng, n: number): Float64Array {
  const b = rng.fillNormal(new Float32Array(n * n));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = b[i * n + j] + b[j * n + i];
  return a;
}

describe('symmetricEigen (Jacobi)', () => {
  it('reconstructs A = V diag(λ) Vᵀ with orthonormal V and ascending λ', () => {
    const n = 40;
    const a = randomSymmetric(new Rng(3), n);
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    let maxErr = 0;
    let maxOrth = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rec = 0;
        let gram = 0;
        for (let k = 0; k < n; k++) {
          rec += vectors[i * n + k] * values[k] * vectors[j * n + k];
          gram += vectors[k * n + i] * vectors[k * n + j];
        }
        maxErr = Math.max(maxErr, Math.abs(rec - a[i * n + j]));
        maxOrth = Math.max(maxOrth, Math.abs(gram - (i === j ? 1 : 0)));
      }
    }
    expect(maxErr).toBeLessThan(1e-10);
    expect(maxOrth).toBeLessThan(1e-12);
  });

  it('finds the eigenvalues of a known 2×2 matrix and of a diagonal one', () => {
    expect(Array.from(symmetricEigen([2, 1, 1, 2], 2).values)).toEqual([
      expect.closeTo(1, 14),
      expect.closeTo(3, 14),
    ]);
    expect(Array.from(symmetricEigen([5, 0, 0, 0, -1, 0, 0, 0, 2], 3).values)).toEqual([-1, 2, 5]);
  });

  it('sqrtPsd squares back to the matrix, clamping a singular direction at 0', () => {
    const n = 20;
    const rng = new Rng(9);
    // Rank-deficient PSD: X Xᵀ with X 20×5, as covariances of dead features are.
    const x = rng.fillNormal(new Float32Array(n * 5));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) for (let k = 0; k < 5; k++) a[i * n + j] += x[i * 5 + k] * x[j * 5 + k];
    const r = sqrtPsd(a, n);
    let maxErr = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += r[i * n + k] * r[k * n + j];
        maxErr = Math.max(maxErr, Math.abs(s - a[i * n + j]));
      }
    }
    expect(maxErr).toBeLessThan(1e-9);
    expect(r.every(Number.isFinite)).toBe(true);
  });

  it('takes tens of milliseconds at the feature dimension 128', () => {
    const a = randomSymmetric(new Rng(1), 128);
    const t = performance.now();
    symmetricEigen(a, 128);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
