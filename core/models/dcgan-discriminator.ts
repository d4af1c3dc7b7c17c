/**
 * DCGAN discriminator, conditioned on the diffusion step t (ALGORITHMS.md §1, §3):
 *
 *   y [N, H, W, C] -> steps x [conv 4x4 stride 2, LeakyReLU(0.2)], channels width, 2 width, ...
 *   -> flatten: phi [N, F] -> logit = phi . w + b + <v, phi>,  v = W_t emb(t) (+ E[label])
 *
 * mirroring G's ladder (28 -> 7, 32 -> 8, 64 -> 4). No batch norm, so each logit depends on its
 * own input only, as WGAN-GP and R1 require.
 *
 * t enters twice: (1) a learned projection of the t-embedding gives per-channel biases added
 * after the first conv, before its activation, so the features adapt to the noise level where
 * the noise is most visible; (2) a projection head adds <W_t emb(t), phi> to the logit, as the
 * official Diffusion-GAN code conditions StyleGAN2's D. Class labels use the same head (the
 * projection discriminator of Miyato & Koyama 2018): logit += <E[label], phi>.
 *
 * InfoGAN: Q shares the conv body and reads phi through one hidden layer (LeakyReLU), giving
 * categorical logits and continuous means (see infoLoss in conditioning.ts).
 */

import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { assertLabels, oneHotLabels } from './conditioning';
import { addConv, addLinear, conv, type InitScheme, initWeights, linear, type Weights } from './conv-layers';
import { assertImageShape, type ImageShape, ladderOf } from './image-shape';
import { newVariable, type Params } from './params';

const LEAKY_SLOPE = 0.2;
const KERNEL = 4;
/** Hidden units of the InfoGAN Q head (InfoGAN's own choice for MNIST). */
export const Q_HIDDEN = 128;

export interface DcganDiscriminatorOptions {
  shape: ImageShape;
  /** Channels of the first conv block; doubled per block. */
  width: number;
  /** Size of the sinusoidal t-embedding it is given (t-embedding.ts); 0 = not t-conditioned. */
  tEmbedDim: number;
  /** Class-conditional (projection) when > 0. */
  numClasses?: number;
  /** InfoGAN categorical code size, 0 = off. */
  infoCategorical?: number;
  /** InfoGAN continuous codes, 0 = off. */
  infoContinuous?: number;
  /** Weight initialisation (conv-layers.ts); default 'dcgan', N(0, 0.02). */
  init?: InitScheme;
}

export interface DiscriminatorOutput {
  /** [N, 1] */
  logits: tf.Tensor2D;
  /** Q's categorical logits (InfoGAN). [N, infoCategorical] */
  qLogits?: tf.Tensor2D;
  /** Q's continuous means (InfoGAN). [N, infoContinuous] */
  qMean?: tf.Tensor2D;
  /** Each conv block's activations, for feature-matching or perceptual losses. [N, h, w, c] each */
  features: tf.Tensor4D[];
}

export class DcganDiscriminator {
  readonly params: Params = {};
  readonly shape: ImageShape;
  readonly width: number;
  readonly tEmbedDim: number;
  readonly numClasses: number;
  readonly infoCategorical: number;
  readonly infoContinuous: number;
  /** Length of the flattened last feature map. */
  readonly featureDim: number;
  private readonly steps: number;

