/**
 * D's view of the plane for 2D runs: D(y, t) (as a sigmoid probability) over a square grid
 * covering the data, at a chosen diffusion step t, with real points and EMA-G samples on top.
 * This is the heatmap behind the run page's scatter, computed from a stored checkpoint.
 */
import { pointSource } from '../data/points2d';
import { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { embedSteps } from '../models/t-embedding';
import type { CheckpointSelector, RunStore } from '../store';
import { isImageDataset, parseConfig, type TrainConfig } from '../train/config';
import { decodeState } from '../train/state-codec';
import { Trainer, type TrainingState } from '../train/trainer';
import { invalid, notFound } from './api-error';
import { useBackend } from './backend';
import type { Field2d } from './contract';

export interface Field2dRequest {
  checkpoint: CheckpointSelector;
  t: number;
  resolution: number;
  points: number;
}

// Fixed seeds: the same request draws the same real points and latents every time.
const REAL_SEED = 11;
const FAKE_SEED = 12;

export async function field2d(store: RunStore, runId: number, request: Field2dRequest): Promise<Field2d> {
  const run = store.getRun(runId);
  if (!run) throw notFound(`run ${runId} does not exist`);
  if (isImageDataset(run.dataset)) {
    throw invalid(`run ${runId} trains on images (${run.dataset}); the D field is shown for 2D runs only`);
  }
  const checkpoint = store.loadCheckpoint(runId, request.checkpoint);
  if (!checkpoint) throw notFound(`run ${runId} has no checkpoint ${request.checkpoint} yet`);
  const config = parseConfig(run.config);
  await useBackend(config.backend);
  const state = decodeState<TrainingState>(checkpoint.state);
  const session = new Trainer(config, null, undefined, { sampleShape: [2], numClasses: 0 });
  try {
    session.setState(state);
    const fake = session.sample(request.points, FAKE_SEED);
    const real = realPoints(config, request.points);
    const extent = dataExtent(config, real ?? fake);
    // model=gan trains D on clean inputs only: its t embedding is always that of t = 0.
    const t = config.model === 'diffusion-gan' ? request.t : 0;
    const values = evaluateGrid(session, config, extent, request.resolution, t);
    return {
      t,
      min: -extent,
      max: extent,
      resolution: request.resolution,
      values,
      real: real ? pairs(real) : [],
      fake: pairs(fake),
      checkpointStep: checkpoint.step,
    };
  } finally {
    session.dispose();
  }
}

/** Fresh points from the dataset, or null when it can no longer be read (a moved CSV). */
function realPoints(config: TrainConfig, n: number): Float32Array | null {
  try {
    const source = pointSource(config.dataset);
    const out = new Float32Array(n * 2);
    source.next(new Rng(REAL_SEED), n, out);
    return out;
  } catch {
    return null;
  }
}

function dataExtent(config: TrainConfig, points: Float32Array): number {
  if (config.dataset.name !== 'csv') {
    try {
      return pointSource(config.dataset).extent;
    } catch {
      // fall through to the points' own extent
    }
  }
  let max = 0;
  for (const v of points) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  return max > 0 ? max * 1.1 : 1;
}

/** sigmoid(D(y, t)) at the centres of a resolution x resolution grid, row-major, y ascending. */
function evaluateGrid(
  session: Trainer,
  config: TrainConfig,
  extent: number,
  res: number,
  t: number,
): number[] {
  const n = res * res;
  const grid = new Float32Array(n * 2);
  const cell = (2 * extent) / res;
  for (let row = 0; row < res; row++) {
    for (let col = 0; col < res; col++) {
      const i = row * res + col;
      grid[2 * i] = -extent + (col + 0.5) * cell;
      grid[2 * i + 1] = -extent + (row + 0.5) * cell;
    }
  }
  const dim = config.discriminator.tEmbedDim;
  const embedding = embedSteps(new Int32Array(n).fill(t), dim);
  const probs = tf.tidy(() => {
    const judged = session.d.judge(tf.tensor2d(grid, [n, 2]), tf.tensor2d(embedding, [n, dim]));
    return tf.sigmoid(judged.logits);
  });
  const values = Array.from(probs.dataSync());
  probs.dispose();
  return values;
}

function pairs(flat: Float32Array): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}
