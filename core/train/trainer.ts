/**
 * One GAN training session: networks, optimizers, EMA, the adaptive diffusion and the RNG, with
 * one method per concept (a D step, a G step, a readback of the running statistics, an
 * evaluation, the full state for a checkpoint). The loop that drives it is loop.ts.
 *
 * Memory and speed discipline: each step runs inside tf.tidy; statistics accumulate on the
 * device and are read back only every `syncEvery` steps (the adaptive controller needs r_d every
 * ada_interval minibatches, as in the official code) and at log ticks, evaluations and checkpoints.
 */
import { DataError } from '../data/errors';
import { type SampleSource, sampleSource } from '../data/sources';
import { AdaptiveDiffusion, type AdaptiveState } from '../diffusion/adaptive';
import {
  type DiffusionDraw,
  diffuseHost,
  diffuseTensor,
  diffuseTensorGrad,
  drawDiffusion,
} from '../diffusion/forward';
import { Rng, type RngState } from '../engine/rng';
import * as tf from '../engine/tf';
import { discriminatorLoss, generatorLoss } from '../losses/adversarial';
import { gradientPenalty, r1Penalty } from '../losses/penalties';
import { infoLoss, sampleInfoCodes } from '../models/conditioning';
import { disposeParams, newVariable, readParams, writeParams } from '../models/params';
import { embedSteps } from '../models/t-embedding';
import { Adam, type AdamState } from './adam';
import type { TrainConfig } from './config';
import { Ema } from './ema';
import {
  type Evaluation,
  type Evaluator,
  type ImageMetricsProvider,
  imageEvaluator,
  NonFiniteSamplesError,
  pointsEvaluator,
  pointsReference,
} from './evaluation';
import { buildNetworks, type DiscriminatorNet, type GeneratorNet } from './networks';

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

type SavedTensors = Record<string, { shape: number[]; data: Float32Array }>;

/** Everything needed to continue a run exactly where it was. */
export interface TrainingState {
  step: number;
  dSteps: number;
  rng: RngState;
  adaptive: AdaptiveState | null;
  dataCursor: unknown;
  pending: PendingSums;
  /** What the networks were built for (sampling needs it without the dataset). */
  sampleShape: number[];
  numClasses: number;
  g: SavedTensors;
  /** G's non-trainable state (batch-norm running statistics). */
  gState: SavedTensors;
  d: SavedTensors;
  ema: SavedTensors;
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

/** Host-side draws for one minibatch of fakes: z, labels, InfoGAN codes. */
interface FakeDraw {
  z: Float32Array;
  labels: Int32Array | null;
  codes: Float32Array | null;
}

export class Trainer {
  step = 0;
  /** D minibatches so far (differs from step when nCritic > 1). */
  private dSteps = 0;
  readonly rng: Rng;
  readonly g: GeneratorNet;
  readonly d: DiscriminatorNet;
  readonly optG: Adam;
  readonly optD: Adam;
  readonly ema: Ema;
  readonly diffusion: AdaptiveDiffusion | null;
  readonly sampleShape: number[];
  readonly numClasses: number;
  private readonly featureSize: number;
  private readonly infoDim: number;
  private readonly gVars: tf.Variable[];
  private readonly dVars: tf.Variable[];
  /** Device sums since the last sync: [lossD, dReal, dFake, meanSignReal, lossG]. */
  private readonly deviceSums: tf.Variable;
  private readonly lossGSlot = tf.keep(tf.tensor1d([0, 0, 0, 0, 1]));
  private deviceSteps = { d: 0, g: 0 };
  /**
   * Whether MLP steps take their gradients from the networks' hand-written backward passes
   * (bit-identical to the tape and faster, see models/mlp.ts); false forces the autodiff tape.
   * Steps with a gradient penalty, labels or InfoGAN codes always use the tape.
   */
  useTracedPasses = true;
  private pending = emptySums();
  private readonly syncEvery: number;
  private readonly evaluator: Evaluator | null;
  // Host buffers reused every step.
  private readonly realBuf: Float32Array;
  private readonly realLabels: Int32Array;
  private readonly cleanEmbedding: Float32Array;

  /** Loads the config's data (image sets may take a while) and builds the session. */
  static async create(config: TrainConfig, metrics?: ImageMetricsProvider): Promise<Trainer> {
    return new Trainer(config, await sampleSource(config), metrics);
  }

