/**
 * Shared fixtures for tests that need trained runs: tiny DCGAN settings (a run takes a second
 * or two on wasm) and the three runs the inversion tests refuse or accept — an image run with
 * checkpoints, a 2D run, and an image run without any checkpoint.
 */
import { TrainingService } from '../../../core/api/training-service';
import type { RunStore } from '../../../core/store';
import { parseConfig } from '../../../core/train/config';

export function tinyDcgan(gridSize = 4): string[] {
  return [
    'batch=8',
    'generator.zDim=8',
    'generator.width=4',
    'discriminator.width=4',
    'logEvery=2',
    'evalEvery=4',
    'checkpointEvery=4',
    'evalSamples=16',
    `gridSize=${gridSize}`,
    'imageMetrics=false',
  ];
}

export interface InversionRuns {
  /** Unconditional tiny MNIST DCGAN (a plain z latent), checkpoints every 4 steps. */
  imageRun: number;
  pointsRun: number;
  /** An MNIST run row with no checkpoint. */
  emptyRun: number;
}

export async function trainInversionRuns(store: RunStore, imageSteps: number): Promise<InversionRuns> {
  const training = new TrainingService(store);
  const imageRun = (
    await training.train({
      preset: 'mnist',
      steps: imageSteps,
      settings: ['conditional=false', ...tinyDcgan()],
    })
  ).runId;
  const pointsRun = (
    await training.train({ preset: 'grid25', steps: 4, settings: ['checkpointEvery=2', 'evalEvery=2'] })
  ).runId;
  const config = parseConfig({ dataset: { name: 'mnist', size: 28 } });
  const emptyRun = store.createRun({
    name: 'no checkpoint',
    preset: 'mnist',
    model: config.model,
    dataset: 'mnist',
    config: config as unknown as Record<string, unknown>,
    seed: 1,
    totalSteps: 10,
    backend: 'wasm',
  }).id;
  return { imageRun, pointsRun, emptyRun };
}
