/**
 * Speed figures for the image GANs on the active backend, each the median of repeated timings in
 * one process (the machine is shared and noisy: compare figures taken in the same run).
 *
 * - timeDcganStep: one DCGAN training step, D step then G step, of the frozen benchmark pair
 *   (dcganBenchNets) at batch 64 on 28x28x1, non-saturating loss, the project's Adam
 *   (core/train/adam.ts, lr 2e-4, betas 0.5 / 0.999), real images uniform noise. D sees real and
 *   fake in one batch of 128, as the Trainer does. G runs forward twice per step, as in the
 *   Trainer: for D's fakes (outside any gradient tape) and again under G's tape (PyTorch's DCGAN
 *   example reuses one forward for both steps).
 * - timeEdit: DcganGenerator (64x64x3 RGB, zDim 100, width 64) forward for ONE latent through
 *   the inference path edits use (core/invert/folded-generator.ts: eval-mode batch norm folded
 *   into the layers), including the dataSync of the image: what a latent-slider edit costs.
 */

import { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { FoldedGenerator } from '../invert/folded-generator';
import { dcganBenchNets } from '../models/dcgan-bench';
import { DcganGenerator } from '../models/dcgan-generator';
import { disposeParams } from '../models/params';
import { Adam } from '../train/adam';
import { median } from './median';

const BATCH = 64;
const ADAM = { lr: 2e-4, beta1: 0.5, beta2: 0.999 };

/** Median ms of `run` over `rounds` timed calls after `warmup` untimed ones. */
function timeMedian(run: () => void, rounds: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

/**
 * make() inside a tidy: the layer helpers' tf.variable calls keep their initial tensors alive
 * beside the variables (variables themselves survive a tidy).
 */
function untracked<T>(make: () => T): T {
  let out: T | undefined;
  tf.tidy(() => {
    out = make();
  });
  return out as T;
}

export interface DcganStepHarness {
  /** One D step then one G step; returns the two losses read back (synchronises the backend). */
  step(): [number, number];
  dispose(): void;
}

/** The benchmark's training step, exposed so profilers and tests can run it outside timing. */
export function dcganStepHarness(seed = 1): DcganStepHarness {
  const rng = new Rng(seed);
  const nets = untracked(() => dcganBenchNets(rng));
  const optD = new Adam(nets.dParams, ADAM);
  const optG = new Adam(nets.gParams, ADAM);
  const dVars = Object.values(nets.dParams);
  const gVars = Object.values(nets.gParams);
  const realHost = new Float32Array(BATCH * 28 * 28);
  const zHost = new Float32Array(BATCH * nets.zDim);
  return {
    step() {
      rng.fillUniform(realHost, -1, 1);
      rng.fillNormal(zHost);
      const lossD = tf.tidy(() => {
        const real = tf.tensor4d(realHost, [BATCH, 28, 28, 1]);
        const fake = nets.generate(nets.gParams, tf.tensor2d(zHost, [BATCH, nets.zDim]));
        const { value, grads } = tf.variableGrads(() => {
          const logits = nets.discriminate(nets.dParams, tf.concat([real, fake], 0) as tf.Tensor4D);
          const realLogits = tf.slice(logits, [0, 0], [BATCH, 1]);
          const fakeLogits = tf.slice(logits, [BATCH, 0], [BATCH, 1]);
          return tf.add(
            tf.mean(tf.softplus(tf.neg(realLogits))),
            tf.mean(tf.softplus(fakeLogits)),
          ) as tf.Scalar;
        }, dVars);
        optD.apply(grads);
        return value;
      });
      rng.fillNormal(zHost);
      const lossG = tf.tidy(() => {
        const z = tf.tensor2d(zHost, [BATCH, nets.zDim]);
        const { value, grads } = tf.variableGrads(
          () =>
            tf.mean(
              tf.softplus(tf.neg(nets.discriminate(nets.dParams, nets.generate(nets.gParams, z)))),
            ) as tf.Scalar,
          gVars,
        );
        optG.apply(grads);
        return value;
      });
      const losses: [number, number] = [lossD.dataSync()[0], lossG.dataSync()[0]];
      lossD.dispose();
      lossG.dispose();
      return losses;
    },
    dispose() {
      optD.dispose();
      optG.dispose();
      disposeParams(nets.dParams);
      disposeParams(nets.gParams);
    },
  };
}

/** Median ms of one DCGAN D+G training step (see the module comment), after 3 warm-up steps. */
export function timeDcganStep(rounds: number): number {
  const harness = dcganStepHarness();
  try {
    return timeMedian(() => harness.step(), rounds, 3);
  } finally {
    harness.dispose();
  }
}

export interface EditHarness {
  /** G's eval-mode forward for one latent, read back. [64 * 64 * 3] */
  forward(): Float32Array;
  dispose(): void;
}

export function editHarness(seed = 1): EditHarness {
  const rng = new Rng(seed);
  const g = untracked(
    () => new DcganGenerator(rng, { zDim: 100, shape: { height: 64, width: 64, channels: 3 }, width: 64 }),
  );
  const folded = new FoldedGenerator(g);
  disposeParams(g.params);
  disposeParams(g.state);
  const zHost = rng.fillNormal(new Float32Array(100));
  return {
    forward() {
      const x = tf.tidy(() => folded.synthesize(tf.tensor2d(zHost, [1, 100])));
      const values = x.dataSync() as Float32Array;
      x.dispose();
      return values;
    },
    dispose() {
      folded.dispose();
    },
  };
}

/** Median ms of one 64x64x3 DcganGenerator forward for one latent (see the module comment). */
export function timeEdit(rounds: number): number {
  const harness = editHarness();
  try {
    return timeMedian(() => harness.forward(), rounds, 3);
  } finally {
    harness.dispose();
  }
}
