/**
 * Mapping network z -> w (as in StyleGAN): an MLP between the Gaussian latent and the space G
 * synthesises from. Inverting an image into w rather than z (ALGORITHMS.md §6) fits better,
 * because w need not follow a Gaussian. z is first scaled to unit mean square per sample
 * (StyleGAN's normalisation), so w does not depend on ||z||, which is nearly constant anyway.
 */

import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { linear, type Weights } from './conv-layers';
import { newVariable, type Params } from './params';

const LEAKY_SLOPE = 0.2;

export interface MappingShape {
  /** Dense layers, each followed by LeakyReLU(0.2). */
  layers: number;
  wDim: number;
}

/**
 * Adds `map{i}.w/.b`. He-normal weights (std sqrt(2 / ((1 + 0.2^2) fan_in))) and zero biases
 * keep w at z's scale through any depth; N(0, 0.02) would shrink it ~6x per layer.
 */
export function addMapping(params: Params, rng: Rng, zDim: number, shape: MappingShape): void {
  if (
    !Number.isInteger(shape.layers) ||
    shape.layers < 1 ||
    !Number.isInteger(shape.wDim) ||
    shape.wDim < 1
  ) {
    throw new Error(`mapping needs layers >= 1 and wDim >= 1, got ${shape.layers} and ${shape.wDim}`);
  }
  let inDim = zDim;
  for (let i = 0; i < shape.layers; i++) {
    const std = Math.sqrt(2 / ((1 + LEAKY_SLOPE * LEAKY_SLOPE) * inDim));
    const w = rng.fillNormal(new Float32Array(inDim * shape.wDim), 0, std);
    params[`map${i}.w`] = newVariable(() => tf.tensor2d(w, [inDim, shape.wDim]));
    params[`map${i}.b`] = newVariable(() => tf.zeros([shape.wDim]));
    inDim = shape.wDim;
  }
}

/** z [N, zDim] -> w [N, wDim]. */
export function applyMapping(p: Weights, layers: number, z: tf.Tensor2D): tf.Tensor2D {
  let h = tf.mul(z, tf.rsqrt(tf.add(tf.mean(tf.square(z), 1, true), 1e-8))) as tf.Tensor2D;
  for (let i = 0; i < layers; i++) h = tf.leakyRelu(linear(p, `map${i}`, h), LEAKY_SLOPE);
  return h;
}
