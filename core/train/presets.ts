/**
 * Named starting points for a run. A preset is a partial config; `--set` overrides it and the
 * schema fills the rest. The 2D presets follow the Diffusion-GAN toy: MLPs with two hidden
 * layers of 128 and LeakyReLU, batch 256, 20k steps.
 */
import type { TrainConfigInput } from './config';

/** Diffusion settings for data on the scale of the 2D toys (a few units, not [-1, 1] images). */
const toyDiffusion = { noiseSd: 0.5, tMin: 5, tMax: 500 } as const;

export const PRESETS: Record<string, { description: string; config: TrainConfigInput }> = {
  grid25: {
    description: '25 Gaussians on a 5x5 grid (std 0.05): the mode-collapse benchmark',
    config: { model: 'diffusion-gan', dataset: { name: 'grid25' }, diffusion: toyDiffusion },
  },
  ring8: {
    description: '8 Gaussians on a ring of radius 2 (std 0.02)',
    config: { model: 'diffusion-gan', dataset: { name: 'ring8' }, diffusion: toyDiffusion },
  },
  swissroll: {
    description: 'the 2D swiss roll',
    config: { model: 'diffusion-gan', dataset: { name: 'swissroll' }, diffusion: toyDiffusion },
  },
  moons: {
    description: 'two interleaving half circles',
    config: { model: 'diffusion-gan', dataset: { name: 'moons' }, diffusion: toyDiffusion },
  },
  csv: {
    description: 'your own 2D points: --set dataset.path=points.csv',
    config: { model: 'diffusion-gan', dataset: { name: 'csv' }, diffusion: toyDiffusion },
  },
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
