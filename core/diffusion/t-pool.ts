/**
 * The pool of diffusion steps D's inputs draw t from (ALGORITHMS.md §1): redrawn whenever T
 * is updated, half from p_pi over {1..T}, half zeros so about half of D's inputs are clean.
 */
import type { Rng } from '../engine/rng';

export type TSampling = 'priority' | 'uniform';

/** P(t) for t = 1..T (index 0 holds P(1)). Priority follows the paper's Eq. 6: P(t) = t / sum s. */
export function tProbabilities(T: number, mode: TSampling): Float64Array {
  const probs = new Float64Array(T);
  const total = mode === 'priority' ? (T * (T + 1)) / 2 : T;
  for (let t = 1; t <= T; t++) probs[t - 1] = (mode === 'priority' ? t : 1) / total;
  return probs;
}

/** Draws one t in 1..T by inverting the cumulative distribution. */
export function drawT(rng: Rng, cumulative: Float64Array): number {
  const u = rng.uniform();
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}

/** A fresh pool: the first half drawn from p_pi over 1..T, the second half zeros. */
export function drawPool(rng: Rng, T: number, size: number, mode: TSampling): Int32Array {
  const probs = tProbabilities(T, mode);
  const cumulative = new Float64Array(T);
  let acc = 0;
  for (let i = 0; i < T; i++) {
    acc += probs[i];
    cumulative[i] = acc;
  }
  cumulative[T - 1] = 1;
  const pool = new Int32Array(size);
  const diffused = Math.floor(size / 2);
  for (let i = 0; i < diffused; i++) pool[i] = drawT(rng, cumulative);
  return pool;
}
