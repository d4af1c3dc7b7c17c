/**
 * One GAN training session: models, optimizers, EMA, the adaptive diffusion and the RNG, with
 * one method per concept (a D step, a G step, a readback of the running statistics, an
 * evaluation, the full state for a checkpoint). The loop that drives it is loop.ts.
 *
 * Memory and speed discipline: each step runs inside tf.tidy; statistics accumulate on the
 * device and are read back only every `syncEvery` steps (the adaptive controller needs r_d every
 * ada_interval minibatches, as in the official code) and at log ticks, evaluations and checkpoints.
 */

import { pointSource } from '../data/points2d';
import type { PointSource } from '../data/toy2d';
import { AdaptiveDiffusion, type AdaptiveState } from '../diffusion/adaptive';
import { type DiffusionDraw, diffuseHost, diffuseTensor, drawDiffusion } from '../diffusion/forward';
import { Rng, type RngState } from '../engine/rng';
import * as tf from '../engine/tf';
import { discriminatorLoss, generatorLoss } from '../losses/adversarial';
import { gradientPenalty, r1Penalty } from '../losses/penalties';
import { energyDistance, modeMetrics } from '../metrics/modes2d';
import { MlpDiscriminator, MlpGenerator } from '../models/mlp';
import { disposeParams, newVariable, readParams, writeParams } from '../models/params';
import { embedSteps } from '../models/t-embedding';
import { Adam, type AdamState } from './adam';
import type { TrainConfig } from './config';
import { Ema } from './ema';

const DATA_DIM = 2;
const EVAL_SEED_SALT = 0x5eed_e7a1;
const REFERENCE_POINTS = 1000;

/** Averages over the steps since the previous tick. */
export interface TickStats {
  step: number;
  lossD: number;
  lossG: number;
  /** Mean sigmoid(D) on (diffused) real and fake inputs. */
  dReal: number;
  dFake: number;
  /** Diffusion state (null for model=gan). */
  T: number | null;
  p: number | null;
  rd: number | null;
}

export interface EvalStats {
  step: number;
  metrics: Record<string, number>;
  /** The generated points the metrics were computed on. [n, 2] */
  samples: Float32Array;
}

/** Everything needed to continue a run exactly where it was. */
export interface TrainingState {
  step: number;
  dSteps: number;
  rng: RngState;
  adaptive: AdaptiveState | null;
  dataCursor: unknown;
  pending: PendingSums;
  g: Record<string, { shape: number[]; data: Float32Array }>;
  d: Record<string, { shape: number[]; data: Float32Array }>;
  ema: Record<string, { shape: number[]; data: Float32Array }>;
  optG: AdamState;
  optD: AdamState;
}

/** Host-side sums of the statistics since the last tick (device sums are flushed into these). */
interface PendingSums {
  lossD: number;
  lossG: number;
  dReal: number;
  dFake: number;
  dSteps: number;
  gSteps: number;
}

export class DivergenceError extends Error {
  override name = 'DivergenceError';
  constructor(
    readonly step: number,
    cause: string,
  ) {
    super(`training diverged at step ${step}: ${cause}`);
  }
}

const emptySums = (): PendingSums => ({ lossD: 0, lossG: 0, dReal: 0, dFake: 0, dSteps: 0, gSteps: 0 });

export class Trainer {
  step = 0;
  /** D minibatches so far (differs from step when nCritic > 1). */
  private dSteps = 0;
  readonly rng: Rng;
  readonly data: PointSource;
  readonly g: MlpGenerator;
  readonly d: MlpDiscriminator;
  readonly optG: Adam;
  readonly optD: Adam;
  readonly ema: Ema;
  readonly diffusion: AdaptiveDiffusion | null;
  private readonly gVars: tf.Variable[];
  private readonly dVars: tf.Variable[];
  /** Device sums since the last sync: [lossD, dReal, dFake, meanSignReal, lossG]. */
  private readonly deviceSums: tf.Variable;
  private readonly lossGSlot = tf.keep(tf.tensor1d([0, 0, 0, 0, 1]));
  private deviceSteps = { d: 0, g: 0 };
  private pending = emptySums();
  private readonly syncEvery: number;
  private readonly reference: Float32Array;
  // Host buffers reused every step.
  private readonly realBuf: Float32Array;
  private readonly zBuf: Float32Array;
  private readonly cleanEmbedding: Float32Array;