  /** `data` may be null when the session only samples (no dataset, no evaluation). */
  constructor(
    readonly config: TrainConfig,
    readonly data: SampleSource | null,
    metrics?: ImageMetricsProvider,
    shape?: { sampleShape: number[]; numClasses: number },
  ) {
    this.sampleShape = data?.sampleShape ?? shape?.sampleShape ?? [2];
    this.numClasses = config.conditional ? (data?.numClasses ?? shape?.numClasses ?? 0) : 0;
    if (config.conditional && this.numClasses < 2) {
      throw new DataError(
        `conditional=true needs a dataset with classes (one sub-folder per class for folders); ${data?.name ?? 'this dataset'} has none`,
      );
    }
    this.featureSize = this.sampleShape.reduce((a, b) => a * b, 1);
    this.infoDim = config.infoCategorical + config.infoContinuous;
    this.rng = new Rng(config.seed);
    const nets = buildNetworks(
      config,
      this.rng.fork(1),
      this.sampleShape,
      data?.numClasses ?? shape?.numClasses ?? 0,
    );
    this.g = nets.g;
    this.d = nets.d;
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
    this.realBuf = new Float32Array(config.batch * this.featureSize);
    this.realLabels = new Int32Array(config.batch);
    this.cleanEmbedding = embedSteps(new Int32Array(config.batch), config.discriminator.tEmbedDim);
    if (!data) this.evaluator = null;
    else if (this.sampleShape.length === 1)
      this.evaluator = pointsEvaluator(config, data, pointsReference(config, data));
    else this.evaluator = imageEvaluator(config, data, metrics);
  }

  get bestMetric(): { name: string; higherIsBetter: boolean } | null {
    return this.evaluator?.bestMetric ?? null;
  }

  /** One training step: nCritic D minibatches, then one G minibatch (which updates the EMA). */
  trainStep(): void {
    if (!this.data) throw new Error('this session has no dataset: it can sample but not train');
    for (let i = 0; i < this.config.nCritic; i++) this.discriminatorStep(this.data);
    this.generatorStep();
    this.step += 1;
    if (this.step % this.syncEvery === 0) this.sync();
  }

  private batchShape(n: number): number[] {
    return [n, ...this.sampleShape];
  }

  private drawFake(rng: Rng, n: number): FakeDraw {
    const z = rng.fillNormal(new Float32Array(n * this.g.zDim));
    let labels: Int32Array | null = null;
    if (this.numClasses) {
      labels = new Int32Array(n);
      for (let i = 0; i < n; i++) labels[i] = rng.int(this.numClasses);
    }
    const codes = this.infoDim
      ? sampleInfoCodes(rng, n, this.config.infoCategorical, this.config.infoContinuous).codes
      : null;
    return { z, labels, codes };
  }

  /** G(z) for a host-side draw, on the device. */
  private generate(
    draw: FakeDraw,
    n: number,
    opts: { training: boolean; params?: Record<string, tf.Tensor> },
  ) {
    return this.g.generate(tf.tensor2d(draw.z, [n, this.g.zDim]), {
      ...opts,
      labels: draw.labels ? tf.tensor1d(draw.labels, 'int32') : undefined,
      codes: draw.codes ? tf.tensor2d(draw.codes, [n, this.infoDim]) : undefined,
    });
  }

  private drawDiffusion(n: number): { draw: DiffusionDraw | null; embedding: Float32Array } {
    if (!this.diffusion) return { draw: null, embedding: this.cleanEmbedding };
    const { pool, alphaBar } = this.diffusion;
    const draw = drawDiffusion(this.rng, n, this.featureSize, pool, alphaBar, this.config.diffusion.noiseSd);
    return { draw, embedding: embedSteps(draw.t, this.config.discriminator.tEmbedDim) };
  }

  /** The InfoGAN term on fakes: Q must recover the codes G was given (0 without codes). */
  private info(
    judgement: { qLogits?: tf.Tensor2D; qMean?: tf.Tensor2D },
    draw: FakeDraw,
    n: number,
  ): tf.Scalar | null {
    if (!draw.codes) return null;
    const codes = tf.tensor2d(draw.codes, [n, this.infoDim]);
    return tf.mul(infoLoss(judgement.qLogits, judgement.qMean, codes), this.config.infoWeight) as tf.Scalar;
  }

