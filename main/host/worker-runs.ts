/**
 * The host's run manager: one worker_threads worker per training run, so the event loop that
 * answers the UI never waits on a training step. Pause and stop are messages the worker's
 * loop polls between steps (it checkpoints first); a worker that dies without finishing
 * leaves its run 'interrupted', resumable from its last checkpoint.
 */
import { Worker } from 'node:worker_threads';
import { conflict } from '../../core/api/api-error';
import type { RunManager } from '../../core/api/run-manager';
import type { RunStatus, RunStore } from '../../core/store';
import type { HostMessage, TrainJob, WorkerMessage } from './worker-protocol';

export interface WorkerRunsOptions {
  /** The database file the workers open (the host's store is on the same file). */
  dbPath: string;
  /** The host's own store, for the status of runs whose worker ended early. */
  store: RunStore;
  /** Called whenever a run's row may have changed (progress, status). */
  notify(runId: number): void;
  /** The worker script; defaults to the TypeScript entry next to this file. */
  workerUrl?: URL | string;
  /** Preparation notes from a worker (e.g. "training the classifier once"). */
  onNote?(runId: number, message: string): void;
}

interface ActiveRun {
  worker: Worker;
  mode: TrainJob['mode'];
  /** The status before a resume, restored if the worker cannot even start training. */
  previousStatus: RunStatus;
  requested: 'run' | 'pause' | 'stop';
  /** True once the training loop reported a step: from then on a stop request checkpoints. */
  progressed: boolean;
  failure: { message: string; user: boolean } | null;
  exited: Promise<void>;
}

/** Resolved on use: bundled builds (no worker-entry.js beside them) always pass `workerUrl`. */
export const defaultWorker = () => new URL('./worker-entry.js', import.meta.url);

export class WorkerRuns implements RunManager {
  private readonly active = new Map<number, ActiveRun>();

  constructor(private readonly options: WorkerRunsOptions) {}

  start(runId: number): void {
    this.spawn(runId, { mode: 'start' });
  }

  resume(runId: number, steps?: number): void {
    this.spawn(runId, { mode: 'resume', steps });
  }

  isActive(runId: number): boolean {
    return this.active.has(runId);
  }

  activeRunIds(): number[] {
    return [...this.active.keys()];
  }

  pause(runId: number): Promise<void> {
    return this.request(runId, 'pause');
  }

  stop(runId: number): Promise<void> {
    return this.request(runId, 'stop');
  }

  /** Ends a worker at once, without a checkpoint: its run becomes 'interrupted'. */
  async terminate(runId: number): Promise<void> {
    const run = this.active.get(runId);
    if (!run) return;
    await run.worker.terminate();
    await run.exited;
  }

  /** Pauses every run (checkpointing), ending any that do not finish within `graceMs`. */
  async dispose(graceMs = 15_000): Promise<void> {
    await Promise.all(
      this.activeRunIds().map(async (runId) => {
        const paused = this.pause(runId);
        const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
        await Promise.race([paused, timer]);
        await this.terminate(runId);
      }),
    );
  }

  private async request(runId: number, action: 'pause' | 'stop'): Promise<void> {
    const run = this.active.get(runId);
    if (!run) return;
    run.requested = action;
    // Still preparing (loading data, training the metric classifier): nothing new to save.
    if (!run.progressed) await run.worker.terminate();
    else run.worker.postMessage({ type: 'control', action } satisfies HostMessage);
    await run.exited;
  }

  private spawn(runId: number, job: Pick<TrainJob, 'mode' | 'steps'>): void {
    if (this.active.has(runId)) throw conflict(`run ${runId} is already training`);
    const { store } = this.options;
    const before = store.requireRun(runId);
    // Shown as running at once; the worker's own updates follow.
    store.updateRun(runId, { status: 'running', pid: process.pid, error: null, finishedAt: null });
    const worker = new Worker(this.options.workerUrl ?? defaultWorker(), {
      workerData: { kind: 'train', dbPath: this.options.dbPath, runId, ...job } satisfies TrainJob,
    });
    let markExited = () => {};
    const run: ActiveRun = {
      worker,
      mode: job.mode,
      previousStatus: before.status,
      requested: 'run',
      progressed: false,
      failure: null,
      exited: new Promise<void>((resolve) => {
        markExited = resolve;
      }),
    };
    this.active.set(runId, run);
    worker.on('message', (message: WorkerMessage) => this.onMessage(runId, run, message));
    worker.on('error', (err) => {
      run.failure ??= { message: err.message.split('\n')[0], user: false };
    });
    worker.on('exit', (code) => {
      this.active.delete(runId);
      try {
        this.settle(runId, run, code);
      } finally {
        markExited();
        this.options.notify(runId);
      }
    });
  }

  private onMessage(runId: number, run: ActiveRun, message: WorkerMessage): void {
    switch (message.type) {
      case 'progress':
        run.progressed = true;
        this.options.notify(runId);
        break;
      case 'note':
        this.options.onNote?.(runId, message.message);
        break;
      case 'failed':
        run.failure = { message: message.message, user: message.user };
        void run.worker.terminate();
        break;
      case 'done':
        // Everything is written; do not wait for the wasm runtime to wind down by itself.
        void run.worker.terminate();
        break;
      default:
        break;
    }
  }

  /** After a worker ended: a run still marked running did not finish by itself. */
  private settle(runId: number, run: ActiveRun, code: number): void {
    const { store } = this.options;
    const row = store.getRun(runId);
    if (!row || (row.status !== 'running' && row.status !== 'created')) return;
    const step = row.step;
    if (run.failure) {
      // Failed before training began (the service marks failures during training itself).
      const status: RunStatus = run.mode === 'start' ? 'failed' : run.previousStatus;
      store.updateRun(runId, { status, pid: null, error: run.failure.message });
      store.addEvent(runId, { step, kind: 'error', message: run.failure.message });
    } else if (run.requested !== 'run') {
      const paused = run.requested === 'pause';
      store.updateRun(runId, { status: paused ? 'paused' : 'stopped', pid: null });
      store.addEvent(runId, {
        step,
        kind: paused ? 'pause' : 'stop',
        message: `${paused ? 'paused' : 'stopped'} before training began`,
      });
    } else {
      store.updateRun(runId, { status: 'interrupted', pid: null });
      store.addEvent(runId, {
        step,
        kind: 'interrupted',
        message: `the training worker ended unexpectedly (exit code ${code}); resume from the last checkpoint`,
        data: { exitCode: code },
      });
    }
  }
}
