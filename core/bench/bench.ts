/**
 * Speed figures of the active backend, each the median of repeated timings taken in one run
 * (machines are shared and noisy: ratios taken within a run are what compare).
 */

import { pointsSampleSource } from '../data/sources';
import { activeBackend } from '../engine/backend';
import * as tf from '../engine/tf';
import { measureMatmulGflops } from '../engine/wasm-kernels';
import { parseConfig } from '../train/config';
import { PRESETS } from '../train/presets';
import { Trainer } from '../train/trainer';
import { timeDcganStep, timeEdit } from './image-bench';
import { timeInvert300 } from './invert-bench';
import { median } from './median';

export interface BenchResult {
  backend: string;
  /** Plain [256,256]x[256,256] matmul throughput. */
  matmulGflops: number;
  /** One Diffusion-GAN training step (D step + G step) on the grid25 MLP at batch 256. */
  step2dMs: number;
  /** The same with everything the grid25 preset adds (its lazy R1 penalty every 16 steps). */
  step2dPresetMs: number;
  /** One DCGAN training step (D + G, non-saturating loss, Adam) at batch 64 on 28x28 (image-bench.ts). */
  dcganStepMs: number;
  /** G's forward for one latent at 64x64: the latency of a slider edit. */
  editMs: number;
  /** One 300-step inversion at 28x28 (invert-bench.ts). */
  invert300Ms: number;
  /** Tensors alive before and after the timed steps (equal when nothing leaks). */
  tensorsBefore: number;
  tensorsAfter: number;
}

/** Median milliseconds per step over `rounds` rounds of `stepsPerRound` steps, after warm-up. */
export function timeTrainingStep(trainer: Trainer, rounds: number, stepsPerRound: number): number {
  for (let i = 0; i < stepsPerRound; i++) trainer.trainStep();
  trainer.tick();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < stepsPerRound; i++) trainer.trainStep();
    trainer.tick(); // includes the readback, so queued work is finished on async backends too
    times.push((performance.now() - start) / stepsPerRound);
  }
  return median(times);
}

export function runBench(options: { rounds?: number; onStage?: (stage: string) => void } = {}): BenchResult {
  const rounds = options.rounds ?? 9;
  const backend = activeBackend()?.provider ?? tf.getBackend();
  options.onStage?.('matmul');
  const matmulGflops = measureMatmulGflops();
  options.onStage?.('Diffusion-GAN 2D step');
  const time = (overrides: object) => {
    const config = parseConfig({ ...PRESETS.grid25.config, batch: 256, logEvery: 1_000_000, ...overrides });
    const trainer = new Trainer(config, pointsSampleSource(config));
    const before = tf.memory().numTensors;
    const ms = timeTrainingStep(trainer, rounds, 48);
    const after = tf.memory().numTensors;
    trainer.dispose();
    return { ms, before, after };
  };
  const plain = time({ r1Gamma: 0 });
  const preset = time({});
  const step2dMs = plain.ms;
  const step2dPresetMs = preset.ms;
  const tensorsBefore = plain.before;
  const tensorsAfter = plain.after;
  options.onStage?.('DCGAN step');
  const dcganStepMs = timeDcganStep(rounds);
  options.onStage?.('64x64 edit');
  const editMs = timeEdit(Math.max(rounds, 5));
  options.onStage?.('300-step inversion');
  // Each round takes seconds: at most 5.
  const invert300Ms = timeInvert300(Math.min(rounds, 5));
  return {
    backend,
    matmulGflops,
    step2dMs,
    step2dPresetMs,
    dcganStepMs,
    editMs,
    invert300Ms,
    tensorsBefore,
    tensorsAfter,
  };
}
