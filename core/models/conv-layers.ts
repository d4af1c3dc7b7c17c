/**
 * Convolution and dense layers over named weights, for the image models. Weights are read from a
 * plain name -> tensor record so the same code runs on the live variables, on the EMA copy of G
 * or on any other tensors of the same names.
 *
 * Biases are added on an [N*H*W, C] view of the activations: their gradient is then a sum over
 * axis 0 of a matrix, which the wasm backend runs as one matmul (core/engine/wasm-kernels.ts),
 * while a 4D reduction over N, H, W transposes first.
 */

import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { newVariable, type Params } from './params';

/** Weights by name: a model's Params, or tensors standing in for them (EMA, checkpoints). */
export type Weights = Record<string, tf.Tensor>;

/**
 * 'dcgan': weights N(0, 0.02), biases 0 (Radford et al. 2016, the DCGAN recipe).
 * 'pytorch': weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default for
 * nn.Linear / nn.Conv2d / nn.ConvTranspose2d (whose fan_in counts *output* channels x k x k).
 */
export type InitScheme = 'dcgan' | 'pytorch';

export const DCGAN_INIT_STD = 0.02;

export function initWeights(rng: Rng, size: number, fanIn: number, scheme: InitScheme): Float32Array {
  const out = new Float32Array(size);
  if (scheme === 'dcgan') return rng.fillNormal(out, 0, DCGAN_INIT_STD);
  const bound = 1 / Math.sqrt(fanIn);
  return rng.fillUniform(out, -bound, bound);
}

export function initBias(rng: Rng, size: number, fanIn: number, scheme: InitScheme): Float32Array {
  return scheme === 'dcgan' ? new Float32Array(size) : initWeights(rng, size, fanIn, 'pytorch');
}

function variable(values: Float32Array, shape: number[]): tf.Variable {
  return newVariable(() => tf.tensor(values, shape, 'float32'));
}

export interface LayerInit {
  scheme: InitScheme;
  /** False for layers followed by batch norm, whose shift makes a bias redundant. */
  bias?: boolean;
}

/** `name.w` [in, out] (+ `name.b` [out]). */
export function addLinear(
  params: Params,
  rng: Rng,
  name: string,
  inDim: number,
  outDim: number,
  init: LayerInit,
): void {
  params[`${name}.w`] = variable(initWeights(rng, inDim * outDim, inDim, init.scheme), [inDim, outDim]);
  if (init.bias !== false)
    params[`${name}.b`] = variable(initBias(rng, outDim, inDim, init.scheme), [outDim]);
}

/** A filter of the given layout and fan-in, plus `name.b` [outC] unless the init says no bias. */
function addFilter(
  params: Params,
  rng: Rng,
  name: string,
  shape: number[],
  fanIn: number,
  outC: number,
  init: LayerInit,
): void {
  const size = shape.reduce((a, b) => a * b, 1);
  params[`${name}.w`] = variable(initWeights(rng, size, fanIn, init.scheme), shape);
  if (init.bias !== false) params[`${name}.b`] = variable(initBias(rng, outC, fanIn, init.scheme), [outC]);
}

/** `name.w` [k, k, in, out] (+ `name.b` [out]): a conv2d filter. */
export function addConv(
  params: Params,
  rng: Rng,
  name: string,
  k: number,
  inC: number,
  outC: number,
  init: LayerInit,
): void {
  addFilter(params, rng, name, [k, k, inC, outC], k * k * inC, outC, init);
}

/** `name.w` [k, k, out, in] (tfjs's conv2dTranspose layout) (+ `name.b` [out]). */
export function addConvTranspose(
  params: Params,
  rng: Rng,
  name: string,
  k: number,
  inC: number,
  outC: number,
  init: LayerInit,
): void {
  addFilter(params, rng, name, [k, k, outC, inC], k * k * outC, outC, init);
}

/** x + b per channel. [N, H, W, C] */
export function addChannelBias(x: tf.Tensor4D, b: tf.Tensor): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.reshape(tf.add(tf.reshape(x, [n * h * w, c]), b), x.shape);
}

/** x W (+ b) for `name`. [N, out] */
export function linear(p: Weights, name: string, x: tf.Tensor2D): tf.Tensor2D {
  const b = p[`${name}.b`];
  return tf.fused.matMul({ a: x, b: p[`${name}.w`] as tf.Tensor2D, bias: b }) as tf.Tensor2D;
}

/** 'same'-padded convolution (k 4, stride 2, pad 1 in PyTorch terms). [N, H/s, W/s, out] */
export function conv(p: Weights, name: string, x: tf.Tensor4D, stride: number): tf.Tensor4D {
  const y = tf.conv2d(x, p[`${name}.w`] as tf.Tensor4D, stride, 'same');
  const b = p[`${name}.b`];
  return b ? addChannelBias(y, b) : y;
}

/** 'same'-padded transposed convolution (k 4, stride 2, pad 1 in PyTorch terms). [N, H*s, W*s, out] */
export function convTranspose(p: Weights, name: string, x: tf.Tensor4D, stride: number): tf.Tensor4D {
  const filter = p[`${name}.w`] as tf.Tensor4D;
  const [n, h, w] = x.shape;
  const y = tf.conv2dTranspose(x, filter, [n, h * stride, w * stride, filter.shape[2]], stride, 'same');
  const b = p[`${name}.b`];
  return b ? addChannelBias(y, b) : y;
}