  constructor(readonly config: TrainConfig) {
    this.rng = new Rng(config.seed);
    const initRng = this.rng.fork(1);
    this.data = pointSource(config.dataset);
    const { generator: gc, discriminator: dc } = config;
    this.g = new MlpGenerator(initRng, gc.zDim, gc.width, gc.depth, DATA_DIM);
    this.d = new MlpDiscriminator(initRng, DATA_DIM, dc.tEmbedDim, dc.width, dc.depth);
    this.optG = new Adam(this.g.params, config.optG);
    this.optD = new Adam(this.d.params, config.optD);
    this.ema = new Ema(this.g.params, this.optG.layout, config.emaDecay);
    this.gVars = Object.values(this.g.params);
    this.dVars = Object.values(this.d.params);
    this.diffusion =
      config.model === 'diffusion-gan'
        ? new AdaptiveDiffusion({ ...config.diffusion, batch: config.batch }, this.rng)
        : null;
    this.deviceSums = newVariable(() => tf.zeros([5]), false);
    this.syncEvery = this.diffusion
      ? Math.min(config.diffusion.adaInterval, config.logEvery)
      : config.logEvery;
    this.realBuf = new Float32Array(config.batch * DATA_DIM);
    this.zBuf = new Float32Array(config.batch * gc.zDim);
    this.cleanEmbedding = embedSteps(new Int32Array(config.batch), dc.tEmbedDim);
    // A fixed real reference for the energy distance, from its own stream and its own source.
    this.reference = new Float32Array(REFERENCE_POINTS * DATA_DIM);
    pointSource(config.dataset).next(new Rng(config.seed ^ EVAL_SEED_SALT), REFERENCE_POINTS, this.reference);
  }

  /** One training step: nCritic D minibatches, then one G minibatch, then the EMA. */
  trainStep(): void {
    for (let i = 0; i < this.config.nCritic; i++) this.discriminatorStep();
    this.generatorStep();
    this.step += 1;
    if (this.step % this.syncEvery === 0) this.sync();
  }

  private drawInputs(x: Float32Array): {
    draw: DiffusionDraw | null;
    y: Float32Array;
    embedding: Float32Array;
  } {
    const n = this.config.batch;
    if (!this.diffusion) return { draw: null, y: x, embedding: this.cleanEmbedding };
    const { pool, alphaBar } = this.diffusion;
    const draw = drawDiffusion(this.rng, n, DATA_DIM, pool, alphaBar, this.config.diffusion.noiseSd);
    return {
      draw,
      y: diffuseHost(x, draw, DATA_DIM),
      embedding: embedSteps(draw.t, this.config.discriminator.tEmbedDim),
    };
  }

  /** y_fake = sqrt(alpha_bar_t) G(z) + sqrt(1 - alpha_bar_t) sigma eps, differentiable in G(z). */
  private diffuseFake(fake: tf.Tensor2D, draw: DiffusionDraw | null): tf.Tensor2D {
    return draw ? diffuseTensor(fake, draw) : fake;
  }

