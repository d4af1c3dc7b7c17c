/**
 * timeInvert300: one 300-step inversion (core/invert/projector.ts, default settings: pixel +
 * D-feature + prior loss, a readback every step for the progress callback) at 28x28x1 with the
 * mnist preset's network sizes (zDim 64, G and D width 32), random weights, target drawn by G
 * from another latent. The figure the issue targets (<= 3 s); the median of `rounds` runs.
 */

import { Rng } from '../engine/rng';
import { GanModel } from '../invert/gan-model';
import { project } from '../invert/projector';
import { parseConfig } from '../train/config';
import { PRESETS } from '../train/presets';
import { Trainer } from '../train/trainer';
import { median } from './median';

export function benchModel(): GanModel {
  // The preset is class-conditional now; this figure is for the plain z -> image generator.
  const config = parseConfig({ ...PRESETS.mnist.config, imageMetrics: false, conditional: false });
  const trainer = new Trainer(config, null, undefined, { sampleShape: [28, 28, 1], numClasses: 0 });
  try {
    return GanModel.fromCheckpoint(0, config, trainer.getState());
  } finally {
    trainer.dispose();
  }
}

/** Median ms of a 300-step inversion over `rounds` runs, after a short warm-up run. */
export function timeInvert300(rounds: number): number {
  const model = benchModel();
  try {
    const target = model.render(model.sampleLatents(1, new Rng(2)));
    project(model, target, { steps: 20 });
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const start = performance.now();
      project(model, target, { steps: 300, seed: r });
      times.push(performance.now() - start);
    }
    return median(times);
  } finally {
    model.dispose();
  }
}
