/** Tiny image GANs with random weights, loaded the way a checkpoint is, for inversion tests. */
import { GanModel } from '../../../core/invert/gan-model';
import { parseConfig, type TrainConfigInput } from '../../../core/train/config';
import { Trainer, type TrainingState } from '../../../core/train/trainer';

export function tinyConfig(overrides: TrainConfigInput = {}) {
  return parseConfig({
    dataset: { name: 'mnist', size: 28 },
    generator: { zDim: 8, width: 4 },
    discriminator: { width: 4 },
    batch: 8,
    imageMetrics: false,
    seed: 3,
    ...overrides,
  });
}

/** A fresh training state (random G, D, EMA = G) for the config, as a checkpoint holds it. */
export function tinyState(overrides: TrainConfigInput = {}, numClasses = 0): TrainingState {
  const config = tinyConfig(overrides);
  const [size, channels] = [
    config.dataset.size,
    config.dataset.name === 'folder' ? config.dataset.channels : 1,
  ];
  const trainer = new Trainer(config, null, undefined, { sampleShape: [size, size, channels], numClasses });
  try {
    const state = trainer.getState();
    // DCGAN's N(0, 0.02) initial weights make an untrained G draw nearly the same image for
    // every latent; scaled up, each layer passes on unit-size signals and G depends on u.
    const scale = (name: string, by: number) => {
      const w = state.ema[name];
      if (w) w.data = w.data.map((v) => v * by);
    };
    scale('fc.w', 20);
    scale('fc.label', 20);
    scale('fc.code', 20);
    scale('up1.w', 10);
    scale('out.w', 10);
    return state;
  } finally {
    trainer.dispose();
  }
}

export function tinyModel(overrides: TrainConfigInput = {}, numClasses = 0): GanModel {
  return GanModel.fromCheckpoint(1, tinyConfig(overrides), tinyState(overrides, numClasses));
}