  private discriminatorStep(): void {
    const { batch: n, loss, discriminator } = this.config;
    const E = discriminator.tEmbedDim;
    this.data.next(this.rng, n, this.realBuf);
    const real = this.drawInputs(this.realBuf);
    this.rng.fillNormal(this.zBuf);
    const fakeDraw = this.diffusion ? this.drawInputs(new Float32Array(n * DATA_DIM)) : null;
    const embedding = new Float32Array(2 * n * E);
    embedding.set(real.embedding, 0);
    embedding.set(fakeDraw ? fakeDraw.embedding : this.cleanEmbedding, n * E);
    this.dSteps += 1;
    const applyR1 = this.config.r1Gamma > 0 && this.dSteps % this.config.r1Interval === 0;
    const mix = loss === 'wgan-gp' ? this.rng.fillUniform(new Float32Array(n)) : null;

    tf.tidy(() => {
      const fake = this.diffuseFake(
        this.g.apply(tf.tensor2d(this.zBuf, [n, this.g.zDim])),
        fakeDraw?.draw ?? null,
      );
      const yReal = tf.tensor2d(real.y, [n, DATA_DIM]);
      const embeddingT = tf.tensor2d(embedding, [2 * n, E]);
      let stats: tf.Tensor1D | null = null;
      const { grads } = tf.variableGrads(() => {
        const logits = this.d.apply(tf.concat([yReal, fake], 0), embeddingT);
        const realLogits = tf.slice(logits, [0, 0], [n, 1]);
        const fakeLogits = tf.slice(logits, [n, 0], [n, 1]);
        const adversarial = discriminatorLoss(loss, realLogits, fakeLogits);
        // Kept out of the gradient tidy: [lossD, mean D(real), mean D(fake), mean sign(real logit), lossG slot]
        stats = tf.keep(
          tf.stack([
            adversarial,
            tf.mean(tf.sigmoid(realLogits)),
            tf.mean(tf.sigmoid(fakeLogits)),
            tf.mean(tf.sign(realLogits)),
            tf.scalar(0),
          ]) as tf.Tensor1D,
        );
        let total = adversarial;
        if (mix) {
          const realEmbedding = tf.slice(embeddingT, [0, 0], [n, E]);
          const gp = gradientPenalty(
            (x) => this.d.apply(x, realEmbedding),
            yReal,
            fake,
            tf.tensor2d(mix, [n, 1]),
            this.config.gpLambda,
          );
          total = tf.add(total, gp);
        }
        if (applyR1) {
          const clean = tf.tensor2d(this.realBuf, [n, DATA_DIM]);
          const zeroT = tf.tensor2d(this.cleanEmbedding, [n, E]);
          const r1 = r1Penalty((x) => this.d.apply(x, zeroT), clean, this.config.r1Gamma);
          // Lazy regularisation: a penalty every k steps weighted by k keeps its average strength.
          total = tf.add(total, tf.mul(r1, this.config.r1Interval));
        }
        return total;
      }, this.dVars);
      this.optD.apply(grads);
      const kept = stats as unknown as tf.Tensor1D;
      this.deviceSums.assign(tf.add(this.deviceSums, kept));
      kept.dispose();
    });
    this.deviceSteps.d += 1;
  }

  private generatorStep(): void {
    const { batch: n, loss } = this.config;
    this.rng.fillNormal(this.zBuf);
    const fakeDraw = this.diffusion ? this.drawInputs(new Float32Array(n * DATA_DIM)) : null;
    const embedding = fakeDraw ? fakeDraw.embedding : this.cleanEmbedding;
    tf.tidy(() => {
      const z = tf.tensor2d(this.zBuf, [n, this.g.zDim]);
      const embeddingT = tf.tensor2d(embedding, [n, this.config.discriminator.tEmbedDim]);
      const { value, grads } = tf.variableGrads(() => {
        const y = this.diffuseFake(this.g.apply(z), fakeDraw?.draw ?? null);
        return generatorLoss(loss, this.d.apply(y, embeddingT));
      }, this.gVars);
      this.ema.update(this.optG.apply(grads));
      this.deviceSums.assign(tf.add(this.deviceSums, tf.mul(this.lossGSlot, value)));
    });
    this.deviceSteps.g += 1;
  }

  /**
   * Reads the device sums back (the only per-interval read), feeds r_d to the adaptive
   * controller, and checks that the losses are finite.
   */
  private sync(): void {
    if (this.deviceSteps.d === 0 && this.deviceSteps.g === 0) return;
    const [lossD, dReal, dFake, signReal, lossG] = this.deviceSums.dataSync();
    tf.tidy(() => this.deviceSums.assign(tf.zerosLike(this.deviceSums)));
    if (![lossD, dReal, dFake, lossG].every(Number.isFinite)) {
      throw new DivergenceError(this.step, `non-finite loss (D ${lossD}, G ${lossG})`);
    }
    const p = this.pending;
    p.lossD += lossD;
    p.lossG += lossG;
    p.dReal += dReal;
    p.dFake += dFake;
    p.dSteps += this.deviceSteps.d;
    p.gSteps += this.deviceSteps.g;
    if (this.diffusion) {
      this.diffusion.observe(signReal, this.deviceSteps.d);
      if (this.diffusion.due) this.diffusion.adjust(this.rng);
    }
    this.deviceSteps = { d: 0, g: 0 };
  }

