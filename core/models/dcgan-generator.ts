/**
 * DCGAN generator (Radford et al. 2016; ALGORITHMS.md §3) for 28, 32 and 64 pixel images:
 *
 *   [w | one-hot label | InfoGAN codes] -> dense -> base x base x (2^(steps-1) width), BN, act
 *   -> (steps - 1) x [transposed conv 4x4 stride 2, channels halved, BN, act]
 *   -> transposed conv 4x4 stride 2 to C channels -> tanh
 *
 * with base/steps 7/2 for 28, 8/2 for 32, 4/4 for 64 (image-shape.ts), so `width` is the channel
 * count of the last hidden block. w is z itself, or mapping(z) with a mapping network.
 *
 * The one-hot label and the codes enter the first dense layer through their own weight rows: the
 * same function as concatenating them to z, without a concat along features (slow on wasm).
 *
 * Batch norm: `training` (default true, like a PyTorch module) normalises with the batch's
 * statistics and updates the running ones in `state`; pass `training: false` for samples and
 * inversion. The running statistics are shared by whatever weights `params` overrides with (the
 * EMA of G samples with G's statistics, as StyleGAN2-ADA copies G's buffers into G_ema).
 */

import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { addBatchNorm, batchNorm } from './batch-norm';
import { assertCodes, assertLabels, oneHotLabels } from './conditioning';
import { addConvTranspose, convTranspose, type InitScheme, initWeights, type Weights } from './conv-layers';
import { type ImageShape, type Ladder, ladderOf } from './image-shape';
import { addMapping, applyMapping, type MappingShape } from './mapping';
import { newVariable, type Params } from './params';

/** Channels of G's last hidden block when a config does not say: DCGAN's ngf. */
export const DCGAN_DEFAULT_WIDTH = 64;
const LEAKY_SLOPE = 0.2;
const KERNEL = 4;

export interface DcganGeneratorOptions {
  zDim: number;
  shape: ImageShape;
  /** Channels of the last hidden block; doubled per upsampling block going back. */
  width: number;
  /** Class-conditional when > 0: labels [N] select a row of the first layer (one-hot input). */
  numClasses?: number;
  /** InfoGAN categorical code size (one-hot), 0 = off. */
  infoCategorical?: number;
  /** InfoGAN continuous codes, 0 = off. */
  infoContinuous?: number;
  /** Optional mapping network z -> w in front of the synthesis layers. */
  mapping?: MappingShape;
  /** Hidden activation: 'relu' as in DCGAN (default), or LeakyReLU(0.2). */
  activation?: 'relu' | 'leaky-relu';
  /** Weight initialisation (conv-layers.ts); default 'dcgan', N(0, 0.02). */
  init?: InitScheme;
}

export interface GeneratorApplyOptions {
  /** Class of each sample, int32. [N] */
  labels?: tf.Tensor1D;
  /** InfoGAN codes, one-hot categorical then continuous. [N, infoCategorical + infoContinuous] */
  codes?: tf.Tensor2D;
  /** Weights to use instead of `params` (same names), e.g. the EMA of G. */
  params?: Weights;
  /** Batch statistics (true, the default) or running statistics (false) in batch norm. */
  training?: boolean;
  /** Move the running statistics towards the batch's; defaults to `training`. */
  updateStats?: boolean;
}

export class DcganGenerator {
  /** Trainable weights. */
  readonly params: Params = {};
  /** Non-trainable batch-norm running statistics: checkpoint them with `params`. */
  readonly state: Params = {};
  readonly zDim: number;
  /** Input width of the synthesis layers: wDim with a mapping network, else zDim. */
  readonly wDim: number;
  readonly numClasses: number;
  readonly infoCategorical: number;
  readonly infoContinuous: number;
  /** infoCategorical + infoContinuous. */
  readonly infoDim: number;
  /** Everything G draws per sample besides the label: z then the codes. */
  readonly latentDim: number;
  readonly shape: ImageShape;
  readonly width: number;
  private readonly ladder: Ladder;
  private readonly mappingLayers: number;
  /** LeakyReLU(0.2) instead of ReLU between layers (lean inference paths must match it). */
  readonly leaky: boolean;

