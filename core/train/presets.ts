/**
 * Named starting points for a run. A preset is a partial config; `--set` overrides it and the
 * schema fills the rest. The 2D presets follow the Diffusion-GAN toy: MLPs with two hidden
 * layers of 128 and LeakyReLU, batch 256, 20k steps.
 */
import type { TrainConfigInput } from './config';

/**
 * The 2D toys: data a few units wide (not [-1, 1] images), so sigma is 0.5. Adam at 1e-3,
 * d_target 0.4 and a lazy R1 penalty (gamma 1) were tuned on grid25 at 20k steps: without R1
 * the generator kept dropping and regaining 1-3 modes late in training (see README).
 */
const toy = {
  optG: { lr: 1e-3 },
  optD: { lr: 1e-3 },
  r1Gamma: 1,
  diffusion: { noiseSd: 0.5, tMin: 5, tMax: 500, dTarget: 0.4 },
} satisfies TrainConfigInput;

/**
 * DCGAN on images in [-1, 1]: sigma = 0.05 as in the paper, Adam (0.5, 0.999) at 2e-4 as in
 * DCGAN, batch 64. Width 32 because a step measured 193 ms at width 32 and 573 ms at 64 on
 * wasm (28x28), so 6,000 steps fit the 30-minute budget on 2 CPU cores only at 32.
 */
const imageBase = {
  model: 'diffusion-gan',
  batch: 64,
  steps: 6000,
  generator: { zDim: 64, width: 32 },
  discriminator: { width: 32 },
  optG: { lr: 2e-4 },
  optD: { lr: 2e-4 },
  diffusion: { noiseSd: 0.05, tMin: 5, tMax: 1000 },
  logEvery: 50,
  evalEvery: 500,
  checkpointEvery: 500,
  evalSamples: 2000,
  // A half-life of ~140 steps: 0.999 (~700 steps) leaves the average mostly at the initial
  // weights for the first thousand steps of a 6,000-step run.
  emaDecay: 0.995,
} satisfies TrainConfigInput;

export const PRESETS: Record<string, { description: string; config: TrainConfigInput }> = {
  grid25: {
    description: '25 Gaussians on a 5x5 grid (std 0.05): the mode-collapse benchmark',
    config: { ...toy, model: 'diffusion-gan', dataset: { name: 'grid25' } },
  },
  ring8: {
    description: '8 Gaussians on a ring of radius 2 (std 0.02)',
    config: { ...toy, model: 'diffusion-gan', dataset: { name: 'ring8' } },
  },
  swissroll: {
    description: 'the 2D swiss roll',
    config: { ...toy, model: 'diffusion-gan', dataset: { name: 'swissroll' } },
  },
  moons: {
    description: 'two interleaving half circles',
    config: { ...toy, model: 'diffusion-gan', dataset: { name: 'moons' } },
  },
  // Class-conditional (labels into G and D, as tfjs-examples' mnist-acgan): at this budget the
  // unconditional DCGAN reached an IS analogue of 6.2 and FID 80 at 6,000 steps, the
  // conditional one 8.5 and 23 by 4,500 (seed 1). `--set conditional=false` for unconditional.
  mnist: {
    description: 'Diffusion-GAN, class-conditional DCGAN 28x28 on the 8,000 MNIST training digits',
    config: { ...imageBase, conditional: true, dataset: { name: 'mnist', size: 28 } },
  },
  'mnist-gan': {
    description: 'the same conditional DCGAN on MNIST without diffusion, for comparison',
    config: { ...imageBase, conditional: true, model: 'gan', dataset: { name: 'mnist', size: 28 } },
  },
  shapes: {
    description:
      'procedurally drawn squares, ellipses and hearts (32x32) with known scale, rotation and position',
    config: { ...imageBase, dataset: { name: 'shapes', size: 32, count: 10_000 } },
  },
  folder: {
    description: 'your own pictures: --set dataset.path=DIR (PNG/JPEG, optionally one sub-folder per class)',
    config: { ...imageBase, dataset: { name: 'folder', size: 32, channels: 3 } },
  },
  csv: {
    description: 'your own 2D points: --set dataset.path=points.csv',
    config: { ...toy, model: 'diffusion-gan', dataset: { name: 'csv' } },
  },
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
