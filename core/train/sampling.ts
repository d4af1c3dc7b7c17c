/** Sampling from a stored checkpoint, without the dataset it was trained on. */
import type { TrainConfig } from './config';
import { Trainer, type TrainingState } from './trainer';

export interface Samples {
  /** [n, ...sampleShape]: points, or images in [-1, 1] (NHWC). */
  values: Float32Array;
  sampleShape: number[];
}

/** n samples from the checkpoint's EMA generator (or raw G), latents drawn from `seed`. */
export function sampleCheckpoint(
  config: TrainConfig,
  state: TrainingState,
  n: number,
  seed: number,
  useEma = true,
): Samples {
  const sampleShape = state.sampleShape ?? [2];
  const session = new Trainer(config, null, undefined, { sampleShape, numClasses: state.numClasses ?? 0 });
  try {
    session.setState(state);
    return { values: session.sample(n, seed, useEma), sampleShape };
  } finally {
    session.dispose();
  }
}
