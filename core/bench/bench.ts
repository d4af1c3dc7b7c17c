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
  /** One Diffusion-GAN training step (D step + G step) on the grid25 MLP at batch 256: the median step. */
  step2dMs: number;
  /**
   * The same steps' throughput: the median over rounds of a round's wall time per step, slow
   * steps and the closing readback included (threaded wasm has a tail, see README).
   */
  step2dMeanMs: number;
  /** Throughput (as step2dMeanMs) with everything the grid25 preset adds (its lazy R1 every 16 steps). */
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

export interface StepTiming {
  /** The median of the single steps' times. */
  medianMs: number;
  /** The median over rounds of a round's wall time (ending with a readback) per step. */
  meanMs: number;
}

/**
 * Times `rounds` rounds of `stepsPerRound` steps after a warm-up round, each step on its own.
 * On wasm, cpu and tfjs-node on a CPU, kernels run synchronously: a step's work is done when
 * trainStep returns. On a GPU work may still be queued then, and the round mean (each round
 * ends with a readback) is the figure to read.
 */
export function timeTrainingStep(trainer: Trainer, rounds: number, stepsPerRound: number): StepTiming {
  for (let i = 0; i < stepsPerRound; i++) trainer.trainStep();
  trainer.tick();
  const steps: number[] = [];
  const roundMeans: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const roundStart = performance.now();
    for (let i = 0; i < stepsPerRound; i++) {
      const start = performance.now();
      trainer.trainStep();
      steps.push(performance.now() - start);
    }
    trainer.tick();
    roundMeans.push((performance.now() - roundStart) / stepsPerRound);
  }
  return { medianMs: median(steps), meanMs: median(roundMeans) };
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
    const timing = timeTrainingStep(trainer, rounds, 48);
    const after = tf.memory().numTensors;
    trainer.dispose();
    return { timing, before, after };
  };
  const plain = time({ r1Gamma: 0 });
  const preset = time({});
  const step2dMs = plain.timing.medianMs;
  const step2dMeanMs = plain.timing.meanMs;
  const step2dPresetMs = preset.timing.meanMs;
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
    step2dMeanMs,
    step2dPresetMs,
    dcganStepMs,
    editMs,
    invert300Ms,
    tensorsBefore,
    tensorsAfter,
  };
}
