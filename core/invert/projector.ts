/**
 * Optimisation-based GAN inversion (StyleGAN2's projector, ALGORITHMS.md §6): find the latent u
 * whose image G(u) matches a target.
 *
 * - Start: the mean latent (w_avg, or 0 in z), an encoder's guess, or the best of K random
 *   latents by pixel error.
 * - Adam on u (betas 0.9 / 0.999) with the lr ramped up then cosine-ramped down, and Gaussian
 *   noise added to u that decays to zero by 75% of the steps (schedule.ts).
 * - Loss = pixelWeight * MSE(G(u), target) + featureWeight * sum over D's conv blocks of the
 *   MSE of their activations (a perceptual proxy: no VGG offline) + priorWeight * mean of
 *   ((u - mean) / std)^2 (keeps z near N(0, I) and w near the distribution mapping produces).
 *
 * The progress callback gets every step's loss and PSNR and, every `previewEvery` steps, the
 * current reconstruction; an aborted signal stops the loop at the next step.
 */

import { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { newVariable } from '../models/params';
import type { GanModel } from './gan-model';
import { mse01, psnr, psnrFromMse, ssim } from './quality';
import { DEFAULT_SCHEDULE, learningRate, noiseScale, type ScheduleOptions } from './schedule';

export type StartMethod = 'mean' | 'encoder' | 'random-best';

export interface ProjectorOptions {
  steps: number;
  start?: StartMethod;
  /** The starting latent for 'encoder' (the encoder's guess). [total] */
  initial?: Float32Array;
  /** Peak learning rate; default 0.1 in w, 0.05 in z. */
  lr?: number;
  pixelWeight?: number;
  featureWeight?: number;
  priorWeight?: number;
  /** Random latents tried by 'random-best'. */
  candidates?: number;
  /** Seeds the latent noise and the random starts. */
  seed?: number;
  /** Steps between reconstructions passed to onProgress. */
  previewEvery?: number;
  schedule?: Partial<Omit<ScheduleOptions, 'lr'>>;
  onProgress?(progress: ProjectionProgress): void;
  signal?: AbortSignal;
}

export interface ProjectionProgress {
  /** 1-based: steps done so far. */
  step: number;
  steps: number;
  loss: number;
  psnr: number;
  /** The current reconstruction, every `previewEvery` steps and at the last. [H, W, C] */
  reconstruction?: Float32Array;
}

export interface ProjectionResult {
  latent: Float32Array;
  /** G(latent). [H, W, C] in [-1, 1] */
  reconstruction: Float32Array;
  /** The total loss at every step. */
  lossCurve: number[];
  psnr: number;
  ssim: number;
  elapsedMs: number;
}

export const PROJECTOR_DEFAULTS = {
  pixelWeight: 1,
  featureWeight: 0.1,
  priorWeight: 1e-3,
  candidates: 32,
  previewEvery: 10,
} as const;

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

export class AbortError extends Error {
  override name = 'AbortError';
  constructor() {
    super('inversion aborted');
  }
}

/** target: [H, W, C] in [-1, 1] at the model's resolution. */
export function project(model: GanModel, target: Float32Array, opts: ProjectorOptions): ProjectionResult {
  const started = performance.now();
  const { height, width, channels } = model.shape;
  if (target.length !== height * width * channels) {
    throw new Error(`target has ${target.length} values, expected ${height}x${width}x${channels}`);
  }
  if (!Number.isInteger(opts.steps) || opts.steps < 1) {
    throw new Error(`steps must be a positive integer, got ${opts.steps}`);
  }
  const { total, dim } = model.layout;
  const steps = opts.steps;
  const schedule: ScheduleOptions = {
    lr: opts.lr ?? (model.layout.space === 'w' ? 0.1 : 0.05),
    ...DEFAULT_SCHEDULE,
    ...opts.schedule,
  };
  const pixelWeight = opts.pixelWeight ?? PROJECTOR_DEFAULTS.pixelWeight;
  const featureWeight = opts.featureWeight ?? PROJECTOR_DEFAULTS.featureWeight;
  const priorWeight = opts.priorWeight ?? PROJECTOR_DEFAULTS.priorWeight;
  const previewEvery = opts.previewEvery ?? PROJECTOR_DEFAULTS.previewEvery;
  const rng = new Rng(opts.seed ?? 0);
  const stats = model.stats();
  const start = startLatent(model, target, opts, rng);

  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(t);
    return t;
  };
  try {
    const targetT = keep(tf.tensor4d(target, [1, height, width, channels]));
    const targetFeatures = featureWeight > 0 ? tf.tidy(() => model.features(targetT)).map(keep) : [];
    const mean = keep(tf.tensor2d(stats.mean, [1, total]));
    const invStd = keep(tf.tidy(() => tf.div(1, tf.tensor2d(stats.std, [1, total]))));
    const latent = keep(newVariable(() => tf.tensor2d(start, [1, total])));
    const m = keep(newVariable(() => tf.zeros([1, total]), false));
    const v = keep(newVariable(() => tf.zeros([1, total]), false));
    const noiseHost = new Float32Array(total);
    const lossCurve: number[] = [];

    for (let step = 0; step < steps; step++) {
      if (opts.signal?.aborted) throw new AbortError();
      const lr = learningRate(step, steps, schedule);
      const sigma = noiseScale(step, steps, stats.normStd, schedule);
      // Noise on the z / w part only: class and code coordinates are not sampled around.
      if (sigma > 0) rng.fillNormal(noiseHost.subarray(0, dim), 0, sigma);
      else noiseHost.fill(0);
      const preview = (step + 1) % previewEvery === 0 || step === steps - 1;
      let image: tf.Tensor | null = null;
      let pixel: tf.Tensor | null = null;
      const readout = tf.tidy(() => {
        const noise = tf.tensor2d(noiseHost, [1, total]);
        const { value, grads } = tf.variableGrads(() => {
          const x = model.synthesize(tf.add(latent, noise) as tf.Tensor2D);
          const pix = tf.mean(tf.square(tf.sub(x, targetT)));
          pixel = tf.keep(pix);
          if (preview) image = tf.keep(x);
          let loss = tf.mul(pix, pixelWeight);
          if (featureWeight > 0) {
            model.features(x).forEach((f, i) => {
              loss = tf.add(loss, tf.mul(tf.mean(tf.square(tf.sub(f, targetFeatures[i]))), featureWeight));
            });
          }
          if (priorWeight > 0) {
            const prior = tf.mean(tf.square(tf.mul(tf.sub(latent, mean), invStd)));
            loss = tf.add(loss, tf.mul(prior, priorWeight));
          }
          return loss as tf.Scalar;
        }, [latent]);
        adamStep(latent, m, v, grads[latent.name], lr, step + 1);
        return tf.stack([value, pixel as unknown as tf.Scalar]);
      });
      const [loss, pix] = readout.dataSync();
      readout.dispose();
      (pixel as tf.Tensor | null)?.dispose();
      lossCurve.push(loss);
      let reconstruction: Float32Array | undefined;
      if (image) {
        reconstruction = (image as tf.Tensor).dataSync() as Float32Array;
        (image as tf.Tensor).dispose();
      }
      opts.onProgress?.({ step: step + 1, steps, loss, psnr: psnrFromMse(pix / 4), reconstruction });
    }
    const final = latent.dataSync() as Float32Array;
    const reconstruction = model.render(final);
    return {
      latent: Float32Array.from(final),
      reconstruction,
      lossCurve,
      psnr: psnr(reconstruction, target),
      ssim: ssim(reconstruction, target, model.shape),
      elapsedMs: performance.now() - started,
    };
  } finally {
    for (const t of kept) t.dispose();
  }
}

