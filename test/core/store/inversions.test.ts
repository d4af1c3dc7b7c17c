import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../core/store';
import { newRun, openStore, tempDbPath } from './helpers';

const png = (n: number) => Uint8Array.from([137, 80, 78, 71, n]);

const inversion = (over: object = {}) => ({
  checkpointStep: 500,
  latentSpace: 'z' as const,
  latent: [0.5, -1.25, 3],
  steps: 300,
  start: 'mean',
  psnr: 24.5,
  ssim: 0.81,
  elapsedMs: 1234.5,
  lossCurve: [0.5, 0.25, Number.NaN],
  settings: { featureWeight: 0.1 },
  targetPng: png(1),
  reconstructionPng: png(2),
  ...over,
});

describe('inversion, direction and encoder tables', () => {
  it('migrates a version-2 database to the current version, keeping its runs', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    for (const sql of MIGRATIONS.slice(0, 2)) raw.exec(sql);
    raw.pragma('user_version = 2');
    raw
      .prepare(
        `INSERT INTO runs (name, model, dataset, total_steps, seed, created_at, updated_at)
         VALUES ('old', 'gan', 'mnist', 10, 1, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`,
      )
      .run();
    raw.close();
    const store = openStore(file);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
    expect(store.listRuns().map((r) => r.name)).toEqual(['old']);
    const id = store.addInversion(1, inversion());
    expect(store.getInversion(id)?.runId).toBe(1);
    expect(store.integrityCheck()).toBe('ok');
  });

  it('stores an inversion and reads back the same values', () => {
    const file = tempDbPath();
    const store = openStore(file);
    const run = newRun(store);
    const id = store.addInversion(run.id, inversion());
    store.close();
    const again = openStore(file);
    const row = again.getInversion(id)!;
    expect(row).toMatchObject({
      runId: run.id,
      checkpointStep: 500,
      latentSpace: 'z',
      latent: [0.5, -1.25, 3],
      steps: 300,
      start: 'mean',
      psnr: 24.5,
      ssim: 0.81,
      elapsedMs: 1234.5,
      lossCurve: [0.5, 0.25, null],
      settings: { featureWeight: 0.1 },
    });
    expect(Array.from(row.targetPng)).toEqual(Array.from(png(1)));
    expect(Array.from(row.reconstructionPng)).toEqual(Array.from(png(2)));
    expect(again.listInversions(run.id).map((r) => r.id)).toEqual([id]);
  });

  it('refuses inversions of missing runs and non-finite figures, storing nothing', () => {
    const store = openStore();
    const run = newRun(store);
    expect(() => store.addInversion(99, inversion())).toThrow(/run 99 does not exist/);
    expect(() => store.addInversion(run.id, inversion({ psnr: Number.POSITIVE_INFINITY }))).toThrow(/PSNR/);
    expect(() => store.addInversion(run.id, inversion({ latent: [1, Number.NaN] }))).toThrow(/finite/);
    expect(store.listInversions(run.id)).toEqual([]);
  });

  it('keeps directions per checkpoint, replacing same-named ones, and deletes them with the run', () => {
    const store = openStore();
    const run = newRun(store);
    const [a, b] = store.saveDirections(run.id, 100, [
      { method: 'pca', name: 'pca-1', vector: [1, 0], std: 2 },
      { method: 'pca', name: 'pca-2', vector: [0, 1], std: 1, info: { variance: 1 } },
    ]);
    store.saveDirections(run.id, 200, [{ method: 'sefa', name: 'sefa-1', vector: [0.6, 0.8], std: 1 }]);
    const [c] = store.saveDirections(run.id, 100, [
      { method: 'pca', name: 'pca-1', vector: [-1, 0], std: 3 },
    ]);
    expect(store.getDirection(a)).toBeUndefined();
    expect(store.listDirections(run.id, 100).map((d) => [d.id, d.name, d.std])).toEqual([
      [b, 'pca-2', 1],
      [c, 'pca-1', 3],
    ]);
    expect(store.getDirection(c)).toMatchObject({ checkpointStep: 100, vector: [-1, 0], method: 'pca' });
    expect(store.listDirections(run.id, 200).map((d) => d.name)).toEqual(['sefa-1']);
    expect(() =>
      store.saveDirections(run.id, 100, [{ method: 'pca', name: 'x', vector: [], std: 1 }]),
    ).toThrow();
    store.deleteRun(run.id);
    expect(store.getDirection(c)).toBeUndefined();
  });

  it('keeps one encoder per checkpoint, replaced on save', () => {
    const store = openStore();
    const run = newRun(store);
    store.saveEncoder(run.id, 100, { info: { steps: 10 }, data: Uint8Array.from([1]) });
    store.saveEncoder(run.id, 100, { info: { steps: 20 }, data: Uint8Array.from([2, 3]) });
    store.saveEncoder(run.id, 200, { info: { steps: 5 }, data: Uint8Array.from([4]) });
    const enc = store.loadEncoder(run.id, 100)!;
    expect(enc.info).toEqual({ steps: 20 });
    expect(Array.from(enc.data)).toEqual([2, 3]);
    expect(store.loadEncoder(run.id, 300)).toBeUndefined();
    expect(store.listEncoders(run.id).map((e) => e.checkpointStep)).toEqual([100, 200]);
  });
});
