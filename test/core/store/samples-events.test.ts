import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../core/store';
import { bytes, newRun, openStore } from './helpers';

describe('samples', () => {
  it('saves, lists without data, loads and replaces at the same step', () => {
    const store = openStore();
    const run = newRun(store);
    store.saveSample(run.id, { step: 10, kind: 'grid', mime: 'image/png', data: bytes(1, 2, 3) });
    store.saveSample(run.id, { step: 10, kind: 'points', mime: 'application/json', data: bytes(9) });
    store.saveSample(run.id, { step: 20, kind: 'grid', mime: 'image/png', data: bytes(4) });
    store.saveSample(run.id, { step: 10, kind: 'grid', mime: 'image/png', data: bytes(5, 6) });

    expect(store.listSamples(run.id, 'grid')).toEqual([
      { step: 10, kind: 'grid', mime: 'image/png', sizeBytes: 2 },
      { step: 20, kind: 'grid', mime: 'image/png', sizeBytes: 1 },
    ]);
    expect(store.listSamples(run.id)).toHaveLength(3);
    const sample = store.loadSample(run.id, 'grid', 10);
    expect(sample?.mime).toBe('image/png');
    expect(Array.from(sample?.data ?? [])).toEqual([5, 6]);
    expect(store.loadSample(run.id, 'grid', 30)).toBeUndefined();
    expect(() => store.saveSample(404, { step: 1, kind: 'grid', mime: 'image/png', data: bytes(1) })).toThrow(
      'run 404 does not exist',
    );
  });
});

describe('events', () => {
  it('adds events with parsed data and lists them oldest first', () => {
    const store = openStore();
    const run = newRun(store);
    const first = store.addEvent(run.id, { step: 0, kind: 'start', message: 'started on cpu' });
    store.addEvent(run.id, { step: 40, kind: 'config', message: 'lr changed', data: { lr: 1e-4 } });
    expect(first).toMatchObject({ runId: run.id, step: 0, kind: 'start', data: null });
    expect(first.time).toMatch(/Z$/);
    expect(store.events(run.id).map((e) => [e.kind, e.data])).toEqual([
      ['start', null],
      ['config', { lr: 1e-4 }],
    ]);
    expect(() => store.addEvent(run.id, { step: 1, kind: '', message: 'x' })).toThrow(StoreError);
    expect(() => store.addEvent(404, { step: 1, kind: 'start', message: 'x' })).toThrow(
      'run 404 does not exist',
    );
  });
});