  private discriminatorStep(data: SampleSource): void {
    const { batch: n, loss, discriminator } = this.config;
    const E = discriminator.tEmbedDim;
    data.next(this.rng, n, this.realBuf, this.numClasses ? this.realLabels : undefined);
    const real = this.drawDiffusion(n);
    const yRealHost = real.draw ? diffuseHost(this.realBuf, real.draw, this.featureSize) : this.realBuf;
    const fakeDraw = this.drawFake(this.rng, n);
    const fakeDiffusion = this.drawDiffusion(n);
    const embedding = new Float32Array(2 * n * E);
    embedding.set(real.embedding, 0);
    embedding.set(fakeDiffusion.embedding, n * E);
    this.dSteps += 1;
    const applyR1 = this.config.r1Gamma > 0 && this.dSteps % this.config.r1Interval === 0;
    const mix = loss === 'wgan-gp' ? this.rng.fillUniform(new Float32Array(n)) : null;

    const handWritten = this.useTracedPasses && !applyR1 && !mix && !fakeDraw.codes && !fakeDraw.labels;
    const tracedD = handWritten ? this.d.traced : undefined;

    tf.tidy(() => {
      const g = this.generate(fakeDraw, n, { training: true });
      const fake = fakeDiffusion.draw ? diffuseTensor(g, fakeDiffusion.draw) : g;
      const yReal = tf.tensor(yRealHost, this.batchShape(n));
      const embeddingT = tf.tensor2d(embedding, [2 * n, E]);
      const labels =
        this.numClasses && fakeDraw.labels
          ? tf.tensor1d(Int32Array.from([...this.realLabels, ...fakeDraw.labels]), 'int32')
          : undefined;
      const realLabels = labels ? tf.slice(labels, [0], [n]) : undefined;
      let stats: tf.Tensor1D | null = null;
      // D's adversarial loss on the logits of [real; fake], keeping the tick statistics.
      const objective = (logits: tf.Tensor): tf.Scalar => {
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
        return adversarial;
      };
      let grads: Record<string, tf.Tensor>;
      if (tracedD) {
        // Only the loss's own few ops go through the tape; D's backward pass is hand-written.
        const pass = tracedD(tf.concat([yReal, fake], 0) as tf.Tensor2D, embeddingT);
        const dLogits = tf.grad(objective)(pass.output) as tf.Tensor2D;
        grads = pass.backward(dLogits, { weights: true, input: false }).weightGrads;
      } else {
        grads = tf.variableGrads(() => {
          const judgement = this.d.judge(tf.concat([yReal, fake], 0), embeddingT, labels);
          let total = objective(judgement.logits);
          const info = this.info(
            {
              qLogits: judgement.qLogits && tf.slice(judgement.qLogits, [n, 0], [n, -1]),
              qMean: judgement.qMean && tf.slice(judgement.qMean, [n, 0], [n, -1]),
            },
            fakeDraw,
            n,
          );
          if (info) total = tf.add(total, info);
          if (mix) {
            const realEmbedding = tf.slice(embeddingT, [0, 0], [n, E]);
            const mixShape = [n, ...this.sampleShape.map(() => 1)];
            const gp = gradientPenalty(
              (x) => this.d.judge(x, realEmbedding, realLabels).logits,
              yReal,
              fake,
              tf.tensor(mix, mixShape),
              this.config.gpLambda,
            );
            total = tf.add(total, gp);
          }
          if (applyR1) {
            const clean = tf.tensor(this.realBuf, this.batchShape(n));
            const zeroT = tf.tensor2d(this.cleanEmbedding, [n, E]);
            const r1 = r1Penalty(
              (x) => this.d.judge(x, zeroT, realLabels).logits,
              clean,
              this.config.r1Gamma,
            );
            // Lazy regularisation: a penalty every k steps weighted by k keeps its average strength.
            total = tf.add(total, tf.mul(r1, this.config.r1Interval));
          }
          return total;
        }, this.dVars).grads;
      }
      this.optD.apply(grads);
      const kept = stats as unknown as tf.Tensor1D;
      this.deviceSums.assign(tf.add(this.deviceSums, kept));
      kept.dispose();
    });
    this.deviceSteps.d += 1;
  }

