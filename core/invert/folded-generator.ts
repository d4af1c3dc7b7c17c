/**
 * G's synthesis layers for inference only (inversion, edits, interpolation): eval-mode batch
 * norm is an affine map per channel, so it is folded into the layer before it once, when the
 * model is loaded. A forward is then dense -> act -> (transposed conv + bias -> act)... -> tanh,
 * with no normalisation ops and no running-statistics bookkeeping: what a slider edit costs.
 *
 * Input: the full latent u = [w | one-hot class | InfoGAN codes] [N, inDim]. These parts enter
 * G's first layer through stacked weight rows (dcgan-generator.ts), so one matrix product over u
 * is exactly G's first layer, and class labels and codes become ordinary latent coordinates that
 * inversion can optimise and sliders can move.
 */

import * as tf from '../engine/tf';
import { BN_EPSILON } from '../models/batch-norm';
import { addChannelBias, type Weights } from '../models/conv-layers';
import type { DcganGenerator } from '../models/dcgan-generator';
import { type ImageShape, ladderOf } from '../models/image-shape';

const LEAKY_SLOPE = 0.2;

export class FoldedGenerator {
  readonly shape: ImageShape;
  /** Length of the full latent u. */
  readonly inDim: number;
  /** Side and channels of the first feature map (after the dense layer). */
  readonly base: number;
  readonly baseChannels: number;
  private readonly leaky: boolean;
  /** Kept tensors, owned by this object. */
  private readonly fcW: tf.Tensor2D; // [inDim, base*base*C0]
  private readonly fcB: tf.Tensor1D; // [base*base*C0]
  private readonly ups: { w: tf.Tensor4D; b: tf.Tensor1D }[];
  private readonly outW: tf.Tensor4D;
  private readonly outB: tf.Tensor1D;
  private disposed = false;

  /**
   * Folds `gen`'s batch-norm running statistics into `weights` (G's own params, or the EMA
   * weights of the same names). The result owns copies: `gen` may be disposed afterwards.
   */
  constructor(gen: DcganGenerator, weights: Weights = gen.params) {
    this.shape = gen.shape;
    this.leaky = gen.leaky;
    const { base, steps } = ladderOf(gen.shape);
    this.base = base;
    const folded = tf.tidy(() => {
      const affine = (name: string) => {
        const scale = tf.mul(
          weights[`${name}.gamma`],
          tf.rsqrt(tf.add(gen.state[`${name}.var`], BN_EPSILON)),
        );
        const shift = tf.sub(weights[`${name}.beta`], tf.mul(gen.state[`${name}.mean`], scale));
        return { scale: scale as tf.Tensor1D, shift: shift as tf.Tensor1D };
      };
      const rows = [weights['fc.w']];
      if (gen.numClasses) rows.push(weights['fc.label']);
      if (gen.infoDim) rows.push(weights['fc.code']);
      const fc = (rows.length > 1 ? tf.concat(rows, 0) : rows[0]) as tf.Tensor2D; // [inDim, base*base*C0]
      const c0 = fc.shape[1] / (base * base);
      const bn0 = affine('bn0');
      const fcW = tf.reshape(tf.mul(tf.reshape(fc, [fc.shape[0], base * base, c0]), bn0.scale), fc.shape);
      // Columns are (row, col, channel) with the channel fastest, as the reshape to NHWC reads them.
      const fcB = tf.tile(bn0.shift, [base * base]);
      const ups: { w: tf.Tensor4D; b: tf.Tensor1D }[] = [];
      for (let i = 1; i < steps; i++) {
        const bn = affine(`bn${i}`);
        const w = weights[`up${i}.w`] as tf.Tensor4D; // [k, k, out, in]
        ups.push({ w: tf.mul(w, tf.reshape(bn.scale, [1, 1, -1, 1])) as tf.Tensor4D, b: bn.shift });
      }
      return {
        fcW: fcW as tf.Tensor2D,
        fcB: fcB as tf.Tensor1D,
        c0,
        ups,
        outW: tf.clone(weights['out.w']) as tf.Tensor4D,
        outB: tf.clone(weights['out.b']) as tf.Tensor1D,
      };
    });
    this.fcW = folded.fcW;
    this.fcB = folded.fcB;
    this.baseChannels = folded.c0;
    this.ups = folded.ups;
    this.outW = folded.outW;
    this.outB = folded.outB;
    this.inDim = this.fcW.shape[0];
  }

  /** u [N, inDim] -> images [N, H, W, C] in [-1, 1]; differentiable in u. */
  synthesize(u: tf.Tensor2D): tf.Tensor4D {
    this.checkAlive();
    tf.util.assert(
      u.rank === 2 && u.shape[1] === this.inDim,
      () => `the generator expects latents of shape [N, ${this.inDim}], got [${u.shape}]`,
    );
    let h = this.firstLayer(u);
    for (const up of this.ups) h = this.activate(addChannelBias(this.convT(h, up.w), up.b));
    return tf.tanh(addChannelBias(this.convT(h, this.outW), this.outB));
  }

  /** The first feature map after its (folded) batch norm and activation. [N, base, base, C0] */
  firstLayer(u: tf.Tensor2D): tf.Tensor4D {
    const n = u.shape[0];
    const fc = tf.fused.matMul({
      a: u,
      b: this.fcW,
      bias: this.fcB,
      activation: this.leaky ? 'leakyrelu' : 'relu',
      leakyreluAlpha: LEAKY_SLOPE,
    });
    return tf.reshape(fc, [n, this.base, this.base, this.baseChannels]);
  }

  /** Host copy of the folded first-layer matrix [inDim, base*base*C0] (SeFa reads it). */
  firstWeight(): Float32Array {
    this.checkAlive();
    return this.fcW.dataSync() as Float32Array;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of [this.fcW, this.fcB, this.outW, this.outB, ...this.ups.flatMap((u) => [u.w, u.b])]) {
      t.dispose();
    }
  }

  private convT(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w] = x.shape;
    return tf.conv2dTranspose(x, filter, [n, h * 2, w * 2, filter.shape[2]], 2, 'same');
  }

  private activate(h: tf.Tensor4D): tf.Tensor4D {
    return this.leaky ? tf.leakyRelu(h, LEAKY_SLOPE) : tf.relu(h);
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('this generator has been disposed');
  }
}
