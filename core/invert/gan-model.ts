/**
 * A trained image GAN loaded from a checkpoint for inversion and editing: the EMA generator
 * with batch norm folded in (what samples show), D for its features (the perceptual proxy of
 * ALGORITHMS.md §6), the mapping network when there is one, and the layout and statistics of
 * the latent space inversion optimises and sliders move in.
 *
 * The latent is u = [w | one-hot class | InfoGAN codes]: w is mapping(z) with a mapping network
 * (latent space 'w'), else z itself ('z'). Everything here runs in eval mode and never changes
 * the checkpoint's weights.
 */

import { UserError } from '../api/errors';
import { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { sampleInfoCodes } from '../models/conditioning';
import { conv } from '../models/conv-layers';
import { DcganDiscriminator } from '../models/dcgan-discriminator';
import { DcganGenerator } from '../models/dcgan-generator';
import type { ImageShape } from '../models/image-shape';
import { applyMapping } from '../models/mapping';
import { disposeParams, writeParams } from '../models/params';
import { embedSteps } from '../models/t-embedding';
import type { TrainConfig } from '../train/config';
import type { TrainingState } from '../train/trainer';
import { FoldedGenerator } from './folded-generator';

export interface LatentLayout {
  space: 'z' | 'w';
  /** Length of the z / w part, first in u. */
  dim: number;
  numClasses: number;
  infoCategorical: number;
  infoContinuous: number;
  /** Length of u. */
  total: number;
}

export interface LatentStats {
  /** Per-coordinate mean of u over sampled latents (w_avg; 0 for z; 1/K for one-hots). [total] */
  mean: Float32Array;
  /** Per-coordinate standard deviation. [total] */
  std: Float32Array;
  /** sqrt(E||w - w_avg||^2) over the w / z part: StyleGAN's w_std, the scale of latent noise. */
  normStd: number;
}

const LEAKY_SLOPE = 0.2;

/** Copies of D's conv weights; conv0's bias gains W_t emb(0), the bias D adds for clean inputs. */
function cleanFeatureWeights(
  d: DcganDiscriminator,
  tEmbedDim: number,
  blocks: number,
): Record<string, tf.Tensor> {
  return tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    for (let i = 0; i < blocks; i++) {
      out[`conv${i}.w`] = tf.clone(d.params[`conv${i}.w`]);
      out[`conv${i}.b`] = tf.clone(d.params[`conv${i}.b`]);
    }
    if (tEmbedDim) {
      const emb = tf.tensor2d(embedSteps(new Int32Array(1), tEmbedDim), [1, tEmbedDim]);
      const tBias = tf.reshape(tf.matMul(emb, d.params['t.bias'] as tf.Tensor2D), [-1]);
      out['conv0.b'] = tf.add(out['conv0.b'], tBias);
    }
    return out;
  });
}

/** Latents drawn to estimate w's mean and spread (StyleGAN2's projector uses 10,000). */
const STATS_SAMPLES = 10_000;
const STATS_BATCH = 1000;

export class GanModel {
  readonly layout: LatentLayout;
  readonly shape: ImageShape;
  readonly generator: FoldedGenerator;
  private readonly g: DcganGenerator;
  private readonly d: DcganDiscriminator;
  /** D's conv weights with the t = 0 embedding's bias folded into the first block (features.ts). */
  private readonly featureWeights: Record<string, tf.Tensor>;
  private readonly featureBlocks: number;
  private statsCache: LatentStats | null = null;
  private disposed = false;

  /** Refuses (UserError) runs whose checkpoints hold no image generator. */
  static fromCheckpoint(runId: number, config: TrainConfig, state: TrainingState): GanModel {
    if (state.sampleShape?.length !== 3) {
      throw new UserError(
        `run ${runId} is a 2D run (points, not images): inversion and editing need an image run (mnist, shapes, folder)`,
      );
    }
    return new GanModel(config, state);
  }

