/**
 * Forward diffusion q(y | x, t): y = sqrt(alpha_bar_t) x + sqrt(1 - alpha_bar_t) sigma eps.
 * The per-sample coefficients and noise are drawn on the host from the seeded RNG (cheap:
 * N numbers), so the device only does a multiply-add that G's gradient flows through.
 */
import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';

export interface DiffusionDraw {
  /** t of each sample, drawn uniformly from the pool. [N] */
  t: Int32Array;
  /** sqrt(alpha_bar_t) per sample. [N, 1] */
  signalScale: Float32Array;
  /** sqrt(1 - alpha_bar_t) * sigma * eps per element. [N, D] */
  noise: Float32Array;
}

/** Draws t, the signal scale and the scaled noise for N samples of D features each. */
export function drawDiffusion(
  rng: Rng,
  n: number,
  featureSize: number,
  pool: Int32Array,
  alphaBar: Float64Array,
  sigma: number,
): DiffusionDraw {
  const t = new Int32Array(n);
  const signalScale = new Float32Array(n);
  const noise = new Float32Array(n * featureSize);
  rng.fillNormal(noise);
  for (let i = 0; i < n; i++) {
    const ti = pool[rng.int(pool.length)];
    t[i] = ti;
    const ab = alphaBar[ti];
    signalScale[i] = Math.sqrt(ab);
    const noiseScale = Math.sqrt(1 - ab) * sigma;
    const row = i * featureSize;
    for (let j = 0; j < featureSize; j++) noise[row + j] *= noiseScale;
  }
  return { t, signalScale, noise };
}

/** Applies the diffusion to host-side data (real samples never need a gradient). */
export function diffuseHost(x: Float32Array, draw: DiffusionDraw, featureSize: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < draw.t.length; i++) {
    const a = draw.signalScale[i];
    for (let j = 0; j < featureSize; j++) {
      const k = i * featureSize + j;
      y[k] = a * x[k] + draw.noise[k];
    }
  }
  return y;
}

function signalScale(draw: DiffusionDraw, shape: number[]): tf.Tensor {
  return tf.tensor(draw.signalScale, [draw.t.length, ...shape.slice(1).map(() => 1)]);
}

/** The same diffusion on the device, differentiable in x (G's output): a * x + noise. [N, ...] */
export function diffuseTensor<T extends tf.Tensor>(x: T, draw: DiffusionDraw): T {
  return tf.add(tf.mul(x, signalScale(draw, x.shape)), tf.tensor(draw.noise, x.shape)) as T;
}

/** diffuseTensor's backward pass: the gradient of x from the gradient of y = a * x + noise. */
export function diffuseTensorGrad<T extends tf.Tensor>(dy: T, draw: DiffusionDraw): T {
  return tf.mul(dy, signalScale(draw, dy.shape)) as T;
}
