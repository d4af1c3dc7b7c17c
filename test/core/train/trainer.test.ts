import { beforeAll, describe, expect, it } from 'vitest';
import { pointsSampleSource } from '../../../core/data/sources';
import { diffuseTensor, drawDiffusion } from '../../../core/diffusion/forward';
import { initBackend } from '../../../core/engine/backend';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { parseConfig, type TrainConfigInput } from '../../../core/train/config';
import { decodeState, encodeState } from '../../../core/train/state-codec';
import { DivergenceError, Trainer, type TrainingState } from '../../../core/train/trainer';

const small: TrainConfigInput = {
  batch: 32,
  generator: { width: 16 },
  discriminator: { width: 16 },
  diffusion: { noiseSd: 0.5, tMax: 100, adaKimg: 0.5, dTarget: 0 },
  optD: { lr: 3e-3 },
  logEvery: 10,
  evalSamples: 200,
};
const make = (extra: TrainConfigInput = {}) => {
  const config = parseConfig({ ...small, ...extra });
  return new Trainer(config, pointsSampleSource(config));
};

beforeAll(async () => {
  await initBackend('wasm');
});

describe('Trainer', () => {
  it('a training step leaves the number of tensors unchanged (no leaks), for every loss', () => {
    for (const loss of ['ns', 'hinge', 'lsgan', 'wgan-gp'] as const) {
      const trainer = make({ loss, r1Gamma: 1, r1Interval: 2 });
      trainer.trainStep();
      trainer.tick();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 12; i++) trainer.trainStep();
      trainer.tick();
      trainer.evaluate();
      expect(tf.memory().numTensors, loss).toBe(before);
      trainer.dispose();
    }
  });

  it("G receives gradients through the diffusion: d/dx of f(sqrt(ab) x + noise) = sqrt(ab) f'(y)", () => {
    const rng = new Rng(3);
    const n = 6;
    const alphaBar = Float64Array.from([1, 0.9, 0.5, 0.1]);
    const draw = drawDiffusion(rng, n, 2, Int32Array.from([0, 1, 2, 3]), alphaBar, 0.5);
    const x = tf.tensor2d(rng.fillNormal(new Float32Array(n * 2)), [n, 2]);
    const f = (y: tf.Tensor) => tf.sum(tf.sin(tf.mul(y, 3)));
    const gx = tf
      .grad((v: tf.Tensor) => f(diffuseTensor(v as tf.Tensor2D, draw)))(x)
      .arraySync() as number[][];
    const y = diffuseTensor(x, draw);
    const gy = tf.grad(f)(y).arraySync() as number[][];
    for (let i = 0; i < n; i++) {
      expect(draw.signalScale[i]).toBeCloseTo(Math.sqrt(alphaBar[draw.t[i]]), 6);
      for (let j = 0; j < 2; j++) expect(gx[i][j]).toBeCloseTo(draw.signalScale[i] * gy[i][j], 5);
    }
    // The generator step itself changes G: its weights move after a step with diffusion at large T.
    const trainer = make({ diffusion: { noiseSd: 0.5, tMin: 80, tMax: 100 } });
    const before = trainer.g.params['h0.w'].dataSync().slice();
    trainer.trainStep();
    expect(Array.from(trainer.g.params['h0.w'].dataSync())).not.toEqual(Array.from(before));
    trainer.dispose();
  });

  it('D is conditioned on t: the same input at different t gets different logits', () => {
    const trainer = make();
    const y = tf.tensor2d([[0.5, -0.5]]);
    const logits = [0, 7, 90].map((t) => {
      const emb = tf.tensor2d(
        Array.from({ length: 16 }, (_, i) =>
          i < 8 ? Math.sin(t / 10_000 ** (i / 8)) : Math.cos(t / 10_000 ** ((i - 8) / 8)),
        ),
        [1, 16],
      );
      return trainer.d.judge(y, emb).logits.dataSync()[0];
    });
    expect(new Set(logits).size).toBe(3);
    trainer.dispose();
  });

  it('the same seed gives identical training, another seed does not', () => {
    const run = (seed: number) => {
      const trainer = make({ seed });
      for (let i = 0; i < 30; i++) trainer.trainStep();
      const tick = trainer.tick();
      const state = trainer.getState();
      trainer.dispose();
      return { tick, w: Array.from(state.g['out.w'].data) };
    };
    const a = run(4);
    expect(run(4)).toEqual(a);
    expect(run(5).w).not.toEqual(a.w);
  });

  it('MLP steps through the hand-written backward passes train exactly like the autodiff tape', () => {
    const cases: TrainConfigInput[] = [
      { r1Gamma: 1, r1Interval: 4 }, // every 4th D step goes through the tape for R1
      { loss: 'hinge' },
      { loss: 'lsgan', nCritic: 2 },
      { model: 'gan' },
    ];
    for (const extra of cases) {
      const run = (traced: boolean) => {
        const trainer = make(extra);
        trainer.useTracedPasses = traced;
        let tracedPasses = 0;
        const { traced: tracedD } = trainer.d;
        if (!tracedD) throw new Error('the MLP D has no traced pass');
        (trainer.d as { traced: typeof tracedD }).traced = (y, emb) => {
          tracedPasses += 1;
          return tracedD(y, emb);
        };
        for (let i = 0; i < 25; i++) trainer.trainStep();
        expect(tracedPasses > 0, 'traced passes used').toBe(traced);
        const tick = trainer.tick();
        const state = trainer.getState();
        trainer.dispose();
        return { tick, g: state.g, d: state.d, ema: state.ema, optD: state.optD, adaptive: state.adaptive };
      };
      const traced = run(true);
      expect(traced, JSON.stringify(extra)).toEqual(run(false));
      expect(Number.isFinite(traced.tick.lossD)).toBe(true);
    }
  });

  it('a restored checkpoint continues exactly like an uninterrupted run (weights, Adam, EMA, T/p, pool, RNG)', () => {
    const straight = make();
    for (let i = 0; i < 50; i++) straight.trainStep();
    const straightTick = straight.tick();

    const first = make();
    for (let i = 0; i < 22; i++) first.trainStep(); // not a multiple of ada_interval: accumulators mid-way
    const blob = encodeState(first.getState());
    first.dispose();
    const resumed = make();
    resumed.setState(decodeState<TrainingState>(blob));
    expect(resumed.step).toBe(22);
    for (let i = 22; i < 50; i++) resumed.trainStep();
    const resumedTick = resumed.tick();
    const a = straight.getState();
    const b = resumed.getState();
    expect(b.adaptive).toEqual(a.adaptive);
    expect(b.adaptive!.T).toBeGreaterThan(5); // the controller moved, so this compares something
    expect(Array.from(b.ema['out.w'].data)).toEqual(Array.from(a.ema['out.w'].data));
    expect(Array.from(b.d['h1.w'].data)).toEqual(Array.from(a.d['h1.w'].data));
    expect(b.optG.step).toBe(a.optG.step);
    expect(b.rng).toEqual(a.rng);
    expect(resumedTick.T).toBe(straightTick.T);
    expect(resumedTick.lossG).toBeCloseTo(straightTick.lossG, 5);
    straight.dispose();
    resumed.dispose();
  });

  it('model=gan trains without diffusion: no T, p or r_d', () => {
    const trainer = make({ model: 'gan' });
    for (let i = 0; i < 10; i++) trainer.trainStep();
    const tick = trainer.tick();
    expect(tick).toMatchObject({ T: null, p: null, rd: null });
    expect(Number.isFinite(tick.lossD)).toBe(true);
    trainer.dispose();
  });

  it('a non-finite weight stops training with a DivergenceError naming the step', () => {
    const trainer = make();
    for (let i = 0; i < 4; i++) trainer.trainStep();
    trainer.d.params['out.b'].assign(tf.tensor1d([Number.NaN]));
    let error: unknown;
    try {
      for (let i = 0; i < 10; i++) trainer.trainStep();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as Error).message).toMatch(/diverged at step \d+: non-finite loss/);
    trainer.dispose();
  });
});