  private constructor(config: TrainConfig, state: TrainingState) {
    const [height, width, channels] = state.sampleShape;
    this.shape = { height, width, channels } as ImageShape;
    const classes = config.conditional ? state.numClasses : 0;
    const gc = config.generator;
    // Throwaway initial weights: every one is overwritten from the checkpoint below.
    const rng = new Rng(0);
    this.g = new DcganGenerator(rng, {
      zDim: gc.zDim,
      shape: this.shape,
      width: gc.width,
      numClasses: classes,
      infoCategorical: config.infoCategorical,
      infoContinuous: config.infoContinuous,
      mapping: gc.mappingLayers ? { layers: gc.mappingLayers, wDim: gc.zDim } : undefined,
    });
    this.d = new DcganDiscriminator(rng, {
      shape: this.shape,
      width: config.discriminator.width,
      tEmbedDim: config.discriminator.tEmbedDim,
      numClasses: classes,
      infoCategorical: config.infoCategorical,
      infoContinuous: config.infoContinuous,
    });
    try {
      // The EMA weights are what the run's samples show; batch-norm statistics are G's.
      writeParams(this.g.params, state.ema);
      writeParams(this.g.state, state.gState);
      writeParams(this.d.params, state.d);
    } catch (err) {
      this.disposeNets();
      throw err;
    }
    this.generator = new FoldedGenerator(this.g);
    this.featureBlocks = Object.keys(this.d.params).filter((k) => /^conv\d+\.w$/.test(k)).length;
    this.featureWeights = cleanFeatureWeights(this.d, config.discriminator.tEmbedDim, this.featureBlocks);
    this.layout = {
      space: gc.mappingLayers ? 'w' : 'z',
      dim: this.g.wDim,
      numClasses: this.g.numClasses,
      infoCategorical: this.g.infoCategorical,
      infoContinuous: this.g.infoContinuous,
      total: this.g.wDim + this.g.numClasses + this.g.infoDim,
    };
  }

  /** u [N, total] -> images [N, H, W, C] in [-1, 1]. */
  synthesize(u: tf.Tensor2D): tf.Tensor4D {
    return this.generator.synthesize(u);
  }

  /**
   * D's conv-block activations for clean (t = 0) images: the perceptual feature space. The same
   * values as DcganDiscriminator.apply(x, embedding of t = 0).features, without the logit heads
   * and with the t-embedding's constant bias precomputed: fewer ops per projector step.
   */
  features(x: tf.Tensor4D): tf.Tensor4D[] {
    const out: tf.Tensor4D[] = [];
    let h = x;
    for (let i = 0; i < this.featureBlocks; i++) {
      h = tf.leakyRelu(conv(this.featureWeights, `conv${i}`, h, 2), LEAKY_SLOPE);
      out.push(h);
    }
    return out;
  }

  /**
   * n latents u drawn as the trainer draws them (z ~ N(0, I), uniform classes and codes), z
   * mapped to w when there is a mapping network. Host [n, total].
   */
  sampleLatents(n: number, rng: Rng): Float32Array {
    const { dim, numClasses, infoCategorical, infoContinuous, total } = this.layout;
    const zDim = this.g.zDim;
    const out = new Float32Array(n * total);
    const z = rng.fillNormal(new Float32Array(n * zDim));
    let w = z;
    if (this.layout.space === 'w') {
      w = new Float32Array(n * dim);
      for (let start = 0; start < n; start += STATS_BATCH) {
        const b = Math.min(STATS_BATCH, n - start);
        const t = tf.tidy(() =>
          applyMapping(
            this.g.params,
            this.mappingLayers(),
            tf.tensor2d(z.subarray(start * zDim, (start + b) * zDim), [b, zDim]),
          ),
        );
        w.set(t.dataSync(), start * dim);
        t.dispose();
      }
    }
    const codes = sampleInfoCodes(rng, n, infoCategorical, infoContinuous).codes;
    const infoDim = infoCategorical + infoContinuous;
    for (let i = 0; i < n; i++) {
      out.set(w.subarray(i * dim, (i + 1) * dim), i * total);
      if (numClasses) out[i * total + dim + rng.int(numClasses)] = 1;
      if (infoDim) out.set(codes.subarray(i * infoDim, (i + 1) * infoDim), i * total + dim + numClasses);
    }
    return out;
  }

