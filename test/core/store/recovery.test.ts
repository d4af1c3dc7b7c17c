import { describe, expect, it } from 'vitest';
import { processIsAlive } from '../../../core/store';
import { newRun, openStore } from './helpers';

describe('markInterruptedRuns', () => {
  it('marks running runs with a dead or missing pid as interrupted, with an event', () => {
    const store = openStore();
    const alive = newRun(store);
    const dead = newRun(store);
    const noPid = newRun(store);
    const paused = newRun(store);
    store.updateRun(alive.id, { status: 'running', pid: 100 });
    store.updateRun(dead.id, { status: 'running', pid: 200, step: 70 });
    store.updateRun(noPid.id, { status: 'running' });
    store.updateRun(paused.id, { status: 'paused', pid: 200 });

    const ids = store.markInterruptedRuns((pid) => pid === 100);
    expect(ids.sort()).toEqual([dead.id, noPid.id].sort());
    expect(store.getRun(alive.id)).toMatchObject({ status: 'running', pid: 100 });
    expect(store.getRun(dead.id)).toMatchObject({ status: 'interrupted', pid: null, step: 70 });
    expect(store.getRun(paused.id)?.status).toBe('paused');
    const events = store.events(dead.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'interrupted', step: 70, data: { pid: 200 } });
    expect(events[0].message).toContain('process 200');

    expect(store.markInterruptedRuns(() => false)).toEqual([alive.id]);
    expect(store.markInterruptedRuns(() => false)).toEqual([]);
  });

  it('processIsAlive knows this process', () => {
    expect(processIsAlive(process.pid)).toBe(true);
    expect(processIsAlive(2 ** 22 + 12345)).toBe(false);
  });
});
