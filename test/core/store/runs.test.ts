import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../core/store';
import { bytes, newRun, openStore } from './helpers';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('runs', () => {
  it('creates a run with defaults and parsed JSON columns', () => {
    const store = openStore();
    const run = newRun(store, { tags: ['baseline', ' baseline ', 'ring'] });
    expect(run).toMatchObject({
      name: 'ring',
      preset: 'ring-2d',
      model: 'mlp',
      dataset: 'ring8',
      config: { lr: 2e-4, batch: 256 },
      status: 'created',
      step: 0,
      totalSteps: 1000,
      backend: 'cpu',
      seed: 42,
      tags: ['baseline', 'ring'],
      notes: '',
      pid: null,
      error: null,
      bestMetric: null,
      startedAt: null,
      finishedAt: null,
      elapsedMs: 0,
    });
    expect(run.createdAt).toMatch(ISO);
    expect(run.updatedAt).toBe(run.createdAt);
  });

  it('requireRun names the missing run', () => {
    const store = openStore();
    expect(store.getRun(7)).toBeUndefined();
    expect(() => store.requireRun(7)).toThrow(new StoreError('run 7 does not exist (see `gan-studio runs`)'));
  });

  it('updates the allowed fields and validates them', () => {
    const store = openStore();
    const run = newRun(store);
    const startedAt = new Date().toISOString();
    const updated = store.updateRun(run.id, {
      status: 'running',
      step: 10,
      pid: 1234,
      startedAt,
      bestMetric: Number.NaN,
      bestMetricName: 'modes',
      tags: ['x'],
      notes: 'first try',
      config: { lr: 1e-3 },
      elapsedMs: 1500,
    });
    expect(updated).toMatchObject({
      status: 'running',
      step: 10,
      pid: 1234,
      startedAt,
      bestMetric: null,
      bestMetricName: 'modes',
      tags: ['x'],
      notes: 'first try',
      config: { lr: 1e-3 },
      elapsedMs: 1500,
    });
    expect(store.updateRun(run.id, { pid: null, error: 'boom' })).toMatchObject({ pid: null, error: 'boom' });
    expect(() => store.updateRun(run.id, { status: 'exploded' as never })).toThrow(StoreError);
    expect(() => store.updateRun(run.id, { step: -1 })).toThrow(StoreError);
    expect(() => store.updateRun(run.id, { startedAt: 'yesterday' })).toThrow(StoreError);
    expect(() => store.updateRun(run.id, { seed: 1 } as never)).toThrow("cannot update run field 'seed'");
    expect(() => store.updateRun(99, { notes: 'x' })).toThrow('run 99 does not exist');
  });

  it('lists newest first and filters by status, model, dataset, tag and search', () => {
    const store = openStore();
    const a = newRun(store, { name: 'ring baseline', tags: ['baseline'] });
    const b = newRun(store, { name: 'mnist dcgan', model: 'dcgan', dataset: 'mnist', tags: ['conv'] });
    const c = newRun(store, { name: 'grid 100%', dataset: 'grid25', notes: 'try hinge loss' });
    store.updateRun(b.id, { status: 'completed' });

    const ids = (runs: { id: number }[]) => runs.map((r) => r.id);
    expect(ids(store.listRuns())).toEqual([c.id, b.id, a.id]);
    expect(ids(store.listRuns({ status: 'completed' }))).toEqual([b.id]);
    expect(ids(store.listRuns({ status: ['created', 'completed'] }))).toEqual([c.id, b.id, a.id]);
    expect(ids(store.listRuns({ model: 'mlp' }))).toEqual([c.id, a.id]);
    expect(ids(store.listRuns({ dataset: 'mnist' }))).toEqual([b.id]);
    expect(ids(store.listRuns({ tag: 'baseline' }))).toEqual([a.id]);
    expect(ids(store.listRuns({ tag: 'base' }))).toEqual([]);
    expect(ids(store.listRuns({ search: 'HINGE' }))).toEqual([c.id]);
    expect(ids(store.listRuns({ search: 'conv' }))).toEqual([b.id]);
    expect(ids(store.listRuns({ search: '100%' }))).toEqual([c.id]);
    expect(ids(store.listRuns({ search: '0%' }))).toEqual([c.id]);
    expect(ids(store.listRuns({ search: String(a.id) }))).toContain(a.id);
    expect(ids(store.listRuns({ limit: 1 }))).toEqual([c.id]);
  });

  it('deleting a run cascades to its metrics, checkpoints, samples and events', () => {
    const store = openStore();
    const run = newRun(store);
    const other = newRun(store);
    for (const id of [run.id, other.id]) {
      store.addMetrics(id, [{ step: 1, name: 'loss', value: 1 }]);
      store.saveCheckpoint(id, { step: 1, state: bytes(1) }, { keepLast: 3 });
      store.saveSample(id, { step: 1, kind: 'grid', mime: 'image/png', data: bytes(2) });
      store.addEvent(id, { step: 1, kind: 'start', message: 'started' });
    }
    store.deleteRun(run.id);
    expect(store.getRun(run.id)).toBeUndefined();
    const count = (table: string, id: number) =>
      (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(id) as { n: number }).n;
    for (const table of ['metrics', 'checkpoints', 'samples', 'events']) {
      expect(count(table, run.id)).toBe(0);
      expect(count(table, other.id)).toBe(1);
    }
    expect(() => store.deleteRun(run.id)).toThrow(StoreError);
  });
});