  /** Mean and spread of u: closed form in z, measured over 10,000 draws in w (cached). */
  stats(): LatentStats {
    if (this.statsCache) return this.statsCache;
    const { dim, numClasses, infoCategorical, infoContinuous, total } = this.layout;
    const mean = new Float32Array(total);
    const std = new Float32Array(total).fill(1);
    let normStd = Math.sqrt(dim);
    if (this.layout.space === 'w') {
      const samples = this.sampleLatents(STATS_SAMPLES, new Rng(12345));
      const sum = new Float64Array(dim);
      const sq = new Float64Array(dim);
      for (let i = 0; i < STATS_SAMPLES; i++) {
        for (let j = 0; j < dim; j++) sum[j] += samples[i * total + j];
      }
      for (let j = 0; j < dim; j++) mean[j] = sum[j] / STATS_SAMPLES;
      for (let i = 0; i < STATS_SAMPLES; i++) {
        for (let j = 0; j < dim; j++) sq[j] += (samples[i * total + j] - mean[j]) ** 2;
      }
      let totalVar = 0;
      for (let j = 0; j < dim; j++) {
        std[j] = Math.max(Math.sqrt(sq[j] / STATS_SAMPLES), 1e-6);
        totalVar += sq[j] / STATS_SAMPLES;
      }
      normStd = Math.sqrt(totalVar);
    }
    // A uniform one-hot of K classes: mean 1/K, std sqrt((K - 1)) / K per coordinate.
    const oneHot = (offset: number, k: number) => {
      for (let j = 0; j < k; j++) {
        mean[offset + j] = 1 / k;
        std[offset + j] = Math.sqrt(k - 1) / k;
      }
    };
    if (numClasses) oneHot(dim, numClasses);
    if (infoCategorical) oneHot(dim + numClasses, infoCategorical);
    // Continuous codes are U(-1, 1): mean 0, std 1/sqrt(3).
    for (let j = 0; j < infoContinuous; j++) std[dim + numClasses + infoCategorical + j] = 1 / Math.sqrt(3);
    this.statsCache = { mean, std, normStd };
    return this.statsCache;
  }

  /** Throws a one-line UserError unless `latent` has this model's length. */
  checkLatent(latent: ArrayLike<number>, what = 'latent'): void {
    const { total, space, dim } = this.layout;
    if (latent.length !== total) {
      const parts =
        total === dim ? `${space} of ${dim}` : `${space} of ${dim} plus ${total - dim} class/code values`;
      throw new UserError(
        `${what} has ${latent.length} values but this model's latent has ${total} (${parts})`,
      );
    }
    for (let i = 0; i < latent.length; i++) {
      if (!Number.isFinite(latent[i])) throw new UserError(`${what} value ${i} is not a finite number`);
    }
  }

  /** Images for host latents [n, total], read back. [n, H, W, C] */
  render(latents: Float32Array): Float32Array {
    const n = latents.length / this.layout.total;
    const x = tf.tidy(() => this.synthesize(tf.tensor2d(latents, [n, this.layout.total])));
    const values = x.dataSync() as Float32Array;
    x.dispose();
    return values;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generator.dispose();
    this.disposeNets();
  }

  private mappingLayers(): number {
    return Object.keys(this.g.params).filter((k) => /^map\d+\.w$/.test(k)).length;
  }

  private disposeNets(): void {
    disposeParams(this.g.params);
    disposeParams(this.g.state);
    disposeParams(this.d.params);
    for (const t of Object.values(this.featureWeights ?? {})) t.dispose();
  }
}
