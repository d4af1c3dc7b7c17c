import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrainingService } from '../../../core/api/training-service';
import { loadMnist } from '../../../core/data/images/mnist';
import { initBackend } from '../../../core/engine/backend';
import * as tf from '../../../core/engine/tf';
import { trainClassifier } from '../../../core/metrics/classifier';
import { RunStore } from '../../../core/store';
import { sampleCheckpoint } from '../../../core/train/sampling';
import { decodeState } from '../../../core/train/state-codec';
import type { TrainingState } from '../../../core/train/trainer';
import { tinyDcgan } from './tiny-runs';

const tiny = tinyDcgan(9);

let dir: string;
let store: RunStore;

beforeAll(async () => {
  await initBackend('wasm');
});

function open(): RunStore {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-img-'));
  store = RunStore.open(path.join(dir, 'runs.db'));
  return store;
}

afterEach(() => {
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('image training through the service', () => {
  it('trains MNIST and stores a decodable sample grid PNG at every evaluation', async () => {
    const service = new TrainingService(open());
    const result = await service.train({ preset: 'mnist', steps: 8, settings: tiny });
    expect(result.status).toBe('completed');
    const grids = store.listSamples(result.runId, 'grid');
    expect(grids.map((g) => g.step)).toEqual([4, 8]);
    const png = PNG.sync.read(Buffer.from(store.loadSample(result.runId, 'grid', 8)!.data));
    expect(png.width).toBeGreaterThanOrEqual(3 * 28);
    expect(png.height).toBeGreaterThanOrEqual(3 * 28);
    const state = decodeState<TrainingState>(store.loadCheckpoint(result.runId, 'latest')!.state);
    expect(state.sampleShape).toEqual([28, 28, 1]);
    expect(Object.keys(state.gState).length).toBeGreaterThan(0); // batch-norm running statistics are saved
    const { values, sampleShape } = sampleCheckpoint(
      store.getRun(result.runId)!.config as never,
      state,
      5,
      0,
    );
    expect(sampleShape).toEqual([28, 28, 1]);
    expect(values.length).toBe(5 * 28 * 28);
    expect(values.every((v) => v >= -1 && v <= 1)).toBe(true);
  });

  it('a folder run trains on the good files and records every skipped file with its reason', async () => {
    const images = path.join(os.tmpdir(), `gs-folder-${process.pid}`);
    fs.mkdirSync(images, { recursive: true });
    for (let i = 0; i < 34; i++) {
      const png = new PNG({ width: 20, height: 20 });
      for (let j = 0; j < png.data.length; j++) png.data[j] = (i * 13 + j) % 256;
      fs.writeFileSync(path.join(images, `ok${i}.png`), PNG.sync.write(png));
    }
    const one = new PNG({ width: 1, height: 1 });
    fs.writeFileSync(path.join(images, 'tiny.png'), PNG.sync.write(one));
    fs.writeFileSync(path.join(images, 'empty.png'), '');
    fs.writeFileSync(path.join(images, 'notes.png'), 'not an image');
    try {
      const service = new TrainingService(open());
      const result = await service.train({
        preset: 'folder',
        steps: 4,
        settings: [...tiny, `dataset.path=${images}`, 'dataset.channels=1'],
      });
      expect(result.status).toBe('completed');
      const event = store.events(result.runId).find((e) => e.kind === 'data')!;
      expect(event.message).toMatch(/^3 files skipped/);
      const skipped = (event.data as { skipped: { file: string; reason: string }[] }).skipped;
      expect(skipped.map((s) => s.file).sort()).toEqual(['empty.png', 'notes.png', 'tiny.png']);
      expect(new Set(skipped.map((s) => s.reason)).size).toBe(3);
    } finally {
      fs.rmSync(images, { recursive: true, force: true });
    }
  });

  it('class-conditional MNIST with InfoGAN codes trains, leaks no tensors, and resumes exactly', async () => {
    const settings = [...tiny, 'conditional=true', 'infoCategorical=3', 'infoContinuous=2'];
    const service = new TrainingService(open());
    const before = tf.memory().numTensors;
    const straight = await service.train({ preset: 'mnist', steps: 8, settings, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const stopped = await service.train(
      { preset: 'mnist', steps: 8, settings, seed: 3 },
      {
        control: () => 'stop',
      },
    );
    expect(stopped.status).toBe('stopped');
    const resumed = await service.resume(stopped.runId);
    expect(resumed.status).toBe('completed');
    const a = decodeState<TrainingState>(store.loadCheckpoint(straight.runId, 8)!.state);
    const b = decodeState<TrainingState>(store.loadCheckpoint(resumed.runId, 8)!.state);
    expect(Array.from(b.ema['out.w'] ? b.ema['out.w'].data : Object.values(b.ema)[0].data)).toEqual(
      Array.from(a.ema['out.w'] ? a.ema['out.w'].data : Object.values(a.ema)[0].data),
    );
    for (const name of Object.keys(a.gState)) {
      expect(Array.from(b.gState[name].data), name).toEqual(Array.from(a.gState[name].data));
    }
    expect(store.latestMetrics(resumed.runId)).toEqual(store.latestMetrics(straight.runId));
  });

  it('computes classifier metrics at each evaluation with the stored classifier and ranks checkpoints by FID', async () => {
    open();
    // A quickly trained classifier stands in for the one a first MNIST run trains and keeps.
    const train = loadMnist({ split: 'train' });
    const subset = {
      ...train,
      count: 600,
      images: train.images.subarray(0, 600 * 784),
      labels: train.labels!.subarray(0, 600),
    };
    const { classifier, accuracy } = trainClassifier(subset, loadMnist({ split: 'test' }), {
      seed: 1,
      epochs: 1,
    });
    store.saveClassifier('mnist:28', {
      accuracy,
      info: classifier.info as never,
      data: classifier.serialize(),
    });
    classifier.dispose();
    const statuses: string[] = [];
    const service = new TrainingService(store);
    const settings = tiny.filter((s) => s !== 'imageMetrics=false').concat(['evalSamples=200']);
    const result = await service.train(
      { preset: 'mnist', steps: 8, settings },
      { onStatus: (m) => statuses.push(m) },
    );
    expect(statuses).toEqual([]); // the stored classifier was used, none trained
    for (const name of ['fid', 'kid', 'classCoverage', 'classKl', 'inceptionScore', 'precision', 'recall']) {
      expect(result.metrics[name], name).toEqual(expect.any(Number));
    }
    expect(result.metrics.inceptionScore!).toBeGreaterThanOrEqual(1);
    const checkpoints = store.listCheckpoints(result.runId);
    expect(checkpoints.every((c) => c.metricName === 'fid')).toBe(true);
    expect(checkpoints.filter((c) => c.isBest)).toHaveLength(1);
  });

  it('refuses a missing folder, a folder with too few images and conditional=true without classes in one line, creating no run', async () => {
    const service = new TrainingService(open());
    const few = path.join(dir, 'few');
    fs.mkdirSync(few);
    for (let i = 0; i < 3; i++) {
      const png = new PNG({ width: 16, height: 16 });
      fs.writeFileSync(path.join(few, `ok${i}.png`), PNG.sync.write(png));
    }
    const attempts: [string[], RegExp][] = [
      [[`dataset.path=${path.join(dir, 'nope')}`], /^folder .*nope does not exist$/],
      [[`dataset.path=${few}`], /^folder .*few has 3 usable images; at least 32 are needed/],
      [
        [`dataset.path=${few}`, 'dataset.channels=1', 'conditional=true'],
        /few has 3 usable images|conditional=true needs a dataset with classes/,
      ],
    ];
    for (const [settings, message] of attempts) {
      await expect(
        service.train({ preset: 'folder', steps: 2, settings: [...tiny, ...settings] }),
      ).rejects.toThrow(message);
    }
    expect(store.listRuns()).toEqual([]);
  });
});
