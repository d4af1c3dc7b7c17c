/**
 * The studio API on a real SQLite file, with a recording run manager standing in for the
 * host's workers (worker behaviour is tested in test/main/host): config and preset methods,
 * run listing and editing, conflict and not-found codes, columnar metrics, samples and the
 * flipbook GIF, checkpoints, comparison and the 2D D-field from a real trained checkpoint.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GifReader } from 'omggif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBody } from '../../../core/api/api-error';
import type { RunManager, StudioNotifier } from '../../../core/api/run-manager';
import { StudioApi } from '../../../core/api/studio-api';
import { TrainingService } from '../../../core/api/training-service';
import { encodeGridPng } from '../../../core/data/images/png-encode';
import { initBackend } from '../../../core/engine/backend';
import * as tf from '../../../core/engine/tf';
import { RunStore } from '../../../core/store';
import { pngBytes } from '../data/images/fixtures';

const TINY = [
  'backend=wasm',
  'steps=60',
  'batch=32',
  'generator.width=16',
  'discriminator.width=16',
  'logEvery=10',
  'evalEvery=30',
  'checkpointEvery=30',
  'evalSamples=100',
];

class RecordingRuns implements RunManager {
  readonly calls: string[] = [];
  readonly active = new Set<number>();
  start(runId: number) {
    this.calls.push(`start ${runId}`);
    this.active.add(runId);
  }
  resume(runId: number, steps?: number) {
    this.calls.push(`resume ${runId} ${steps ?? ''}`.trim());
    this.active.add(runId);
  }
  async pause(runId: number) {
    this.calls.push(`pause ${runId}`);
    this.active.delete(runId);
  }
  async stop(runId: number) {
    this.calls.push(`stop ${runId}`);
    this.active.delete(runId);
  }
  isActive(runId: number) {
    return this.active.has(runId);
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-studio-api-'));
let store: RunStore;
let runs: RecordingRuns;
let api: StudioApi;
const notes: string[] = [];
const notify: StudioNotifier = {
  runChanged: (id) => notes.push(`changed ${id}`),
  runDeleted: (id) => notes.push(`deleted ${id}`),
};

beforeAll(async () => {
  await initBackend('wasm');
  store = RunStore.open(path.join(tmp, 'api.db'));
  runs = new RecordingRuns();
  api = new StudioApi({ store, runs, notify });
});
afterAll(() => {
  store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return errorBody(err).code;
  }
  return 'ok';
}

describe('StudioApi: presets and config', () => {
  it('lists presets with resolved configs, including those that need a path', async () => {
    const presets = await api.call('presets', {});
    const grid = presets.find((p) => p.name === 'grid25');
    expect(grid?.config).toMatchObject({ model: 'diffusion-gan', batch: 256, dataset: { name: 'grid25' } });
    const folder = presets.find((p) => p.name === 'folder');
    expect(folder?.config).toMatchObject({ dataset: { name: 'folder', channels: 3 }, logEvery: 50 });
  });

  it('maps config fields with type, range, options and unit', async () => {
    const fields = await api.call('configFields', {});
    expect(fields.find((f) => f.key === 'steps')).toMatchObject({
      type: 'integer',
      default: 20_000,
      minimum: 1,
      unit: 'minibatches',
    });
    expect(fields.find((f) => f.key === 'loss')).toMatchObject({
      type: 'enum',
      options: ['ns', 'hinge', 'lsgan', 'wgan-gp'],
    });
    expect(fields.find((f) => f.key === 'conditional')?.type).toBe('boolean');
  });

  it('validates settings, reporting every bad field with its key', async () => {
    const ok = await api.call('validateConfig', { preset: 'ring8', settings: ['batch=64'] });
    expect(ok).toMatchObject({ ok: true, config: { batch: 64, dataset: { name: 'ring8' } } });
    const bad = await api.call('validateConfig', {
      preset: 'grid25',
      settings: ['batch=0', 'loss=nope', 'diffusion.tMin=900', 'diffusion.tMax=100'],
    });
    expect(bad.ok).toBe(false);
    const keys = bad.ok ? [] : bad.errors.map((e) => e.key);
    expect(keys).toEqual(expect.arrayContaining(['loss', 'batch', 'diffusion.tMin']));
    const unknown = await api.call('validateConfig', { preset: 'nope', settings: [] });
    expect(unknown).toMatchObject({ ok: false, errors: [{ key: null }] });
  });

  it('preflights a folder and says why training would refuse it', async () => {
    const dir = path.join(tmp, 'images');
    fs.mkdirSync(dir);
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, `ok${i}.png`), pngBytes(16, 16));
    fs.writeFileSync(path.join(dir, 'broken.png'), Buffer.from('not a png'));
    const report = await api.call('preflightFolder', { path: dir });
    expect(report).toMatchObject({ usable: 3, total: 4, bad: [{ file: 'broken.png' }] });
    expect(report.refusal).toMatch(/3 usable images; at least 32/);
    expect(await codeOf(api.call('preflightFolder', { path: path.join(tmp, 'missing') }))).toBe('invalid');
    // startRun refuses the same folder before a run row exists.
    const before = store.listRuns().length;
    const start = api.call('startRun', { preset: 'folder', settings: [`dataset.path=${dir}`] });
    expect(await codeOf(start)).toBe('invalid');
    expect(store.listRuns()).toHaveLength(before);
  });
});

describe('StudioApi: runs', () => {
  it('starts a run through the manager and refuses bad settings without storing anything', async () => {
    const before = store.listRuns().length;
    expect(await codeOf(api.call('startRun', { preset: 'grid25', settings: ['batch=-1'] }))).toBe('invalid');
    expect(await codeOf(api.call('startRun', { preset: 'grid25', extra: 1 } as never))).toBe('invalid');
    expect(store.listRuns()).toHaveLength(before);
    const run = await api.call('startRun', { preset: 'grid25', settings: TINY, name: 'managed' });
    expect(run).toMatchObject({ name: 'managed', status: 'created', model: 'diffusion-gan', isImage: false });
    expect(runs.calls).toContain(`start ${run.id}`);
    expect(notes).toContain(`changed ${run.id}`);
    expect(await codeOf(api.call('deleteRun', { runId: run.id }))).toBe('conflict');
    await api.call('pauseRun', { runId: run.id });
    expect(await codeOf(api.call('pauseRun', { runId: run.id }))).toBe('conflict');
    await api.call('deleteRun', { runId: run.id });
    expect(notes).toContain(`deleted ${run.id}`);
    expect(await codeOf(api.call('getRun', { runId: run.id }))).toBe('not-found');
  });

  it('lists, filters, updates and compares runs', async () => {
    const service = new TrainingService(store);
    const a = service.createRun({ preset: 'grid25', settings: ['batch=64'] });
    const b = service.createRun({ preset: 'ring8', settings: ['batch=128'] });
    const updated = await api.call('updateRun', { runId: a.id, tags: ['baseline', 'x'], notes: 'first try' });
    expect(updated).toMatchObject({ tags: ['baseline', 'x'], notes: 'first try' });
    expect((await api.call('listRuns', { tag: 'baseline' })).map((r) => r.id)).toEqual([a.id]);
    expect((await api.call('listRuns', { dataset: 'ring8' })).map((r) => r.id)).toEqual([b.id]);
    expect((await api.call('listRuns', { search: 'first' })).map((r) => r.id)).toEqual([a.id]);
    expect(await codeOf(api.call('listRuns', { status: ['bogus'] }))).toBe('invalid');
    const compared = await api.call('compareRuns', { runIds: [a.id, b.id] });
    const keys = compared.differing.map((d) => d.key);
    expect(keys).toEqual(expect.arrayContaining(['batch', 'dataset.name']));
    expect(keys).not.toContain('model');
    expect(compared.differing.find((d) => d.key === 'batch')?.values).toEqual([64, 128]);
    expect(await codeOf(api.call('compareRuns', { runIds: [a.id, 99_999] }))).toBe('not-found');
  });

  it('refuses to resume a run already at its budget and resumes a paused one', async () => {
    const service = new TrainingService(store);
    const run = service.createRun({ preset: 'grid25', settings: TINY });
    store.updateRun(run.id, { status: 'paused' });
    await api.call('resumeRun', { runId: run.id, steps: 100 });
    expect(runs.calls).toContain(`resume ${run.id} 100`);
    await api.call('stopRun', { runId: run.id });
    store.saveCheckpoint(run.id, { step: 60, state: new Uint8Array([1]) }, { keepLast: 3 });
    expect(await codeOf(api.call('resumeRun', { runId: run.id, steps: 60 }))).toBe('invalid');
  });
});

describe('StudioApi: run data', () => {
  let runId: number;
  beforeAll(async () => {
    const result = await new TrainingService(store).train({
      preset: 'grid25',
      settings: TINY,
      name: 'trained',
    });
    runId = result.runId;
  });

  it('returns metrics as columns, only after sinceStep when asked', async () => {
    const names = await api.call('metricNames', { runId });
    expect(names).toEqual(expect.arrayContaining(['T', 'lossD', 'lossG', 'modes']));
    const all = await api.call('metrics', { runId, names: ['lossD', 'T'] });
    const lossD = all.find((s) => s.name === 'lossD')!;
    expect(lossD.steps).toEqual([10, 20, 30, 40, 50, 60]);
    expect(lossD.values).toHaveLength(6);
    const recent = await api.call('metrics', { runId, names: ['lossD'], sinceStep: 40 });
    expect(recent).toEqual([{ name: 'lossD', steps: [50, 60], values: lossD.values.slice(4) }]);
  });

  it('lists events, checkpoints and pins or deletes a checkpoint', async () => {
    expect((await api.call('events', { runId }))[0]).toMatchObject({ kind: 'start', step: 0 });
    const checkpoints = await api.call('checkpoints', { runId });
    expect(checkpoints.map((c) => c.step)).toEqual([30, 60]);
    const pinned = await api.call('pinCheckpoint', { runId, step: 30, pinned: true });
    expect(pinned.find((c) => c.step === 30)?.pinned).toBe(true);
    expect(await codeOf(api.call('pinCheckpoint', { runId, step: 45, pinned: true }))).toBe('not-found');
    const left = await api.call('deleteCheckpoint', { runId, step: 30 });
    expect(left.map((c) => c.step)).toEqual([60]);
  });

  it('computes the D field of a 2D run over a grid with real and generated points, leaking no tensors', async () => {
    await api.call('field2d', { runId, resolution: 8, points: 20 }); // warm-up: kernels and caches
    const before = tf.memory().numTensors;
    const field = await api.call('field2d', { runId, t: 3, resolution: 16, points: 50 });
    expect(tf.memory().numTensors).toBe(before);
    expect(field).toMatchObject({ t: 3, min: expect.any(Number), resolution: 16, checkpointStep: 60 });
    expect(field.max).toBe(-field.min);
    expect(field.values).toHaveLength(256);
    expect(field.values.every((v) => v > 0 && v < 1)).toBe(true);
    expect(new Set(field.values.map((v) => v.toFixed(6))).size).toBeGreaterThan(1);
    expect(field.real).toHaveLength(50);
    expect(field.fake).toHaveLength(50);
    const other = await api.call('field2d', { runId, t: 200, resolution: 16, points: 50 });
    expect(other.values).not.toEqual(field.values);
  });

  it('refuses the D field for an image run and a missing checkpoint', async () => {
    const image = new TrainingService(store).createRun({ preset: 'mnist' });
    expect(await codeOf(api.call('field2d', { runId: image.id }))).toBe('invalid');
    const empty = new TrainingService(store).createRun({ preset: 'grid25' });
    expect(await codeOf(api.call('field2d', { runId: empty.id }))).toBe('not-found');
  });

  it('serves a sample as base64 and all grids of a run as an animated GIF that decodes', async () => {
    const run = new TrainingService(store).createRun({ preset: 'mnist' });
    for (const [step, level] of [
      [100, -1],
      [200, 0.5],
    ]) {
      const images = new Float32Array(4 * 8 * 8).fill(level);
      const data = encodeGridPng(images, { count: 4, height: 8, width: 8, channels: 1 });
      store.saveSample(run.id, { step, kind: 'grid', mime: 'image/png', data });
    }
    expect(await api.call('listSamples', { runId: run.id })).toHaveLength(2);
    const one = await api.call('sample', { runId: run.id, kind: 'grid', step: 200 });
    expect(one.mime).toBe('image/png');
    expect(Buffer.from(one.base64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(await codeOf(api.call('sample', { runId: run.id, kind: 'grid', step: 150 }))).toBe('not-found');

    const gif = await api.call('samplesGif', { runId: run.id, frameMs: 300 });
    expect(gif.mime).toBe('image/gif');
    const reader = new GifReader(Buffer.from(gif.base64, 'base64'));
    expect(reader.numFrames()).toBe(2);
    expect(reader.frameInfo(0).delay).toBe(30);
    const pixels = new Uint8Array(reader.width * reader.height * 4);
    const inFirstImage = 4 * (4 * reader.width + 4); // past the grid's 2-pixel padding
    reader.decodeAndBlitFrameRGBA(0, pixels);
    expect(pixels[inFirstImage]).toBeLessThan(10); // -1 is black
    reader.decodeAndBlitFrameRGBA(1, pixels);
    expect(Math.abs(pixels[inFirstImage] - 191)).toBeLessThanOrEqual(2); // 0.5 is 75% grey
    expect(await codeOf(api.call('samplesGif', { runId }))).toBe('not-found');
  });
});
