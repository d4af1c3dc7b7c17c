/**
 * MLP generator and t-conditioned discriminator for 2D data, as in the Diffusion-GAN toy:
 * hidden layers of `width` units with LeakyReLU(0.2).
 */

import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { addDense, dense, denseInit, newVariable, type Params } from './params';

const LEAKY_SLOPE = 0.2;

export interface MlpShape {
  inDim: number;
  width: number;
  depth: number;
  outDim: number;
}

export function buildMlpParams(rng: Rng, shape: MlpShape): Params {
  const params: Params = {};
  let inDim = shape.inDim;
  for (let i = 0; i < shape.depth; i++) {
    addDense(params, rng, `h${i}`, inDim, shape.width);
    inDim = shape.width;
  }
  addDense(params, rng, 'out', inDim, shape.outDim);
  return params;
}

function runMlp(params: Record<string, tf.Tensor>, depth: number, x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  for (let i = 0; i < depth; i++) h = tf.leakyRelu(dense(params, `h${i}`, h), LEAKY_SLOPE);
  return dense(params, 'out', h);
}

/** G: z [N, zDim] -> x [N, dataDim]. */
export class MlpGenerator {
  readonly params: Params;

  constructor(
    rng: Rng,
    readonly zDim: number,
    readonly width: number,
    readonly depth: number,
    readonly dataDim: number,
  ) {
    this.params = buildMlpParams(rng, { inDim: zDim, width, depth, outDim: dataDim });
  }

  apply(z: tf.Tensor2D, params: Record<string, tf.Tensor> = this.params): tf.Tensor2D {
    tf.util.assert(
      z.rank === 2 && z.shape[1] === this.zDim,
      () => `G expects z of shape [N, ${this.zDim}], got [${z.shape}]`,
    );
    return runMlp(params, this.depth, z);
  }
}

/**
 * D: (y [N, dataDim], t-embedding [N, E]) -> logit [N, 1]. The first layer is
 * y W_y + emb W_t + b, the same as a dense layer on [y, emb] but without a concat along
 * features (slow on wasm), and the t path carries no gradient to G.
 */
export class MlpDiscriminator {
  readonly params: Params;

  constructor(
    rng: Rng,
    readonly dataDim: number,
    readonly tEmbedDim: number,
    readonly width: number,
    readonly depth: number,
  ) {
    const params: Params = {};
    // Initialised as one dense layer over dataDim + E inputs, then split by rows.
    const { w, b } = denseInit(rng, dataDim + tEmbedDim, width);
    params['h0.w'] = newVariable(() => tf.tensor2d(w.subarray(0, dataDim * width), [dataDim, width]));
    params['h0.t'] = newVariable(() => tf.tensor2d(w.subarray(dataDim * width), [tEmbedDim, width]));
    params['h0.b'] = newVariable(() => tf.tensor1d(b));
    for (let i = 1; i < depth; i++) addDense(params, rng, `h${i}`, width, width);
    addDense(params, rng, 'out', width, 1);
    this.params = params;
  }

  apply(y: tf.Tensor2D, tEmbedding: tf.Tensor2D): tf.Tensor2D {
    tf.util.assert(
      y.rank === 2 && y.shape[1] === this.dataDim,
      () => `D expects y of shape [N, ${this.dataDim}], got [${y.shape}]`,
    );
    tf.util.assert(
      tEmbedding.shape[0] === y.shape[0] && tEmbedding.shape[1] === this.tEmbedDim,
      () => `D expects a t-embedding of shape [${y.shape[0]}, ${this.tEmbedDim}], got [${tEmbedding.shape}]`,
    );
    const p = this.params;
    const t = tf.add(tf.matMul(tEmbedding, p['h0.t'] as tf.Tensor2D), p['h0.b']);
    let h = tf.leakyRelu(tf.add(tf.matMul(y, p['h0.w'] as tf.Tensor2D), t), LEAKY_SLOPE) as tf.Tensor2D;
    for (let i = 1; i < this.depth; i++) h = tf.leakyRelu(dense(p, `h${i}`, h), LEAKY_SLOPE);
    return dense(p, 'out', h);
  }
}
