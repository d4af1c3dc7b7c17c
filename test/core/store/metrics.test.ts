import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../core/store';
import { bytes, newRun, openStore } from './helpers';

describe('metrics', () => {
  it('reads back by step, filtered by names and since a step', () => {
    const store = openStore();
    const run = newRun(store);
    store.addMetrics(run.id, [
      { step: 2, name: 'loss_g', value: 0.7 },
      { step: 1, name: 'loss_d', value: 1.3 },
      { step: 1, name: 'loss_g', value: 0.9 },
      { step: 2, name: 'loss_d', value: 1.1 },
      { step: 2, name: 'p', value: 0.05 },
    ]);
    expect(store.metrics(run.id).map((m) => `${m.step}:${m.name}`)).toEqual([
      '1:loss_d',
      '1:loss_g',
      '2:loss_d',
      '2:loss_g',
      '2:p',
    ]);
    expect(store.metrics(run.id, { names: ['loss_g'] })).toEqual([
      { step: 1, name: 'loss_g', value: 0.9 },
      { step: 2, name: 'loss_g', value: 0.7 },
    ]);
    expect(store.metrics(run.id, { sinceStep: 1, names: ['loss_d', 'p'] })).toEqual([
      { step: 2, name: 'loss_d', value: 1.1 },
      { step: 2, name: 'p', value: 0.05 },
    ]);
    expect(store.metricNames(run.id)).toEqual(['loss_d', 'loss_g', 'p']);
  });

  it('replaces a (run, name, step) that exists instead of duplicating it', () => {
    const store = openStore();
    const run = newRun(store);
    store.addMetrics(run.id, [{ step: 5, name: 'loss_d', value: 1 }]);
    store.addMetrics(run.id, [{ step: 5, name: 'loss_d', value: 2 }]);
    expect(store.metrics(run.id)).toEqual([{ step: 5, name: 'loss_d', value: 2 }]);
  });

  it('stores non-finite values as null', () => {
    const store = openStore();
    const run = newRun(store);
    store.addMetrics(run.id, [
      { step: 1, name: 'loss_d', value: Number.NaN },
      { step: 2, name: 'loss_d', value: Number.POSITIVE_INFINITY },
    ]);
    expect(store.metrics(run.id).map((m) => m.value)).toEqual([null, null]);
  });

  it('latestMetrics takes each name at its own last step', () => {
    const store = openStore();
    const run = newRun(store);
    store.addMetrics(run.id, [
      { step: 1, name: 'loss_d', value: 1 },
      { step: 3, name: 'loss_d', value: 3 },
      { step: 2, name: 'loss_d', value: 2 },
      { step: 1, name: 'fid', value: 80 },
    ]);
    expect(store.latestMetrics(run.id)).toEqual({ loss_d: 3, fid: 80 });
    expect(store.latestMetrics(12345)).toEqual({});
  });

  it('rejects the whole batch when a row is invalid or the run is missing', () => {
    const store = openStore();
    const run = newRun(store);
    expect(() =>
      store.addMetrics(run.id, [
        { step: 1, name: 'loss', value: 1 },
        { step: 1.5, name: 'loss', value: 1 },
      ]),
    ).toThrow(StoreError);
    expect(() => store.addMetrics(run.id, [{ step: 1, name: '', value: 1 }])).toThrow(StoreError);
    expect(store.metrics(run.id)).toEqual([]);
    expect(() => store.addMetrics(999, [{ step: 1, name: 'loss', value: 1 }])).toThrow(
      'run 999 does not exist (see `gan-studio runs`)',
    );
  });

  it('truncateAfter drops metrics, samples and checkpoints past the step in one go', () => {
    const store = openStore();
    const run = newRun(store);
    const other = newRun(store);
    for (const id of [run.id, other.id]) {
      for (const step of [100, 200, 300]) {
        store.addMetrics(id, [{ step, name: 'loss', value: step }]);
        store.saveSample(id, { step, kind: 'grid', mime: 'image/png', data: bytes(step % 256) });
        store.saveCheckpoint(id, { step, state: bytes(1) }, { keepLast: 5 });
      }
    }
    store.addEvent(run.id, { step: 300, kind: 'diverged', message: 'D loss exploded' });
    store.pinCheckpoint(store.listCheckpoints(run.id)[2].id, true);

    expect(store.truncateAfter(run.id, 200)).toEqual({ metrics: 1, samples: 1, checkpoints: 1 });
    expect(store.metrics(run.id).map((m) => m.step)).toEqual([100, 200]);
    expect(store.listSamples(run.id).map((s) => s.step)).toEqual([100, 200]);
    expect(store.listCheckpoints(run.id).map((c) => c.step)).toEqual([100, 200]);
    expect(store.getRun(run.id)?.step).toBe(200);
    expect(store.events(run.id)).toHaveLength(1);
    // The other run is untouched.
    expect(store.metrics(other.id)).toHaveLength(3);
    expect(store.getRun(other.id)?.step).toBe(300);
  });

  it('truncateAfter never raises a run step', () => {
    const store = openStore();
    const run = newRun(store);
    store.updateRun(run.id, { step: 50 });
    store.truncateAfter(run.id, 80);
    expect(store.getRun(run.id)?.step).toBe(50);
  });
});
