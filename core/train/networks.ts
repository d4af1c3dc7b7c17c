/**
 * G and D as the trainer sees them, whatever the architecture: MLPs for 2D points, DCGAN
 * convolutions for images. Labels (class-conditional) and InfoGAN codes pass through when
 * the config asks for them.
 */
import type { Rng } from '../engine/rng';
import type * as tf from '../engine/tf';
import { DcganDiscriminator } from '../models/dcgan-discriminator';
import { DcganGenerator } from '../models/dcgan-generator';
import type { ImageShape } from '../models/image-shape';
import { MlpDiscriminator, MlpGenerator, type TracedPass } from '../models/mlp';
import type { Params } from '../models/params';
import type { TrainConfig } from './config';

export interface GenerateOptions {
  labels?: tf.Tensor1D;
  codes?: tf.Tensor2D;
  /** Weights to use instead of the live ones (the EMA). */
  params?: Record<string, tf.Tensor>;
  /** Batch statistics and running-statistics updates (training) or running statistics (sampling). */
  training: boolean;
}

export interface GeneratorNet {
  readonly params: Params;
  /** Non-trainable state saved with checkpoints (batch-norm running statistics). */
  readonly state: Params;
  readonly zDim: number;
  /** z [N, zDim] -> samples [N, ...sampleShape] */
  generate(z: tf.Tensor2D, opts: GenerateOptions): tf.Tensor;
  /** The same on the live weights, with a hand-written backward pass (MLPs; no labels or codes). */
  traced?(z: tf.Tensor2D): TracedPass;
}

export interface Judgement {
  logits: tf.Tensor2D;
  qLogits?: tf.Tensor2D;
  qMean?: tf.Tensor2D;
}

export interface DiscriminatorNet {
  readonly params: Params;
  /** y [N, ...sampleShape], t-embedding [N, E] -> logits [N, 1] (+ InfoGAN Q outputs) */
  judge(y: tf.Tensor, tEmbedding: tf.Tensor2D, labels?: tf.Tensor1D): Judgement;
  /** The logits with a hand-written backward pass (MLPs; no labels or Q head). */
  traced?(y: tf.Tensor2D, tEmbedding: tf.Tensor2D): TracedPass;
}

export function buildNetworks(
  config: TrainConfig,
  rng: Rng,
  sampleShape: number[],
  numClasses: number,
): { g: GeneratorNet; d: DiscriminatorNet } {
  const { generator: gc, discriminator: dc } = config;
  if (sampleShape.length === 1) {
    const mlpG = new MlpGenerator(rng, gc.zDim, gc.width, gc.depth, sampleShape[0]);
    const mlpD = new MlpDiscriminator(rng, sampleShape[0], dc.tEmbedDim, dc.width, dc.depth);
    return {
      g: {
        params: mlpG.params,
        state: {},
        zDim: gc.zDim,
        generate: (z, opts) => mlpG.apply(z, opts.params),
        traced: (z) => mlpG.traced(z),
      },
      d: {
        params: mlpD.params,
        judge: (y, emb) => ({ logits: mlpD.apply(y as tf.Tensor2D, emb) }),
        traced: (y, emb) => mlpD.traced(y, emb),
      },
    };
  }
  const shape: ImageShape = {
    height: sampleShape[0] as ImageShape['height'],
    width: sampleShape[1] as ImageShape['width'],
    channels: sampleShape[2] as ImageShape['channels'],
  };
  const classes = config.conditional ? numClasses : 0;
  const convG = new DcganGenerator(rng, {
    zDim: gc.zDim,
    shape,
    width: gc.width,
    numClasses: classes,
    infoCategorical: config.infoCategorical,
    infoContinuous: config.infoContinuous,
    mapping: gc.mappingLayers ? { layers: gc.mappingLayers, wDim: gc.zDim } : undefined,
  });
  const convD = new DcganDiscriminator(rng, {
    shape,
    width: dc.width,
    tEmbedDim: dc.tEmbedDim,
    numClasses: classes,
    infoCategorical: config.infoCategorical,
    infoContinuous: config.infoContinuous,
  });
  return {
    g: {
      params: convG.params,
      state: convG.state,
      zDim: gc.zDim,
      generate: (z, opts) =>
        convG.apply(z, {
          labels: opts.labels,
          codes: opts.codes,
          params: opts.params,
          training: opts.training,
        }),
    },
    d: {
      params: convD.params,
      judge: (y, emb, labels) => {
        const out = convD.apply(y as tf.Tensor4D, emb, { labels });
        return { logits: out.logits, qLogits: out.qLogits, qMean: out.qMean };
      },
    },
  };
}
