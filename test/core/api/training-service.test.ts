/**
 * The training service against a real store file, in process: what the CLI cannot force from
 * outside (a weight turning NaN at a chosen step) and the checks it makes before writing a run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../core/api/errors';
import { resolveConfig, TrainingService } from '../../../core/api/training-service';
import { initBackend } from '../../../core/engine/backend';
import * as tf from '../../../core/engine/tf';
import { RunStore } from '../../../core/store';
import { decodeState } from '../../../core/train/state-codec';
import { Trainer, type TrainingState } from '../../../core/train/trainer';

const SETTINGS = [
  'backend=wasm',
  'batch=64',
  'generator.width=32',
  'discriminator.width=32',
  'logEvery=50',
  'evalEvery=50',
  'checkpointEvery=100',
  'evalSamples=500',
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-service-'));
const stores: RunStore[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const store of stores.splice(0)) store.close();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function openStore(name: string): RunStore {
  const store = RunStore.open(path.join(tmp, name));
  stores.push(store);
  return store;
}

/** Makes D's output weights NaN right after training step `step`, as an exploding update would. */
function poisonDiscriminatorAfter(step: number): void {
  const trainStep = Trainer.prototype.trainStep;
  vi.spyOn(Trainer.prototype, 'trainStep').mockImplementation(function (this: Trainer) {
    trainStep.call(this);
    if (this.step !== step) return;
    const w = this.d.params['out.w'];
    tf.tidy(() => w.assign(tf.fill(w.shape, Number.NaN)));
  });
}

describe('TrainingService', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('stops a run whose losses turn non-finite as diverged, records the step and cause, keeps the last good checkpoint and resumes from it', async () => {
    const store = openStore('diverge.db');
    const service = new TrainingService(store);
    poisonDiscriminatorAfter(120);
    const result = await service.train({ preset: 'grid25', steps: 400, seed: 1, settings: SETTINGS });

    expect(result.status).toBe('diverged');
    // Found at the next read-back of the losses: within one adaptive interval (4 steps).
    expect(result.step).toBeGreaterThan(120);
    expect(result.step).toBeLessThanOrEqual(124);
    expect(result.cause).toMatch(new RegExp(`step ${result.step}.*non-finite loss`));

    const run = store.requireRun(result.runId);
    expect(run).toMatchObject({ status: 'diverged', pid: null, error: result.cause });
    const events = store.events(result.runId).filter((e) => e.kind === 'diverged');
    expect(events).toHaveLength(1);
    expect(events[0].step).toBe(result.step);
    expect(events[0].message).toBe(result.cause);

    // Nothing from the poisoned steps was stored: the last tick, eval and checkpoint are at 100.
    const metrics = store.metrics(result.runId);
    expect(Math.max(...metrics.map((m) => m.step))).toBe(100);
    expect(metrics.filter((m) => m.value === null)).toEqual([]);
    expect(store.listCheckpoints(result.runId).map((c) => c.step)).toEqual([100]);
    const saved = store.loadCheckpoint(result.runId, 'latest');
    const state = decodeState<TrainingState>(saved?.state ?? new Uint8Array());
    for (const net of [state.g, state.d, state.ema]) {
      for (const [name, { data }] of Object.entries(net))
        expect(data.every(Number.isFinite), name).toBe(true);
    }

    // The good checkpoint is usable: without the fault the run resumes from it and completes.
    vi.restoreAllMocks();
    const resumed = await service.resume(result.runId);
    expect(resumed).toMatchObject({ status: 'completed', step: 400 });
    expect(store.events(result.runId).at(-1)).toMatchObject({ kind: 'resume', step: 100 });
    expect(store.metrics(result.runId).filter((m) => m.value === null)).toEqual([]);
  });

  it('frees every tensor a run allocated, whether the run completes or diverges', async () => {
    const service = new TrainingService(openStore('tensors.db'));
    const train = (steps: number) => service.train({ preset: 'grid25', steps, seed: 2, settings: SETTINGS });
    // A first run may create process-wide tensors (backend caches); later runs must not add any.
    await train(20);
    const before = tf.memory().numTensors;
    expect((await train(60)).status).toBe('completed');
    const afterCompleted = tf.memory().numTensors;
    poisonDiscriminatorAfter(30);
    expect((await train(60)).status).toBe('diverged');
    const afterDiverged = tf.memory().numTensors;
    expect({
      afterCompleted: afterCompleted - before,
      afterDiverged: afterDiverged - afterCompleted,
    }).toEqual({
      afterCompleted: 0,
      afterDiverged: 0,
    });
  });

  it('refuses bad requests before writing a run row', async () => {
    const store = openStore('refused.db');
    const service = new TrainingService(store);
    const requests = [
      { preset: 'nope' },
      { preset: 'grid25', settings: ['discriminator.tEmbedDim=7'] },
      { preset: 'grid25', settings: ['diffusion.betaStart=0.5', 'diffusion.betaEnd=0.1'] },
      { preset: 'csv', settings: [...SETTINGS, `dataset.path=${path.join(tmp, 'missing.csv')}`] },
      { preset: 'grid25', settings: ['dataset.path=points.csv'] },
    ];
    for (const request of requests) {
      await expect(service.train(request), JSON.stringify(request)).rejects.toBeInstanceOf(UserError);
    }
    expect(store.listRuns()).toEqual([]);
  });

  it('refuses to resume a run that another live process is training', async () => {
    const store = openStore('busy.db');
    const config = resolveConfig({ preset: 'grid25', steps: 100, settings: SETTINGS });
    const run = store.createRun({
      name: 'busy',
      model: config.model,
      dataset: config.dataset.name,
      config: config as unknown as Record<string, unknown>,
      seed: config.seed,
      totalSteps: config.steps,
    });
    store.updateRun(run.id, { status: 'running', pid: process.ppid });
    await expect(new TrainingService(store).resume(run.id)).rejects.toThrow(
      new RegExp(`being trained by process ${process.ppid}`),
    );
    expect(store.requireRun(run.id)).toMatchObject({ status: 'running', pid: process.ppid });
  });
});