  /** Averages since the last tick; resets them. */
  tick(): TickStats {
    this.sync();
    const p = this.pending;
    const avg = (sum: number, count: number) => (count ? sum / count : Number.NaN);
    const stats: TickStats = {
      step: this.step,
      lossD: avg(p.lossD, p.dSteps),
      lossG: avg(p.lossG, p.gSteps),
      dReal: avg(p.dReal, p.dSteps),
      dFake: avg(p.dFake, p.dSteps),
      T: this.diffusion ? this.diffusion.T : null,
      p: this.diffusion ? this.diffusion.p : null,
      rd: this.diffusion ? this.diffusion.lastRd : null,
    };
    this.pending = emptySums();
    return stats;
  }

  /** Samples n points from G (the EMA by default) for a fixed seed. [n, 2] */
  sample(n: number, seed: number, useEma = true): Float32Array {
    const rng = new Rng(seed);
    const out = new Float32Array(n * DATA_DIM);
    const chunk = 4096;
    for (let start = 0; start < n; start += chunk) {
      const m = Math.min(chunk, n - start);
      const z = rng.fillNormal(new Float32Array(m * this.g.zDim));
      const x = tf.tidy(() =>
        this.g.apply(tf.tensor2d(z, [m, this.g.zDim]), useEma ? this.ema.weights() : undefined),
      );
      out.set(x.dataSync(), start * DATA_DIM);
      x.dispose();
    }
    return out;
  }

  /** Sample metrics on evalSamples points from the EMA of G, always from the same z. */
  evaluate(): EvalStats {
    const samples = this.sample(this.config.evalSamples, this.config.seed ^ EVAL_SEED_SALT);
    if (!samples.every(Number.isFinite))
      throw new DivergenceError(this.step, 'generator produced non-finite samples');
    const metrics: Record<string, number> = {};
    if (this.data.modes) {
      const m = modeMetrics(samples, this.data.modes);
      metrics.modes = m.modes;
      metrics.hqFraction = m.hqFraction;
      if (m.reverseKl !== null) metrics.reverseKl = m.reverseKl;
    }
    metrics.energyDistance = energyDistance(samples.subarray(0, REFERENCE_POINTS * DATA_DIM), this.reference);
    return { step: this.step, metrics, samples };
  }

  getState(): TrainingState {
    this.sync();
    const state: TrainingState = {
      step: this.step,
      dSteps: this.dSteps,
      rng: this.rng.getState(),
      adaptive: this.diffusion ? this.diffusion.getState() : null,
      dataCursor: this.data.getCursor(),
      pending: { ...this.pending },
      g: readParams(this.g.params),
      d: readParams(this.d.params),
      ema: this.ema.read(),
      optG: this.optG.getState(),
      optD: this.optD.getState(),
    };
    for (const [net, params] of [
      ['G', state.g],
      ['D', state.d],
    ] as const) {
      for (const [name, { data }] of Object.entries(params)) {
        if (!data.every(Number.isFinite))
          throw new DivergenceError(this.step, `non-finite weight in ${net} ${name}`);
      }
    }
    return state;
  }

  setState(state: TrainingState): void {
    writeParams(this.g.params, state.g);
    writeParams(this.d.params, state.d);
    this.ema.write(state.ema);
    this.optG.setState(state.optG);
    this.optD.setState(state.optD);
    this.rng.setState(state.rng);
    if (this.diffusion) {
      if (!state.adaptive)
        throw new Error('checkpoint has no diffusion state but the config is diffusion-gan');
      this.diffusion.setState(state.adaptive);
    }
    this.data.setCursor(state.dataCursor);
    this.pending = { ...state.pending };
    this.step = state.step;
    this.dSteps = state.dSteps;
  }

  dispose(): void {
    disposeParams(this.g.params);
    disposeParams(this.d.params);
    this.ema.dispose();
    this.optG.dispose();
    this.optD.dispose();
    this.deviceSums.dispose();
    this.lossGSlot.dispose();
  }
}