  constructor(rng: Rng, opts: DcganDiscriminatorOptions) {
    assertImageShape(opts.shape);
    for (const [key, value, min] of [
      ['width', opts.width, 1],
      ['tEmbedDim', opts.tEmbedDim, 0],
      ['numClasses', opts.numClasses ?? 0, 0],
      ['infoCategorical', opts.infoCategorical ?? 0, 0],
      ['infoContinuous', opts.infoContinuous ?? 0, 0],
    ] as const) {
      if (!Number.isInteger(value) || value < min) {
        throw new Error(`discriminator ${key} must be an integer >= ${min}, got ${value}`);
      }
    }
    this.shape = opts.shape;
    this.width = opts.width;
    this.tEmbedDim = opts.tEmbedDim;
    this.numClasses = opts.numClasses ?? 0;
    this.infoCategorical = opts.infoCategorical ?? 0;
    this.infoContinuous = opts.infoContinuous ?? 0;
    const scheme = opts.init ?? 'dcgan';
    const { base, steps } = ladderOf(opts.shape);
    this.steps = steps;

    let channels: number = opts.shape.channels;
    for (let i = 0; i < steps; i++) {
      const out = opts.width * 2 ** i;
      addConv(this.params, rng, `conv${i}`, KERNEL, channels, out, { scheme });
      channels = out;
    }
    const f = base * base * channels;
    this.featureDim = f;
    addLinear(this.params, rng, 'out', f, 1, { scheme });
    const addMatrix = (name: string, rows: number, cols: number, fanIn: number) => {
      this.params[name] = newVariable(() =>
        tf.tensor2d(initWeights(rng, rows * cols, fanIn, scheme), [rows, cols]),
      );
    };
    if (this.tEmbedDim) {
      // No biases: conv0's bias and the `out` bias already provide them.
      addMatrix('t.bias', this.tEmbedDim, opts.width, this.tEmbedDim);
      addMatrix('t.proj', this.tEmbedDim, f, this.tEmbedDim);
    }
    if (this.numClasses) addMatrix('label.proj', this.numClasses, f, f);
    if (this.infoCategorical || this.infoContinuous) {
      addLinear(this.params, rng, 'q.hidden', f, Q_HIDDEN, { scheme });
      if (this.infoCategorical)
        addLinear(this.params, rng, 'q.cat', Q_HIDDEN, this.infoCategorical, { scheme });
      if (this.infoContinuous)
        addLinear(this.params, rng, 'q.cont', Q_HIDDEN, this.infoContinuous, { scheme });
    }
  }

  /** y [N, H, W, C] (diffused images), t-embedding [N, E] -> logits [N, 1] (+ Q outputs, features). */
  apply(
    y: tf.Tensor4D,
    tEmbedding: tf.Tensor2D,
    opts: { labels?: tf.Tensor1D; params?: Weights } = {},
  ): DiscriminatorOutput {
    const { height, width, channels } = this.shape;
    tf.util.assert(
      y.rank === 4 && y.shape[1] === height && y.shape[2] === width && y.shape[3] === channels,
      () => `D expects y of shape [N, ${height}, ${width}, ${channels}], got [${y.shape}]`,
    );
    const n = y.shape[0];
    tf.util.assert(
      tEmbedding.rank === 2 && tEmbedding.shape[0] === n && tEmbedding.shape[1] === this.tEmbedDim,
      () => `D expects a t-embedding of shape [${n}, ${this.tEmbedDim}], got [${tEmbedding.shape}]`,
    );
    const p = opts.params ?? this.params;

    const features: tf.Tensor4D[] = [];
    let h = y;
    for (let i = 0; i < this.steps; i++) {
      h = conv(p, `conv${i}`, h, 2); // [N, H / 2^(i+1), W / 2^(i+1), width 2^i]
      if (i === 0 && this.tEmbedDim) {
        const bias = tf.matMul(tEmbedding, p['t.bias'] as tf.Tensor2D); // [N, width]
        h = tf.add(h, tf.reshape(bias, [n, 1, 1, this.width]));
      }
      h = tf.leakyRelu(h, LEAKY_SLOPE);
      features.push(h);
    }
    const phi = tf.reshape(h, [n, this.featureDim]) as tf.Tensor2D; // [N, F]

    let logits = linear(p, 'out', phi); // [N, 1]
    let v: tf.Tensor2D | null = null; // [N, F]: the projection head's conditioning vector
    if (this.tEmbedDim) v = tf.matMul(tEmbedding, p['t.proj'] as tf.Tensor2D) as tf.Tensor2D;
    if (this.numClasses) {
      assertLabels(opts.labels, n, this.numClasses, 'D');
      const e: tf.Tensor2D = tf.matMul(
        oneHotLabels(opts.labels!, this.numClasses),
        p['label.proj'] as tf.Tensor2D,
      );
      v = v ? (tf.add(v, e) as tf.Tensor2D) : e;
    }
    if (v) logits = tf.add(logits, tf.sum(tf.mul(phi, v), 1, true)) as tf.Tensor2D;

    const out: DiscriminatorOutput = { logits, features };
    if (this.infoCategorical || this.infoContinuous) {
      const q = tf.leakyRelu(linear(p, 'q.hidden', phi), LEAKY_SLOPE);
      if (this.infoCategorical) out.qLogits = linear(p, 'q.cat', q);
      if (this.infoContinuous) out.qMean = linear(p, 'q.cont', q);
    }
    return out;
  }
}
