/**
 * Runs training in real worker threads against a real SQLite file: a tiny 2D run starts,
 * pushes throttled 'run' events, pauses (checkpointing), resumes, stops, and survives its
 * worker being killed as an 'interrupted' run that resumes from its last checkpoint.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary, StudioEvent } from '../../../core/api/contract';
import { createStudioHost, type StudioHost } from '../../../main/host/studio-host';
import { TINY_2D } from './tiny-run';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-worker-runs-'));
const hosts: StudioHost[] = [];
afterAll(async () => {
  for (const host of hosts) await host.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function openHost(name: string): StudioHost {
  const host = createStudioHost({ dbPath: path.join(tmp, name), eventIntervalMs: 100 });
  hosts.push(host);
  return host;
}

/** Resolves with the first 'run' event for runId that satisfies `accept`. */
function waitForRun(
  host: StudioHost,
  runId: number,
  accept: (run: RunSummary) => boolean,
): Promise<RunSummary> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching event for run ${runId}`)), 90_000);
    const off = host.notifier.subscribe((event: StudioEvent) => {
      if (event.type === 'run' && event.run.id === runId && accept(event.run)) {
        clearTimeout(timer);
        off();
        resolve(event.run);
      }
    });
  });
}

describe('WorkerRuns', () => {
  it('trains in a worker with throttled run events, then pauses, resumes and stops with checkpoints', async () => {
    const host = openHost('lifecycle.db');
    const times: number[] = [];
    host.notifier.subscribe((e) => {
      if (e.type === 'run') times.push(Date.now());
    });
    const started = await host.api.call('startRun', { preset: 'grid25', settings: TINY_2D, name: 'tiny' });
    expect(started.status).toBe('running');
    expect(host.runs.isActive(started.id)).toBe(true);

    await waitForRun(host, started.id, (r) => r.step >= 100);
    const paused = await host.api.call('pauseRun', { runId: started.id });
    expect(paused.status).toBe('paused');
    expect(host.runs.isActive(started.id)).toBe(false);
    const checkpoints = await host.api.call('checkpoints', { runId: started.id });
    expect(checkpoints.at(-1)?.step).toBe(paused.step);
    const kinds = (await host.api.call('events', { runId: started.id })).map((e) => e.kind);
    expect(kinds).toContain('pause');

    // Events for one run are at least the throttle interval apart (100 ms here, minus timer slack).
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(90);

    const resumed = await host.api.call('resumeRun', { runId: started.id });
    expect(resumed.status).toBe('running');
    await waitForRun(host, started.id, (r) => r.step >= paused.step + 60);
    await expect(host.api.call('deleteRun', { runId: started.id })).rejects.toMatchObject({
      code: 'conflict',
    });
    const stopped = await host.api.call('stopRun', { runId: started.id });
    expect(stopped.status).toBe('stopped');
    expect(stopped.step).toBeGreaterThan(paused.step);
    const after = (await host.api.call('events', { runId: started.id })).map((e) => e.kind);
    expect(after).toEqual(expect.arrayContaining(['start', 'pause', 'resume', 'stop']));
  });

  it('leaves a run whose worker is killed interrupted and resumable from its last checkpoint', async () => {
    const host = openHost('killed.db');
    const run = await host.api.call('startRun', { preset: 'grid25', settings: TINY_2D });
    await waitForRun(host, run.id, (r) => r.step >= 120);
    await host.runs.terminate(run.id);
    const killed = await host.api.call('getRun', { runId: run.id });
    expect(killed.status).toBe('interrupted');
    const last = (await host.api.call('checkpoints', { runId: run.id })).at(-1)!.step;
    expect(last).toBeGreaterThanOrEqual(100);

    await host.api.call('resumeRun', { runId: run.id });
    await waitForRun(host, run.id, (r) => r.step >= last + 60);
    await host.api.call('pauseRun', { runId: run.id });
    const events = await host.api.call('events', { runId: run.id });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['interrupted', 'resume']));
    expect(events.find((e) => e.kind === 'resume')?.message).toContain(`checkpoint at step ${last}`);
  });

  it('marks runs left running by a dead process as interrupted when a host opens the database', async () => {
    const dbPath = path.join(tmp, 'crashed.db');
    const first = createStudioHost({ dbPath });
    const run = first.store.createRun({
      name: 'crashed',
      model: 'gan',
      dataset: 'grid25',
      config: {},
      seed: 1,
      totalSteps: 10,
    });
    first.store.updateRun(run.id, { status: 'running', pid: 2 ** 22 + 12345 });
    await first.close();
    const second = openHost('crashed.db');
    expect(second.interrupted).toEqual([run.id]);
    expect((await second.api.call('getRun', { runId: run.id })).status).toBe('interrupted');
  });
});
