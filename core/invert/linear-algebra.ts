/**
 * Small host-side linear algebra for edit directions: covariance, top eigenvectors of a
 * symmetric matrix (Jacobi, core/metrics/symmetric-eigen.ts), projections, and unit vectors.
 * Latents are at most a few hundred wide, so float64 loops on the host are fast enough and exact.
 */

import { symmetricEigen } from '../metrics/symmetric-eigen';

/** Columns [0, dim) of rows [n, stride] as a float64 matrix [n, dim]. */
export function leadingColumns(rows: Float32Array, n: number, stride: number, dim: number): Float64Array {
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) out[i * dim + j] = rows[i * stride + j];
  return out;
}

/** Column means and the covariance [dim, dim] of x [n, dim]. */
export function covariance(
  x: Float64Array,
  n: number,
  dim: number,
): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) row[j] = x[i * dim + j] - mean[j];
    for (let a = 0; a < dim; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b] += ra * row[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      cov[a * dim + b] /= Math.max(1, n - 1);
      cov[b * dim + a] = cov[a * dim + b];
    }
  }
  return { mean, cov };
}

/**
 * The k eigenvectors of symmetric m [dim, dim] with the largest eigenvalues, largest first.
 * Signs are fixed so each vector's largest-magnitude entry is positive (deterministic output).
 */
export function topEigen(
  m: Float64Array,
  dim: number,
  k: number,
): { values: number[]; vectors: Float64Array[] } {
  const { values, vectors } = symmetricEigen(m, dim);
  const order = Array.from(values.keys())
    .sort((a, b) => values[b] - values[a])
    .slice(0, Math.min(k, dim));
  return {
    values: order.map((j) => values[j]),
    vectors: order.map((j) => {
      const v = new Float64Array(dim);
      for (let i = 0; i < dim; i++) v[i] = vectors[i * dim + j];
      return fixSign(v);
    }),
  };
}

export function fixSign(v: Float64Array): Float64Array {
  let big = 0;
  for (let i = 0; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
  if (v[big] < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
  return v;
}

export function normalize(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x * x;
  const norm = Math.sqrt(s);
  if (!(norm > 0)) throw new Error('cannot normalise a zero vector');
  return v.map((x) => x / norm);
}

/** Standard deviation of rows [n, stride] projected on d (d covers the first d.length columns). */
export function projectedStd(rows: Float32Array, n: number, stride: number, d: ArrayLike<number>): number {
  const p = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d.length; j++) s += rows[i * stride + j] * d[j];
    p[i] = s;
    mean += s;
  }
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (p[i] - mean) ** 2;
  return Math.sqrt(v / Math.max(1, n - 1));
}

/** d (length dim) padded with zeros to the full latent length. */
export function padTo(d: ArrayLike<number>, total: number): number[] {
  const out = new Array<number>(total).fill(0);
  for (let i = 0; i < d.length; i++) out[i] = d[i];
  return out;
}
