/**
 * Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs"): the unbiased
 * estimate of MMD² with the cubic polynomial kernel k(x, y) = (x·y / d + 1)³, averaged over
 * random subsets as in their code (and torch-fidelity's defaults of up to 1000 per subset).
 * Unlike FID it is unbiased, so its expectation is 0 for identical distributions whatever the
 * sample size, and single estimates can be slightly negative.
 */
import { Rng } from '../engine/rng';
import { dotBlock, TILE_ROWS, toFloat64Rows } from './pairwise';

export interface KidOptions {
  /** Number of random subsets averaged (default 10). */
  subsets?: number;
  /** Points drawn from each set per subset, capped by the smaller set (default 1000). */
  subsetSize?: number;
  /** Seed of the subset draws (default 0), so repeated calls give the same value. */
  seed?: number;
}

export interface KidResult {
  /** Mean of the per-subset unbiased MMD² estimates. */
  kid: number;
  /**
   * Standard deviation of the per-subset estimates. When both sets have no more points than
   * subsetSize, every subset is the whole set and this is ~0: it says nothing about the
   * sampling error then.
   */
  std: number;
  subsets: number;
  subsetSize: number;
}

/** KID between feature sets `x` and `y` ([count, dim] row-major each). */
export function kernelInceptionDistance(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  dim: number,
  opts: KidOptions = {},
): KidResult {
  if (!Number.isInteger(dim) || dim < 1)
    throw new Error(`feature dimension must be a positive integer, got ${dim}`);
  if (x.length % dim !== 0 || y.length % dim !== 0)
    throw new Error(`feature arrays are not rows of ${dim} values`);
  const nx = x.length / dim;
  const ny = y.length / dim;
  const subsets = opts.subsets ?? 10;
  const m = Math.min(opts.subsetSize ?? 1000, nx, ny);
  if (!Number.isInteger(subsets) || subsets < 1)
    throw new Error(`subsets must be a positive integer, got ${subsets}`);
  if (m < 2) throw new Error(`KID needs at least 2 feature vectors in each set (got ${nx} and ${ny})`);
  const rng = new Rng(opts.seed ?? 0);
  const estimates: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const xs = toFloat64Rows(x, dim, sample(rng, nx, m));
    const ys = toFloat64Rows(y, dim, sample(rng, ny, m));
    const kxx = kernelSum(xs, xs, dim, true);
    const kyy = kernelSum(ys, ys, dim, true);
    const kxy = kernelSum(xs, ys, dim, false);
    estimates.push(kxx / (m * (m - 1)) + kyy / (m * (m - 1)) - (2 * kxy) / (m * m));
  }
  const mean = estimates.reduce((a, b) => a + b, 0) / subsets;
  const variance = subsets > 1 ? estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (subsets - 1) : 0;
  return { kid: mean, std: Math.sqrt(variance), subsets, subsetSize: m };
}

/**
 * Σ k(a_i, b_j) over all pairs, or over i ≠ j when `offDiagonalOnly` (a and b the same set,
 * as the unbiased estimator needs). For a = b only tiles on or above the diagonal are
 * computed, and off-diagonal tiles count twice (the kernel is symmetric).
 */
function kernelSum(a: Float64Array, b: Float64Array, dim: number, offDiagonalOnly: boolean): number {
  const na = a.length / dim;
  const nb = b.length / dim;
  const tile = new Float64Array(TILE_ROWS * TILE_ROWS);
  const invDim = 1 / dim;
  let total = 0;
  for (let i0 = 0; i0 < na; i0 += TILE_ROWS) {
    const ic = Math.min(TILE_ROWS, na - i0);
    for (let j0 = offDiagonalOnly ? i0 : 0; j0 < nb; j0 += TILE_ROWS) {
      const jc = Math.min(TILE_ROWS, nb - j0);
      dotBlock(a, i0, ic, b, j0, jc, dim, tile);
      let sum = 0;
      for (let r = 0; r < ic; r++) {
        for (let c = 0; c < jc; c++) {
          if (offDiagonalOnly && i0 === j0 && c <= r) continue; // diagonal tile: strictly upper half
          const k = tile[r * jc + c] * invDim + 1;
          sum += k * k * k;
        }
      }
      total += offDiagonalOnly ? 2 * sum : sum;
    }
  }
  return total;
}

/** `m` distinct indices from 0..n-1 (partial Fisher-Yates). */
function sample(rng: Rng, n: number, m: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p.subarray(0, m);
}
