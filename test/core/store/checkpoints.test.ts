import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { RunStore, StoreError } from '../../../core/store';
import { bytes, newRun, openStore, tempDbPath } from './helpers';

const steps = (store: RunStore, runId: number) => store.listCheckpoints(runId).map((c) => c.step);

describe('checkpoints', () => {
  it('saves, lists without the blob, and loads latest / by step', () => {
    const store = openStore();
    const run = newRun(store);
    const state = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const id = store.saveCheckpoint(run.id, { step: 100, state }, { keepLast: 3 });
    store.saveCheckpoint(run.id, { step: 200, state: bytes(7) }, { keepLast: 3 });

    expect(store.getRun(run.id)?.step).toBe(200);
    const list = store.listCheckpoints(run.id);
    expect(list.map((c) => [c.step, c.sizeBytes, c.pinned, c.isBest])).toEqual([
      [100, state.length, false, false],
      [200, 1, false, false],
    ]);
    expect(list[0]).not.toHaveProperty('state');
    const loaded = store.loadCheckpoint(run.id, 100);
    expect(loaded?.id).toBe(id);
    expect(Buffer.from(loaded?.state ?? []).equals(Buffer.from(state))).toBe(true);
    expect(store.loadCheckpoint(run.id, 'latest')?.step).toBe(200);
    expect(store.loadCheckpoint(run.id, 150)).toBeUndefined();
    // No metric anywhere: 'best' is the latest.
    expect(store.loadCheckpoint(run.id, 'best')?.step).toBe(200);
    expect(store.loadCheckpoint(newRun(store).id, 'latest')).toBeUndefined();
  });

  it('replaces a checkpoint at the same step, keeping its id and pin', () => {
    const store = openStore();
    const run = newRun(store);
    const id = store.saveCheckpoint(run.id, { step: 100, state: bytes(1) }, { keepLast: 2 });
    store.pinCheckpoint(id, true);
    expect(store.saveCheckpoint(run.id, { step: 100, state: bytes(2, 2) }, { keepLast: 2 })).toBe(id);
    const list = store.listCheckpoints(run.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id, pinned: true, sizeBytes: 2 });
  });

  it('retention keeps the last K, the best by metric and pinned ones', () => {
    const store = openStore();
    const run = newRun(store);
    const fid = [50, 20, 40, 35, 30, 45, 60]; // best (lowest) at step 200
    const ids = fid.map((value, i) =>
      store.saveCheckpoint(
        run.id,
        { step: (i + 1) * 100, state: bytes(i), metricName: 'fid', metricValue: value },
        { keepLast: 2 },
      ),
    );
    expect(steps(store, run.id)).toEqual([200, 600, 700]);
    expect(store.listCheckpoints(run.id).find((c) => c.isBest)?.step).toBe(200);
    expect(store.loadCheckpoint(run.id, 'best')?.id).toBe(ids[1]);

    store.pinCheckpoint(ids[5], true);
    store.saveCheckpoint(
      run.id,
      { step: 800, state: bytes(8), metricName: 'fid', metricValue: 10 },
      { keepLast: 2 },
    );
    store.saveCheckpoint(
      run.id,
      { step: 900, state: bytes(9), metricName: 'fid', metricValue: 70 },
      { keepLast: 2 },
    );
    // 200 lost its place as best to 800; 600 stays pinned; 800 and 900 are the last two.
    expect(steps(store, run.id)).toEqual([600, 800, 900]);
    expect(store.listCheckpoints(run.id).map((c) => [c.step, c.pinned, c.isBest])).toEqual([
      [600, true, false],
      [800, false, true],
      [900, false, false],
    ]);
  });

  it('respects higherIsBetter and ignores non-finite metric values', () => {
    const store = openStore();
    const run = newRun(store);
    const save = (step: number, metricValue: number) =>
      store.saveCheckpoint(
        run.id,
        { step, state: bytes(1), metricName: 'modes', metricValue, higherIsBetter: true },
        { keepLast: 1 },
      );
    save(100, 3);
    save(200, 8);
    save(300, 5);
    save(400, Number.NaN);
    expect(steps(store, run.id)).toEqual([200, 400]);
    expect(store.loadCheckpoint(run.id, 'best')).toMatchObject({
      step: 200,
      metricName: 'modes',
      metricValue: 8,
    });
    expect(store.listCheckpoints(run.id)[1].metricValue).toBeNull();
  });

  it('without metrics keeps only the last K and pinned ones', () => {
    const store = openStore();
    const run = newRun(store);
    const first = store.saveCheckpoint(run.id, { step: 1, state: bytes(1) }, { keepLast: 2 });
    store.pinCheckpoint(first, true);
    for (let step = 2; step <= 6; step++)
      store.saveCheckpoint(run.id, { step, state: bytes(step) }, { keepLast: 2 });
    expect(steps(store, run.id)).toEqual([1, 5, 6]);
    // Unpinning does not delete by itself; the next save's retention does.
    store.pinCheckpoint(first, false);
    expect(steps(store, run.id)).toEqual([1, 5, 6]);
    store.saveCheckpoint(run.id, { step: 7, state: bytes(7) }, { keepLast: 2 });
    expect(steps(store, run.id)).toEqual([6, 7]);
  });

  it('saveCheckpoint rolls back completely when a statement fails after the insert', () => {
    const store = openStore();
    const run = newRun(store);
    const keep = { keepLast: 1 };
    const prev = store.saveCheckpoint(run.id, { step: 100, state: bytes(1, 1) }, keep);

    // Fails the run-step update, which runs after the checkpoint insert.
    store.db.exec(`CREATE TRIGGER fail_run_step BEFORE UPDATE OF step ON runs WHEN NEW.step = 200
      BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`);
    expect(() => store.saveCheckpoint(run.id, { step: 200, state: bytes(2, 2) }, keep)).toThrow(
      'simulated crash',
    );
    expect(steps(store, run.id)).toEqual([100]);
    expect(store.getRun(run.id)?.step).toBe(100);
    expect(Array.from(store.loadCheckpoint(run.id, 'latest')?.state ?? [])).toEqual([1, 1]);

    // Fails the retention delete, which runs after the insert and the run update.
    store.db.exec('DROP TRIGGER fail_run_step');
    store.db.exec(`CREATE TRIGGER fail_retention BEFORE DELETE ON checkpoints
      BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`);
    expect(() => store.saveCheckpoint(run.id, { step: 300, state: bytes(3) }, keep)).toThrow(
      'simulated crash',
    );
    expect(store.listCheckpoints(run.id).map((c) => c.id)).toEqual([prev]);
    expect(store.getRun(run.id)?.step).toBe(100);
    expect(store.db.inTransaction).toBe(false);
  });

  it('a process killed in the middle of a checkpoint write leaves the previous one intact', () => {
    const file = tempDbPath();
    const store = RunStore.open(file);
    const run = newRun(store);
    store.saveCheckpoint(run.id, { step: 100, state: bytes(1) }, { keepLast: 3 });
    store.close();

    // A child writes half a checkpoint transaction (by the same SQL) and is SIGKILLed before COMMIT.
    const script = `
      const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(file)});
      db.pragma('synchronous = FULL');
      db.exec('BEGIN IMMEDIATE');
      db.prepare("INSERT INTO checkpoints (run_id, step, created_at, state) VALUES (?, 200, 'x', ?)")
        .run(${run.id}, Buffer.alloc(2 * 1024 * 1024, 7));
      db.prepare('UPDATE runs SET step = 200 WHERE id = ?').run(${run.id});
      db.prepare('DELETE FROM checkpoints WHERE step = 100').run();
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, ['-e', script]);
    expect(child.signal).toBe('SIGKILL');

    const reopened = openStore(file);
    expect(reopened.integrityCheck()).toBe('ok');
    expect(steps(reopened, run.id)).toEqual([100]);
    expect(reopened.getRun(run.id)?.step).toBe(100);
  });

  it('validates its input', () => {
    const store = openStore();
    const run = newRun(store);
    const state = bytes(1);
    expect(() => store.saveCheckpoint(run.id, { step: 1, state }, { keepLast: 0 })).toThrow(StoreError);
    expect(() => store.saveCheckpoint(run.id, { step: 1, state: 'abc' as never }, { keepLast: 1 })).toThrow(
      'checkpoint state must be a Uint8Array',
    );
    expect(() => store.saveCheckpoint(run.id, { step: 1, state, metricValue: 1 }, { keepLast: 1 })).toThrow(
      StoreError,
    );
    expect(() => store.saveCheckpoint(999, { step: 1, state }, { keepLast: 1 })).toThrow(
      'run 999 does not exist',
    );
    expect(() => store.pinCheckpoint(999, true)).toThrow('checkpoint 999 does not exist');
    expect(() => store.deleteCheckpoint(999)).toThrow('checkpoint 999 does not exist');
    expect(store.listCheckpoints(run.id)).toEqual([]);
  });

  it('deleteCheckpoint removes one checkpoint', () => {
    const store = openStore();
    const run = newRun(store);
    const a = store.saveCheckpoint(run.id, { step: 1, state: bytes(1) }, { keepLast: 5 });
    store.saveCheckpoint(run.id, { step: 2, state: bytes(2) }, { keepLast: 5 });
    store.deleteCheckpoint(a);
    expect(steps(store, run.id)).toEqual([2]);
  });
});
