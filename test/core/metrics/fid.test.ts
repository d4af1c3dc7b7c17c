import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import { fid, frechetDistance, type GaussianFit, gaussianFit } from '../../../core/metrics/fid';

function diagonalFit(mean: number[], variances: number[]): GaussianFit {
  const n = mean.length;
  const cov = new Float64Array(n * n);
  variances.forEach((v, i) => {
    cov[i * n + i] = v;
  });
  return { dim: n, count: 100, mean: Float64Array.from(mean), cov };
}

/** Correlated Gaussian features: z A with a fixed random mixing matrix A. */
function correlated(rng: Rng, count: number, dim: number): Float32Array {
  const mix = rng.fillNormal(new Float32Array(dim * dim), 0, 1 / Math.sqrt(dim));
  const z = rng.fillNormal(new Float32Array(count * dim));
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++)
    for (let k = 0; k < dim; k++) {
      const zk = z[i * dim + k];
      for (let j = 0; j < dim; j++) out[i * dim + j] += zk * mix[k * dim + j];
    }
  return out;
}

describe('FID', () => {
  it('fits mean and unbiased covariance like numpy.cov', () => {
    const fit = gaussianFit(Float32Array.from([1, 2, 3, 6, 5, 10]), 2); // rows (1,2) (3,6) (5,10)
    expect(Array.from(fit.mean)).toEqual([3, 6]);
    expect(Array.from(fit.cov)).toEqual([4, 8, 8, 16]);
  });

  it('is ~0 for identical sets, also with singular covariances (dead features)', () => {
    const x = correlated(new Rng(1), 500, 64);
    for (let i = 0; i < 500; i++) x[i * 64 + 5] = 0; // a dead ReLU unit
    expect(fid(x, x, 64)).toBeLessThan(1e-8);
  });

  it('is |Δμ|² for a shifted copy', () => {
    const dim = 32;
    const x = correlated(new Rng(2), 400, dim);
    const delta = new Rng(3).fillNormal(new Float32Array(dim), 0, 0.5);
    const y = x.map((v, i) => v + delta[i % dim]);
    // The shift is applied in float32, so compare with the fitted means' difference.
    const a = gaussianFit(x, dim);
    const b = gaussianFit(y, dim);
    const expected = a.mean.reduce((s, m, j) => s + (m - b.mean[j]) ** 2, 0);
    expect(expected).toBeCloseTo(
      delta.reduce((s, d) => s + d * d, 0),
      4,
    );
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 4);
  });

  it('is Σ(σ1 - σ2)² + |Δμ|² for diagonal covariances', () => {
    const a = diagonalFit([0, 1, 2, 0], [1, 4, 9, 0]);
    const b = diagonalFit([1, 1, 2, 0.5], [4, 4, 1, 2.25]);
    // (1-2)² + 0 + (3-1)² + (0-1.5)² = 1 + 4 + 2.25, plus |Δμ|² = 1 + 0.25
    expect(frechetDistance(a, b)).toBeCloseTo(7.25 + 1.25, 10);
  });

  it('matches the 2×2 closed form tr (Σ1Σ2)^½ = sqrt(tr Σ1Σ2 + 2 sqrt(det Σ1 det Σ2)) for non-commuting covariances', () => {
    const s1 = [2, 0.8, 0.8, 1];
    const s2 = [1, -0.3, -0.3, 3];
    const a: GaussianFit = { dim: 2, count: 10, mean: Float64Array.from([0, 0]), cov: Float64Array.from(s1) };
    const b: GaussianFit = { dim: 2, count: 10, mean: Float64Array.from([0, 0]), cov: Float64Array.from(s2) };
    const trProd = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3];
    const det = (m: number[]) => m[0] * m[3] - m[1] * m[2];
    const trRoot = Math.sqrt(trProd + 2 * Math.sqrt(det(s1) * det(s2)));
    expect(frechetDistance(a, b)).toBeCloseTo(s1[0] + s1[3] + s2[0] + s2[3] - 2 * trRoot, 12);
  });

  it('is symmetric and grows with the difference between the distributions', () => {
    const dim = 16;
    const x = correlated(new Rng(4), 600, dim);
    const y = correlated(new Rng(5), 600, dim);
    const xs = x.map((v) => v * 1.5);
    expect(fid(x, y, dim)).toBeCloseTo(fid(y, x, dim), 8);
    expect(fid(x, xs, dim)).toBeGreaterThan(0.1);
  });

  it('refuses mismatched dimensions and too few rows', () => {
    expect(() => gaussianFit(new Float32Array(3), 2)).toThrow(/rows of 2/);
    expect(() => gaussianFit(new Float32Array(2), 2)).toThrow(/at least 2/);
    expect(() => frechetDistance(diagonalFit([0], [1]), diagonalFit([0, 0], [1, 1]))).toThrow(/differ/);
  });
});
