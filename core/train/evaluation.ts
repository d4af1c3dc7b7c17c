/**
 * What an evaluation tick measures and keeps, per kind of data: for 2D points the mode
 * metrics and the energy distance plus the sampled points; for images a grid of samples from
 * fixed latents (a flipbook over steps) plus classifier metrics when a classifier is given.
 */
import { encodeGridPng } from '../data/images/png-encode';
import type { SampleSource } from '../data/sources';
import { Rng } from '../engine/rng';
import { energyDistance, modeMetrics } from '../metrics/modes2d';
import type { TrainConfig } from './config';

export interface Artifact {
  kind: string;
  mime: string;
  data: Uint8Array;
}

export interface Evaluation {
  step: number;
  metrics: Record<string, number>;
  artifacts: Artifact[];
}

/** Draws n samples [n, ...sampleShape] from G (the EMA), with z, labels and codes from `seed`. */
export type Sampler = (n: number, seed: number) => Float32Array;

export interface Evaluator {
  /** The metric that ranks checkpoints for "best" retention, if any. */
  readonly bestMetric: { name: string; higherIsBetter: boolean } | null;
  evaluate(sample: Sampler, step: number): Evaluation;
}

const EVAL_SEED_SALT = 0x5eed_e7a1;
const REFERENCE_POINTS = 1000;

export class NonFiniteSamplesError extends Error {}

function assertFinite(samples: Float32Array): void {
  if (!samples.every(Number.isFinite))
    throw new NonFiniteSamplesError('generator produced non-finite samples');
}

/** Mode metrics (mixtures) and energy distance (any 2D data) on evalSamples points. */
export function pointsEvaluator(
  config: TrainConfig,
  source: SampleSource,
  reference: Float32Array,
): Evaluator {
  return {
    bestMetric: { name: 'energyDistance', higherIsBetter: false },
    evaluate(sample, step) {
      const samples = sample(config.evalSamples, config.seed ^ EVAL_SEED_SALT);
      assertFinite(samples);
      const metrics: Record<string, number> = {};
      if (source.modes) {
        const m = modeMetrics(samples, source.modes);
        metrics.modes = m.modes;
        metrics.hqFraction = m.hqFraction;
        if (m.reverseKl !== null) metrics.reverseKl = m.reverseKl;
      }
      metrics.energyDistance = energyDistance(samples.subarray(0, reference.length), reference);
      return {
        step,
        metrics,
        artifacts: [
          {
            kind: 'points',
            mime: 'application/x-float32-points',
            data: new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength),
          },
        ],
      };
    },
  };
}

/** A fixed real reference for the energy distance, from its own stream, not the training one. */
export function pointsReference(config: TrainConfig, source: SampleSource): Float32Array {
  const reference = new Float32Array(REFERENCE_POINTS * 2);
  const saved = source.getCursor();
  source.next(new Rng(config.seed ^ EVAL_SEED_SALT), REFERENCE_POINTS, reference);
  source.setCursor(saved);
  return reference;
}

export interface ImageMetricsProvider {
  readonly bestMetric: { name: string; higherIsBetter: boolean } | null;
  /** Metrics of generated images [N, H, W, C] in [-1, 1]. */
  measure(generated: Float32Array): Record<string, number>;
}

/** A sample grid from fixed latents at every tick, and classifier metrics when available. */
export function imageEvaluator(
  config: TrainConfig,
  source: SampleSource,
  metrics?: ImageMetricsProvider,
): Evaluator {
  const [height, width, channels] = source.sampleShape;
  const gridSeed = config.seed ^ 0x0616_1d00;
  return {
    bestMetric: metrics?.bestMetric ?? null,
    evaluate(sample, step) {
      const grid = sample(config.gridSize, gridSeed);
      assertFinite(grid);
      const png = encodeGridPng(grid, { count: config.gridSize, height, width, channels: channels as 1 | 3 });
      const values = metrics ? metrics.measure(sample(config.evalSamples, config.seed ^ EVAL_SEED_SALT)) : {};
      return { step, metrics: values, artifacts: [{ kind: 'grid', mime: 'image/png', data: png }] };
    },
  };
}
