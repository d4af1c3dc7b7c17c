/**
 * Optimisation-based GAN inversion (StyleGAN2's projector, ALGORITHMS.md §6): find the latent u
 * whose image G(u) matches a target.
 *
 * - Start: the mean latent (w_avg, or 0 in z), an encoder's guess, or the best of K random
 *   latents by pixel error; with `restarts` > 1 the next-best random latents run as extra
 *   chains in the same batch and the best chain wins.
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
  /** Random latents drawn to pick random starts from (by pixel error). */
  candidates?: number;
  /**
   * Chains optimised side by side in one batch (a DCGAN's z landscape has dead-ReLU regions a
   * single chain can fall into): the first starts at the start method's latent, the others at
   * the best random latents; the chain with the lowest loss wins. 1 = the start method alone.
   */
  restarts?: number;
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
  candidates: 64,
  restarts: 4,
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
  const chains = opts.restarts ?? PROJECTOR_DEFAULTS.restarts;
  if (!Number.isInteger(chains) || chains < 1) throw new Error(`restarts must be at least 1, got ${chains}`);
  const rng = new Rng(opts.seed ?? 0);
  const stats = model.stats();
  const starts = startLatents(model, target, opts, chains, rng);
  const per = target.length;

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
    const latent = keep(newVariable(() => tf.tensor2d(starts, [chains, total])));
    const m = keep(newVariable(() => tf.zeros([chains, total]), false));
    const v = keep(newVariable(() => tf.zeros([chains, total]), false));
    const noiseHost = new Float32Array(chains * total);
    const lossCurve: number[] = [];
    let best = 0;

    for (let step = 0; step < steps; step++) {
      if (opts.signal?.aborted) throw new AbortError();
      const lr = learningRate(step, steps, schedule);
      const sigma = noiseScale(step, steps, stats.normStd, schedule);
      // Noise on the z / w part only: class and code coordinates are not sampled around.
      noiseHost.fill(0);
      if (sigma > 0) {
        for (let c = 0; c < chains; c++)
          rng.fillNormal(noiseHost.subarray(c * total, c * total + dim), 0, sigma);
      }
      const preview = (step + 1) % previewEvery === 0 || step === steps - 1;
      let image: tf.Tensor | null = null;
      let perChain: tf.Tensor | null = null;
      const readout = tf.tidy(() => {
        const noise = tf.tensor2d(noiseHost, [chains, total]);
        const { grads } = tf.variableGrads(() => {
          const x = model.synthesize(tf.add(latent, noise) as tf.Tensor2D); // [R, H, W, C]
          const pix = tf.mean(tf.square(tf.sub(x, targetT)), [1, 2, 3]); // [R]
          if (preview) image = tf.keep(x);
          let loss = tf.mul(pix, pixelWeight);
          if (featureWeight > 0) {
            model.features(x).forEach((f, i) => {
              const d = tf.mean(tf.square(tf.sub(f, targetFeatures[i])), [1, 2, 3]);
              loss = tf.add(loss, tf.mul(d, featureWeight));
            });
          }
          if (priorWeight > 0) {
            const prior = tf.mean(tf.square(tf.mul(tf.sub(latent, mean), invStd)), 1);
            loss = tf.add(loss, tf.mul(prior, priorWeight));
          }
          perChain = tf.keep(tf.concat([loss, pix]));
          // Chains are independent: the sum gives each its own gradient.
          return tf.sum(loss) as tf.Scalar;
        }, [latent]);
        adamStep(latent, m, v, grads[latent.name], lr, step + 1);
        return perChain as unknown as tf.Tensor;
      });
      const values = readout.dataSync() as Float32Array;
      readout.dispose();
      best = argmin(values.subarray(0, chains));
      const loss = values[best];
      lossCurve.push(loss);
      let reconstruction: Float32Array | undefined;
      if (image) {
        const all = (image as tf.Tensor).dataSync() as Float32Array;
        reconstruction = all.slice(best * per, (best + 1) * per);
        (image as tf.Tensor).dispose();
      }
      opts.onProgress?.({
        step: step + 1,
        steps,
        loss,
        psnr: psnrFromMse(values[chains + best] / 4),
        reconstruction,
      });
    }
    const final = (latent.dataSync() as Float32Array).slice(best * total, (best + 1) * total);
    const reconstruction = model.render(final);
    return {
      latent: final,
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

function argmin(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if (values[i] < values[best] || Number.isNaN(values[best])) best = i;
  return best;
}

/** Adam with bias correction on one tensor (PyTorch's rule), in place. */
function adamStep(x: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor, lr: number, t: number): void {
  m.assign(tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1)));
  v.assign(tf.add(tf.mul(v, BETA2), tf.mul(tf.square(g), 1 - BETA2)));
  const stepSize = lr / (1 - BETA1 ** t);
  const denom = tf.add(tf.sqrt(tf.div(v, 1 - BETA2 ** t)), EPSILON);
  x.assign(tf.sub(x, tf.mul(tf.div(m, denom), stepSize)));
}

/**
 * Starting latents [chains, total]: the start method's latent first, then the random latents
 * that draw the target best (by pixel error) as the other chains.
 */
function startLatents(
  model: GanModel,
  target: Float32Array,
  opts: ProjectorOptions,
  chains: number,
  rng: Rng,
): Float32Array {
  const start = opts.start ?? 'mean';
  const total = model.layout.total;
  const out = new Float32Array(chains * total);
  if (start === 'encoder') {
    if (!opts.initial) throw new Error("start 'encoder' needs the encoder's guess as `initial`");
    model.checkLatent(opts.initial, 'the initial latent');
    out.set(opts.initial);
  } else if (start === 'mean') out.set(model.stats().mean);
  const random = start === 'random-best' ? chains : chains - 1;
  if (random === 0) return out;
  // Candidates ranked by pixel error: one batched forward.
  const k = Math.max(opts.candidates ?? PROJECTOR_DEFAULTS.candidates, random);
  const candidates = model.sampleLatents(k, rng);
  const images = model.render(candidates);
  const per = target.length;
  const errors = Array.from({ length: k }, (_, i) => mse01(images.subarray(i * per, (i + 1) * per), target));
  const order = errors.map((_, i) => i).sort((a, b) => errors[a] - errors[b]);
  const first = chains - random;
  for (let c = 0; c < random; c++) {
    out.set(candidates.subarray(order[c] * total, (order[c] + 1) * total), (first + c) * total);
  }
  return out;
}
