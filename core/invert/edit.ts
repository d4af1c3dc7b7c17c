/**
 * Latent editing and interpolation (ALGORITHMS.md §7): latent' = latent + sum_i alpha_i d_i for
 * unit directions d_i (a slider spans +/-3 standard deviations of the latents along d_i), and
 * interpolation between two latents, linear in w (the space the mapping network makes roughly
 * linear) and spherical in z (z ~ N(0, I) lives near a sphere; a straight line through the
 * middle would pass through atypically short, washed-out latents).
 */

import type { LatentLayout } from './gan-model';

export interface DirectionStep {
  vector: ArrayLike<number>;
  alpha: number;
}

/** latent + sum alpha_i d_i (a new array). */
export function applyDirections(latent: ArrayLike<number>, steps: DirectionStep[]): Float32Array {
  const out = Float32Array.from(latent);
  for (const { vector, alpha } of steps) {
    if (vector.length !== out.length) {
      throw new Error(`direction has ${vector.length} values, the latent ${out.length}`);
    }
    if (alpha === 0) continue;
    for (let i = 0; i < out.length; i++) out[i] += alpha * vector[i];
  }
  return out;
}

/**
 * Spherical interpolation between a and b at t in [0, 1]: constant angular speed, norms
 * interpolated linearly; falls back to linear when the vectors are (anti)parallel or tiny.
 */
export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number, out: Float32Array): void {
  const n = a.length;
  let na = 0;
  let nb = 0;
  let dot = 0;
  for (let i = 0; i < n; i++) {
    na += a[i] * a[i];
    nb += b[i] * b[i];
    dot += a[i] * b[i];
  }
  na = Math.sqrt(na);
  nb = Math.sqrt(nb);
  const cos = na > 0 && nb > 0 ? Math.max(-1, Math.min(1, dot / (na * nb))) : 1;
  const omega = Math.acos(cos);
  if (omega < 1e-4 || Math.PI - omega < 1e-4) {
    for (let i = 0; i < n; i++) out[i] = (1 - t) * a[i] + t * b[i];
    return;
  }
  const sa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const sb = Math.sin(t * omega) / Math.sin(omega);
  for (let i = 0; i < n; i++) out[i] = sa * a[i] + sb * b[i];
}

/**
 * `frames` latents from `from` to `to` inclusive, [frames, total]: the z / w part slerped in z
 * space and lerped in w space; class and code coordinates always lerped. The ends are exact
 * copies of the inputs.
 */
export function interpolationLatents(
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  frames: number,
  layout: LatentLayout,
): Float32Array {
  const { total, dim, space } = layout;
  if (from.length !== total || to.length !== total) {
    throw new Error(`interpolation latents must have ${total} values, got ${from.length} and ${to.length}`);
  }
  if (!Number.isInteger(frames) || frames < 2) throw new Error(`frames must be at least 2, got ${frames}`);
  const out = new Float32Array(frames * total);
  const head = new Float32Array(dim);
  const fromHead = Array.prototype.slice.call(from, 0, dim) as number[];
  const toHead = Array.prototype.slice.call(to, 0, dim) as number[];
  for (let f = 0; f < frames; f++) {
    const row = out.subarray(f * total, (f + 1) * total);
    if (f === 0 || f === frames - 1) {
      row.set(f === 0 ? from : to);
      continue;
    }
    const t = f / (frames - 1);
    if (space === 'z') {
      slerp(fromHead, toHead, t, head);
      row.set(head);
    } else {
      for (let i = 0; i < dim; i++) row[i] = (1 - t) * from[i] + t * to[i];
    }
    for (let i = dim; i < total; i++) row[i] = (1 - t) * from[i] + t * to[i];
  }
  return out;
}