  private generatorStep(): void {
    const { batch: n, loss: lossKind } = this.config;
    const fakeDraw = this.drawFake(this.rng, n);
    const fakeDiffusion = this.drawDiffusion(n);
    const handWritten = this.useTracedPasses && !fakeDraw.codes && !fakeDraw.labels;
    const tracedG = handWritten ? this.g.traced : undefined;
    const tracedD = handWritten ? this.d.traced : undefined;
    tf.tidy(() => {
      const embeddingT = tf.tensor2d(fakeDiffusion.embedding, [n, this.config.discriminator.tEmbedDim]);
      const labels = fakeDraw.labels ? tf.tensor1d(fakeDraw.labels, 'int32') : undefined;
      let loss: tf.Scalar;
      let grads: Record<string, tf.Tensor>;
      if (tracedG && tracedD) {
        // Hand-written backward passes through D (input only), the diffusion and G (weights).
        const gPass = tracedG(tf.tensor2d(fakeDraw.z, [n, this.g.zDim]));
        const draw = fakeDiffusion.draw;
        const dPass = tracedD(draw ? diffuseTensor(gPass.output, draw) : gPass.output, embeddingT);
        const { value, grad } = tf.valueAndGrad((logits: tf.Tensor) => generatorLoss(lossKind, logits))(
          dPass.output,
        );
        const dY = dPass.backward(grad as tf.Tensor2D, { weights: false, input: true }).inputGrad;
        if (!dY) throw new Error('D gave no input gradient');
        const dG = draw ? diffuseTensorGrad(dY, draw) : dY;
        loss = value;
        grads = gPass.backward(dG, { weights: true, input: false }).weightGrads;
      } else {
        ({ value: loss, grads } = tf.variableGrads(() => {
          const g = this.generate(fakeDraw, n, { training: true });
          const y = fakeDiffusion.draw ? diffuseTensor(g, fakeDiffusion.draw) : g;
          const judgement = this.d.judge(y, embeddingT, labels);
          const adversarial = generatorLoss(lossKind, judgement.logits);
          const info = this.info(judgement, fakeDraw, n);
          return info ? tf.add(adversarial, info) : adversarial;
        }, this.gVars));
      }
      this.ema.update(this.optG.apply(grads));
      this.deviceSums.assign(tf.add(this.deviceSums, tf.mul(this.lossGSlot, loss)));
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

  /**
   * n samples [n, ...sampleShape] from G (the EMA by default, batch norm in inference mode),
   * with z, labels and codes drawn from `seed`; labels cycle through the classes so a grid
   * shows every class.
   */
  sample(n: number, seed: number, useEma = true): Float32Array {
    const rng = new Rng(seed);
    const out = new Float32Array(n * this.featureSize);
    const chunk = Math.max(1, Math.floor(2 ** 20 / this.featureSize));
    for (let start = 0; start < n; start += chunk) {
      const m = Math.min(chunk, n - start);
      const draw = this.drawFake(rng, m);
      if (draw.labels) for (let i = 0; i < m; i++) draw.labels[i] = (start + i) % this.numClasses;
      const x = tf.tidy(() =>
        this.generate(draw, m, { training: false, params: useEma ? this.ema.weights() : undefined }),
      );
      out.set(x.dataSync(), start * this.featureSize);
      x.dispose();
    }
    return out;
  }

  /** The evaluator's metrics and artifacts for the EMA generator, always from the same latents. */
  evaluate(): Evaluation {
    if (!this.evaluator) throw new Error('this session has no dataset to evaluate against');
    try {
      return this.evaluator.evaluate((n, seed) => this.sample(n, seed), this.step);
    } catch (err) {
      if (err instanceof NonFiniteSamplesError) throw new DivergenceError(this.step, err.message);
      throw err;
    }
  }

  getState(): TrainingState {
    this.sync();
    const state: TrainingState = {
      step: this.step,
      dSteps: this.dSteps,
      rng: this.rng.getState(),
      adaptive: this.diffusion ? this.diffusion.getState() : null,
      dataCursor: this.data?.getCursor() ?? null,
      pending: { ...this.pending },
      sampleShape: this.sampleShape,
      numClasses: this.numClasses,
      g: readParams(this.g.params),
      gState: readParams(this.g.state),
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
    if (state.sampleShape && state.sampleShape.join('x') !== this.sampleShape.join('x')) {
      throw new Error(
        `checkpoint is for samples of shape [${state.sampleShape}], the config gives [${this.sampleShape}]`,
      );
    }
    writeParams(this.g.params, state.g);
    writeParams(this.g.state, state.gState ?? {});
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
    this.data?.setCursor(state.dataCursor);
    this.pending = { ...state.pending };
    this.step = state.step;
    this.dSteps = state.dSteps;
  }

  dispose(): void {
    disposeParams(this.g.params);
    disposeParams(this.g.state);
    disposeParams(this.d.params);
    this.ema.dispose();
    this.optG.dispose();
    this.optD.dispose();
    this.deviceSums.dispose();
    this.lossGSlot.dispose();
  }
}