  constructor(rng: Rng, opts: DcganGeneratorOptions) {
    const { zDim, shape, width } = opts;
    this.ladder = ladderOf(shape);
    for (const [key, value, min] of [
      ['zDim', zDim, 1],
      ['width', width, 1],
      ['numClasses', opts.numClasses ?? 0, 0],
      ['infoCategorical', opts.infoCategorical ?? 0, 0],
      ['infoContinuous', opts.infoContinuous ?? 0, 0],
    ] as const) {
      if (!Number.isInteger(value) || value < min) {
        throw new Error(`generator ${key} must be an integer >= ${min}, got ${value}`);
      }
    }
    this.zDim = zDim;
    this.shape = shape;
    this.width = width;
    this.numClasses = opts.numClasses ?? 0;
    this.infoCategorical = opts.infoCategorical ?? 0;
    this.infoContinuous = opts.infoContinuous ?? 0;
    this.infoDim = this.infoCategorical + this.infoContinuous;
    this.latentDim = zDim + this.infoDim;
    this.mappingLayers = opts.mapping?.layers ?? 0;
    this.wDim = opts.mapping ? opts.mapping.wDim : zDim;
    this.leaky = opts.activation === 'leaky-relu';
    const scheme = opts.init ?? 'dcgan';

    if (opts.mapping) addMapping(this.params, rng, zDim, opts.mapping);
    // The first layer is one dense layer over [w, one-hot, codes] (no bias: batch norm follows),
    // drawn whole and split by rows.
    const { base, steps } = this.ladder;
    const ch0 = width * 2 ** (steps - 1);
    const out0 = base * base * ch0;
    const inDim = this.wDim + this.numClasses + this.infoDim;
    const w = initWeights(rng, inDim * out0, inDim, scheme);
    const rows = (name: string, from: number, count: number) => {
      this.params[name] = newVariable(() =>
        tf.tensor2d(w.subarray(from * out0, (from + count) * out0), [count, out0]),
      );
    };
    rows('fc.w', 0, this.wDim);
    if (this.numClasses) rows('fc.label', this.wDim, this.numClasses);
    if (this.infoDim) rows('fc.code', this.wDim + this.numClasses, this.infoDim);
    addBatchNorm(this.params, this.state, rng, 'bn0', ch0, scheme);
    let channels = ch0;
    for (let i = 1; i < steps; i++) {
      addConvTranspose(this.params, rng, `up${i}`, KERNEL, channels, channels / 2, { scheme, bias: false });
      addBatchNorm(this.params, this.state, rng, `bn${i}`, channels / 2, scheme);
      channels /= 2;
    }
    addConvTranspose(this.params, rng, 'out', KERNEL, channels, shape.channels, { scheme });
  }

  /** z [N, zDim] -> images [N, H, W, C] in [-1, 1]. */
  apply(z: tf.Tensor2D, opts: GeneratorApplyOptions = {}): tf.Tensor4D {
    return this.synthesize(this.mapping(z, opts), opts);
  }

  /** w = mapping(z) with a mapping network, else z itself (a new handle). [N, wDim] */
  mapping(z: tf.Tensor2D, opts: { params?: Weights } = {}): tf.Tensor2D {
    tf.util.assert(
      z.rank === 2 && z.shape[1] === this.zDim,
      () => `G expects z of shape [N, ${this.zDim}], got [${z.shape}]`,
    );
    if (!this.mappingLayers) return tf.clone(z);
    return applyMapping(opts.params ?? this.params, this.mappingLayers, z);
  }

  /** w [N, wDim] (+ labels, codes) -> images [N, H, W, C] in [-1, 1]. */
  synthesize(w: tf.Tensor2D, opts: GeneratorApplyOptions = {}): tf.Tensor4D {
    tf.util.assert(
      w.rank === 2 && w.shape[1] === this.wDim,
      () => `G's synthesis expects w of shape [N, ${this.wDim}], got [${w.shape}]`,
    );
    const n = w.shape[0];
    const p = opts.params ?? this.params;
    const training = opts.training ?? true;
    const mode = { training, update: opts.updateStats ?? training };
    const { base, steps } = this.ladder;

    let fc = tf.matMul(w, p['fc.w'] as tf.Tensor2D); // [N, base*base*C0]
    if (this.numClasses) {
      assertLabels(opts.labels, n, this.numClasses, 'G');
      fc = tf.add(fc, tf.matMul(oneHotLabels(opts.labels!, this.numClasses), p['fc.label'] as tf.Tensor2D));
    }
    if (this.infoDim) {
      assertCodes(opts.codes, n, this.infoDim, 'G');
      fc = tf.add(fc, tf.matMul(opts.codes!, p['fc.code'] as tf.Tensor2D));
    }
    let h = tf.reshape(fc, [n, base, base, -1]) as tf.Tensor4D; // [N, base, base, C0]
    h = this.activate(batchNorm(h, p, this.state, 'bn0', mode));
    for (let i = 1; i < steps; i++) {
      h = this.activate(batchNorm(convTranspose(p, `up${i}`, h, 2), p, this.state, `bn${i}`, mode));
    }
    const x = tf.tanh(convTranspose(p, 'out', h, 2)); // [N, H, W, C]
    const { height, width, channels } = this.shape;
    tf.util.assert(
      tf.util.arraysEqual(x.shape, [n, height, width, channels]),
      () => `G produced [${x.shape}], expected [${[n, height, width, channels]}]`,
    );
    return x;
  }

  private activate(h: tf.Tensor4D): tf.Tensor4D {
    return this.leaky ? tf.leakyRelu(h, LEAKY_SLOPE) : tf.relu(h);
  }
}
