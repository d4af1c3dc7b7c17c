/** Sampling from a stored checkpoint without rebuilding the whole training session. */
import { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { MlpGenerator } from '../models/mlp';
import { disposeParams, writeParams } from '../models/params';
import type { TrainConfig } from './config';
import type { TrainingState } from './trainer';

/** n samples [n, 2] from the checkpoint's EMA generator (or raw G), z drawn from `seed`. */
export function samplePoints(
  config: TrainConfig,
  state: TrainingState,
  n: number,
  seed: number,
  useEma = true,
): Float32Array {
  const gc = config.generator;
  const g = new MlpGenerator(new Rng(0), gc.zDim, gc.width, gc.depth, 2);
  try {
    writeParams(g.params, useEma ? state.ema : state.g);
    const z = new Rng(seed).fillNormal(new Float32Array(n * gc.zDim));
    const x = tf.tidy(() => g.apply(tf.tensor2d(z, [n, gc.zDim])));
    const out = x.dataSync() as Float32Array;
    x.dispose();
    return out;
  } finally {
    disposeParams(g.params);
  }
}