/** Adam with bias correction on one tensor (PyTorch's rule), in place. */
function adamStep(x: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor, lr: number, t: number): void {
  m.assign(tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1)));
  v.assign(tf.add(tf.mul(v, BETA2), tf.mul(tf.square(g), 1 - BETA2)));
  const stepSize = lr / (1 - BETA1 ** t);
  const denom = tf.add(tf.sqrt(tf.div(v, 1 - BETA2 ** t)), EPSILON);
  x.assign(tf.sub(x, tf.mul(tf.div(m, denom), stepSize)));
}

/** The starting latent for the options' start method. [total] */
function startLatent(model: GanModel, target: Float32Array, opts: ProjectorOptions, rng: Rng): Float32Array {
  const start = opts.start ?? 'mean';
  const mean = Float32Array.from(model.stats().mean);
  if (start === 'encoder') {
    if (!opts.initial) throw new Error("start 'encoder' needs the encoder's guess as `initial`");
    model.checkLatent(opts.initial, 'the initial latent');
    return Float32Array.from(opts.initial);
  }
  if (start === 'mean') return mean;
  // Best of K random latents and the mean, by pixel error: one batched forward.
  const k = opts.candidates ?? PROJECTOR_DEFAULTS.candidates;
  const total = model.layout.total;
  const candidates = new Float32Array((k + 1) * total);
  candidates.set(mean);
  candidates.set(model.sampleLatents(k, rng), total);
  const images = model.render(candidates);
  const per = target.length;
  let best = 0;
  let bestErr = Number.POSITIVE_INFINITY;
  for (let i = 0; i <= k; i++) {
    const err = mse01(images.subarray(i * per, (i + 1) * per), target);
    if (err < bestErr) {
      bestErr = err;
      best = i;
    }
  }
  return candidates.slice(best * total, (best + 1) * total);
}
