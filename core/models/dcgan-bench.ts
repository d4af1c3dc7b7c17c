/**
 * The fixed DCGAN pair the benchmark times (one D step + one G step, non-saturating loss, Adam,
 * batch 64, 28x28x1). It is frozen so timings stay comparable across versions; the trained models
 * are DcganGenerator / DcganDiscriminator.
 *
 *   G: z [N, 64] -> dense 7*7*64, LeakyReLU -> transposed conv 4x4 s2 to 32, LeakyReLU
 *      -> transposed conv 4x4 s2 to 1, tanh -> [N, 28, 28, 1]
 *   D: x [N, 28, 28, 1] -> conv 4x4 s2 to 32, LeakyReLU -> conv 4x4 s2 to 64, LeakyReLU
 *      -> flatten -> dense 1 -> [N, 1]
 *
 * Weights: DCGAN's N(0, 0.02), zero biases.
 */

import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import {
  addConv,
  addConvTranspose,
  addLinear,
  conv,
  convTranspose,
  linear,
  type Weights,
} from './conv-layers';
import type { Params } from './params';

const LEAKY_SLOPE = 0.2;

export interface DcganBenchNets {
  zDim: 64;
  imageShape: [28, 28, 1];
  gParams: Params;
  dParams: Params;
  /** z [N, 64] -> images [N, 28, 28, 1] in [-1, 1]. */
  generate(params: Weights, z: tf.Tensor2D): tf.Tensor4D;
  /** images [N, 28, 28, 1] -> logits [N, 1]. */
  discriminate(params: Weights, x: tf.Tensor4D): tf.Tensor2D;
}

export function dcganBenchNets(rng: Rng): DcganBenchNets {
  const init = { scheme: 'dcgan' } as const;
  const gParams: Params = {};
  addLinear(gParams, rng, 'fc', 64, 7 * 7 * 64, init);
  addConvTranspose(gParams, rng, 'up1', 4, 64, 32, init);
  addConvTranspose(gParams, rng, 'out', 4, 32, 1, init);
  const dParams: Params = {};
  addConv(dParams, rng, 'conv0', 4, 1, 32, init);
  addConv(dParams, rng, 'conv1', 4, 32, 64, init);
  addLinear(dParams, rng, 'out', 7 * 7 * 64, 1, init);

  return {
    zDim: 64,
    imageShape: [28, 28, 1],
    gParams,
    dParams,
    generate(p, z) {
      const n = z.shape[0];
      tf.util.assert(z.rank === 2 && z.shape[1] === 64, () => `bench G expects z [N, 64], got [${z.shape}]`);
      let h = tf.reshape(tf.leakyRelu(linear(p, 'fc', z), LEAKY_SLOPE), [n, 7, 7, 64]) as tf.Tensor4D;
      h = tf.leakyRelu(convTranspose(p, 'up1', h, 2), LEAKY_SLOPE); // [N, 14, 14, 32]
      return tf.tanh(convTranspose(p, 'out', h, 2)); // [N, 28, 28, 1]
    },
    discriminate(p, x) {
      const n = x.shape[0];
      tf.util.assert(
        x.rank === 4 && x.shape[1] === 28 && x.shape[2] === 28 && x.shape[3] === 1,
        () => `bench D expects x [N, 28, 28, 1], got [${x.shape}]`,
      );
      let h = tf.leakyRelu(conv(p, 'conv0', x, 2), LEAKY_SLOPE); // [N, 14, 14, 32]
      h = tf.leakyRelu(conv(p, 'conv1', h, 2), LEAKY_SLOPE); // [N, 7, 7, 64]
      return linear(p, 'out', tf.reshape(h, [n, 7 * 7 * 64]) as tf.Tensor2D);
    },
  };
}
