/**
 * An inversion encoder E: image -> latent u for one checkpoint's G (ALGORITHMS.md §6), trained
 * with G frozen on G's own samples: the latent loss ||(E(G(u)) - u) / std||^2 teaches where each
 * image came from, the reconstruction loss ||G(E(x)) - x||^2 what matters in the picture. Its
 * guess starts the projector ('hybrid' inversion), which then needs fewer steps.
 *
 *   x [N, H, W, C] -> steps x [conv 4x4 stride 2, LeakyReLU(0.2)], channels width, 2 width, ...
 *   -> flatten -> dense -> u [N, total]
 */

import { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { addConv, addLinear, conv, linear } from '../models/conv-layers';
import { ladderOf } from '../models/image-shape';
import { disposeParams, type Params, readParams, writeParams } from '../models/params';
import { Adam } from '../train/adam';
import { decodeState, encodeState } from '../train/state-codec';
import type { GanModel } from './gan-model';
import { AbortError } from './projector';

const FORMAT = 'gan-studio-encoder';
const FORMAT_VERSION = 1;
const LEAKY_SLOPE = 0.2;

export interface EncoderTrainOptions {
  steps: number;
  batch?: number;
  lr?: number;
  /** Channels of the first conv block. */
  width?: number;
  latentWeight?: number;
  reconstructionWeight?: number;
  seed?: number;
  onProgress?(p: { step: number; steps: number; loss: number }): void;
  signal?: AbortSignal;
}

export const ENCODER_DEFAULTS = {
  batch: 32,
  lr: 1e-3,
  width: 32,
  latentWeight: 1,
  reconstructionWeight: 1,
} as const;

interface SavedEncoder {
  format: string;
  version: number;
  width: number;
  total: number;
  shape: number[];
  steps: number;
  loss: number;
  weights: Record<string, { shape: number[]; data: Float32Array }>;
}

export class Encoder {
  readonly params: Params = {};
  private readonly blocks: number;
  private disposed = false;

  private constructor(
    private readonly model: GanModel,
    readonly width: number,
    rng: Rng,
  ) {
    const { channels } = model.shape;
    const { base, steps } = ladderOf(model.shape);
    this.blocks = steps;
    let inC: number = channels;
    for (let i = 0; i < steps; i++) {
      const out = width * 2 ** i;
      addConv(this.params, rng, `conv${i}`, 4, inC, out, { scheme: 'pytorch' });
      inC = out;
    }
    addLinear(this.params, rng, 'out', base * base * inC, model.layout.total, { scheme: 'pytorch' });
  }

  /** Trains a new encoder for `model` (frozen). Throws AbortError if the signal fires. */
  static train(model: GanModel, opts: EncoderTrainOptions): { encoder: Encoder; loss: number } {
    const rng = new Rng(opts.seed ?? 7);
    const encoder = new Encoder(model, opts.width ?? ENCODER_DEFAULTS.width, rng);
    try {
      const loss = encoder.fit(opts, rng);
      return { encoder, loss };
    } catch (err) {
      encoder.dispose();
      throw err;
    }
  }

  static deserialize(bytes: Uint8Array, model: GanModel): Encoder {
    const saved = decodeState<SavedEncoder>(bytes);
    if (saved?.format !== FORMAT || saved.version !== FORMAT_VERSION) throw new Error('not a saved encoder');
    const { height, width, channels } = model.shape;
    if (saved.total !== model.layout.total || saved.shape.join('x') !== [height, width, channels].join('x')) {
      throw new Error("the stored encoder does not fit this checkpoint's generator");
    }
    const encoder = new Encoder(model, saved.width, new Rng(0));
    writeParams(encoder.params, saved.weights);
    return encoder;
  }

  /** images [N, H, W, C] in [-1, 1] -> latents [N, total]. */
  apply(x: tf.Tensor4D, p: Record<string, tf.Tensor> = this.params): tf.Tensor2D {
    let h = x;
    for (let i = 0; i < this.blocks; i++) h = tf.leakyRelu(conv(p, `conv${i}`, h, 2), LEAKY_SLOPE);
    return linear(p, 'out', tf.reshape(h, [x.shape[0], -1]) as tf.Tensor2D);
  }

  /** The encoder's guess for host images [n, H, W, C]. [n, total] */
  predict(images: Float32Array): Float32Array {
    this.checkAlive();
    const { height, width, channels } = this.model.shape;
    const n = images.length / (height * width * channels);
    const u = tf.tidy(() => this.apply(tf.tensor4d(images, [n, height, width, channels])));
    const out = u.dataSync() as Float32Array;
    u.dispose();
    return Float32Array.from(out);
  }

  serialize(info: { steps: number; loss: number }): Uint8Array {
    this.checkAlive();
    const { height, width, channels } = this.model.shape;
    const saved: SavedEncoder = {
      format: FORMAT,
      version: FORMAT_VERSION,
      width: this.width,
      total: this.model.layout.total,
      shape: [height, width, channels],
      steps: info.steps,
      loss: info.loss,
      weights: readParams(this.params),
    };
    return encodeState(saved);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeParams(this.params);
  }

  private fit(opts: EncoderTrainOptions, rng: Rng): number {
    const model = this.model;
    const batch = opts.batch ?? ENCODER_DEFAULTS.batch;
    const latentWeight = opts.latentWeight ?? ENCODER_DEFAULTS.latentWeight;
    const recWeight = opts.reconstructionWeight ?? ENCODER_DEFAULTS.reconstructionWeight;
    const { total } = model.layout;
    const stats = model.stats();
    const adam = new Adam(this.params, { lr: opts.lr ?? ENCODER_DEFAULTS.lr, beta1: 0.9, beta2: 0.999 });
    const mean = tf.tensor2d(stats.mean, [1, total]);
    const invStd = tf.tidy(() => tf.div(1, tf.tensor2d(stats.std, [1, total])));
    const vars = Object.values(this.params);
    let last = Number.NaN;
    try {
      for (let step = 0; step < opts.steps; step++) {
        if (opts.signal?.aborted) throw new AbortError();
        const u = model.sampleLatents(batch, rng);
        const loss = tf.tidy(() => {
          const target = tf.tensor2d(u, [batch, total]);
          const x = model.synthesize(target);
          const { value, grads } = tf.variableGrads(() => {
            const guess = this.apply(x);
            // Standardised latent error, so every coordinate counts alike whatever its spread.
            let l = tf.mul(tf.mean(tf.square(tf.mul(tf.sub(guess, target), invStd))), latentWeight);
            if (recWeight > 0) {
              l = tf.add(l, tf.mul(tf.mean(tf.square(tf.sub(model.synthesize(guess), x))), recWeight));
            }
            return l as tf.Scalar;
          }, vars);
          adam.apply(grads);
          return value;
        });
        last = loss.dataSync()[0];
        loss.dispose();
        opts.onProgress?.({ step: step + 1, steps: opts.steps, loss: last });
      }
      return last;
    } finally {
      adam.dispose();
      mean.dispose();
      invStd.dispose();
    }
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('this encoder has been disposed');
  }
}
