/**
 * Fréchet distance between Gaussian fits of two feature sets (Heusel et al. 2017, "FID"):
 *   |μ1 - μ2|² + tr Σ1 + tr Σ2 - 2 tr (Σ1 Σ2)^½.
 * tr (Σ1 Σ2)^½ is computed as tr (Σ1^½ Σ2 Σ1^½)^½: the two products are similar matrices
 * (same eigenvalues), and the second is symmetric PSD, so both square roots come from a
 * symmetric eigendecomposition with no complex parts to discard (pytorch-fid's sqrtm route).
 * Plain float64 JS: feature dimensions here are ~128.
 */
import { sqrtPsd, symmetricEigen } from './symmetric-eigen';

export interface GaussianFit {
  dim: number;
  count: number;
  mean: Float64Array;
  /** Row-major [dim, dim], unbiased (divides by count - 1, as numpy.cov and pytorch-fid do). */
  cov: Float64Array;
}

/** Mean and covariance of `features` ([count, dim] row-major). Needs at least 2 rows. */
export function gaussianFit(features: ArrayLike<number>, dim: number): GaussianFit {
  if (!Number.isInteger(dim) || dim < 1)
    throw new Error(`feature dimension must be a positive integer, got ${dim}`);
  if (features.length % dim !== 0)
    throw new Error(`${features.length} values are not rows of ${dim} features`);
  const count = features.length / dim;
  if (count < 2) throw new Error(`a Gaussian fit needs at least 2 feature vectors, got ${count}`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j] += features[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= count;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < dim; j++) row[j] = features[i * dim + j] - mean[j];
    // Upper triangle only; mirrored below.
    for (let a = 0; a < dim; a++) {
      const ra = row[a];
      if (ra === 0) continue; // dead ReLU features make many rows sparse
      const base = a * dim;
      for (let b = a; b < dim; b++) cov[base + b] += ra * row[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const c = cov[a * dim + b] / (count - 1);
      cov[a * dim + b] = c;
      cov[b * dim + a] = c;
    }
  }
  return { dim, count, mean, cov };
}

/** Fréchet distance between two Gaussians. Never negative (rounding is clamped at 0). */
export function frechetDistance(a: GaussianFit, b: GaussianFit): number {
  if (a.dim !== b.dim) throw new Error(`feature dimensions differ (${a.dim} vs ${b.dim})`);
  const n = a.dim;
  let meanTerm = 0;
  for (let j = 0; j < n; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  let traces = 0;
  for (let j = 0; j < n; j++) traces += a.cov[j * n + j] + b.cov[j * n + j];
  const root = sqrtPsd(a.cov, n);
  // M = R Σ2 R, then symmetrised so rounding does not leave it slightly asymmetric.
  const tmp = multiply(root, b.cov, n);
  const m = multiply(tmp, root, n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (m[i * n + j] + m[j * n + i]);
      m[i * n + j] = s;
      m[j * n + i] = s;
    }
  }
  let traceRoot = 0;
  for (const lambda of symmetricEigen(m, n).values) traceRoot += Math.sqrt(Math.max(lambda, 0));
  return Math.max(0, meanTerm + traces - 2 * traceRoot);
}

/** FID between two feature sets ([count, dim] each). */
export function fid(featuresA: ArrayLike<number>, featuresB: ArrayLike<number>, dim: number): number {
  return frechetDistance(gaussianFit(featuresA, dim), gaussianFit(featuresB, dim));
}

function multiply(x: Float64Array, y: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const xik = x[i * n + k];
      if (xik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += xik * y[k * n + j];
    }
  }
  return out;
}
