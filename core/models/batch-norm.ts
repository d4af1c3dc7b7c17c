/**
 * Batch normalisation over N, H, W per channel (BatchNorm2d), for G. Training mode normalises
 * with the minibatch's statistics and moves the running mean / variance towards them; eval mode
 * (samples, inversion) uses the running statistics, so one image's output does not depend on the
 * rest of its batch. The scale and shift are trainable `params`; the running statistics are
 * non-trainable `state` that a checkpoint must save alongside them.
 */

import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { DCGAN_INIT_STD, type InitScheme, type Weights } from './conv-layers';
import { newVariable, type Params } from './params';

/** PyTorch's defaults: running <- (1 - momentum) running + momentum batch. */
export const BN_MOMENTUM = 0.1;
export const BN_EPSILON = 1e-5;

/**
 * Adds `name.gamma` / `name.beta` [C] to params and `name.mean` / `name.var` [C] to state.
 * gamma starts at N(1, 0.02) under the DCGAN scheme, at 1 under PyTorch's.
 */
export function addBatchNorm(
  params: Params,
  state: Params,
  rng: Rng,
  name: string,
  channels: number,
  scheme: InitScheme,
): void {
  const gamma =
    scheme === 'dcgan'
      ? rng.fillNormal(new Float32Array(channels), 1, DCGAN_INIT_STD)
      : new Float32Array(channels).fill(1);
  params[`${name}.gamma`] = newVariable(() => tf.tensor1d(gamma));
  params[`${name}.beta`] = newVariable(() => tf.zeros([channels]));
  state[`${name}.mean`] = newVariable(() => tf.zeros([channels]), false);
  state[`${name}.var`] = newVariable(() => tf.ones([channels]), false);
}

/**
 * Normalises x [N, H, W, C]. With `update`, the running statistics in `state` move towards the
 * batch's (PyTorch's rule, unbiased variance); they are assigned in place.
 * Statistics are taken on an [N*H*W, C] view so their reductions (and those of the backward
 * pass) are column sums, fast on wasm.
 */
export function batchNorm(
  x: tf.Tensor4D,
  p: Weights,
  state: Params,
  name: string,
  mode: { training: boolean; update: boolean },
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const gamma = p[`${name}.gamma`];
  const beta = p[`${name}.beta`];
  if (!mode.training) {
    // y = x * scale + shift with the running statistics folded into two [C] vectors.
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(state[`${name}.var`], BN_EPSILON)));
    const shift = tf.sub(beta, tf.mul(state[`${name}.mean`], scale));
    return tf.add(tf.mul(x, scale), shift);
  }
  const m = n * h * w;
  tf.util.assert(m > 1, () => `batch norm in training mode needs more than one value per channel, got ${m}`);
  const x2 = tf.reshape(x, [m, c]); // [N*H*W, C]
  const mean = tf.div(tf.sum(x2, 0), m);
  const centered = tf.sub(x2, mean);
  const variance = tf.div(tf.sum(tf.square(centered), 0), m);
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
  const y = tf.add(tf.mul(centered, scale), beta);
  if (mode.update) {
    const runMean = state[`${name}.mean`];
    const runVar = state[`${name}.var`];
    tf.tidy(() => {
      // Assignments are not ops, so no gradient flows into the running statistics.
      runMean.assign(tf.add(tf.mul(runMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
      runVar.assign(tf.add(tf.mul(runVar, 1 - BN_MOMENTUM), tf.mul(variance, BN_MOMENTUM * (m / (m - 1)))));
    });
  }
  return tf.reshape(y, x.shape);
}
