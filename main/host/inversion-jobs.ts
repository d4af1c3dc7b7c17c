/**
 * Inversion jobs in worker threads: each startInversion gets a worker running InvertService,
 * whose progress the host forwards as 'inversion' events (at most ~10 a second, every
 * reconstruction preview kept), then 'inversionDone' or 'inversionFailed'.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { ApiParsedInput, StudioEvent } from '../../core/api/contract';
import type { InversionRunner } from '../../core/api/inversion-handlers';
import type { InvertJob, WorkerMessage } from './worker-protocol';
import { defaultWorker } from './worker-runs';

export interface InversionJobsOptions {
  dbPath: string;
  emit(event: StudioEvent): void;
  workerUrl?: URL | string;
  /** Minimum gap between forwarded progress events without a preview, in ms. */
  progressIntervalMs?: number;
}

interface Job {
  worker: Worker;
  abortFlag: Int32Array;
  lastSent: number;
  finished: boolean;
  exited: Promise<void>;
}

export class InversionJobs implements InversionRunner {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly options: InversionJobsOptions) {}

  start(input: ApiParsedInput<'startInversion'>): string {
    const jobId = randomUUID();
    const abortFlag = new SharedArrayBuffer(4);
    const worker = new Worker(this.options.workerUrl ?? defaultWorker(), {
      workerData: {
        kind: 'invert',
        dbPath: this.options.dbPath,
        jobId,
        input,
        abortFlag,
      } satisfies InvertJob,
    });
    let markExited = () => {};
    const job: Job = {
      worker,
      abortFlag: new Int32Array(abortFlag),
      lastSent: 0,
      finished: false,
      exited: new Promise<void>((resolve) => {
        markExited = resolve;
      }),
    };
    this.jobs.set(jobId, job);
    worker.on('message', (message: WorkerMessage) => this.onMessage(jobId, job, message));
    worker.on('error', (err) =>
      this.finish(jobId, job, { type: 'inversionFailed', jobId, message: err.message.split('\n')[0] }),
    );
    worker.on('exit', () => {
      this.jobs.delete(jobId);
      this.finish(jobId, job, {
        type: 'inversionFailed',
        jobId,
        message: 'the inversion worker ended unexpectedly',
      });
      markExited();
    });
    return jobId;
  }

  abort(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.finished) return false;
    Atomics.store(job.abortFlag, 0, 1);
    return true;
  }

  isActive(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  async dispose(): Promise<void> {
    await Promise.all(
      [...this.jobs.values()].map(async (job) => {
        await job.worker.terminate();
        await job.exited;
      }),
    );
  }

  private onMessage(jobId: string, job: Job, message: WorkerMessage): void {
    if (message.type === 'inversion') {
      const { type: _type, ...progress } = message;
      const now = Date.now();
      const last = progress.step === progress.steps;
      if (
        !progress.reconstructionPng &&
        !last &&
        now - job.lastSent < (this.options.progressIntervalMs ?? 100)
      )
        return;
      job.lastSent = now;
      this.options.emit({ type: 'inversion', jobId, ...progress });
    } else if (message.type === 'inverted') {
      this.finish(jobId, job, { type: 'inversionDone', jobId, inversion: message.inversion });
    } else if (message.type === 'failed') {
      this.finish(jobId, job, { type: 'inversionFailed', jobId, message: message.message });
    }
  }

  /** Sends the job's one final event and lets its worker go. */
  private finish(_jobId: string, job: Job, event: StudioEvent): void {
    if (job.finished) return;
    job.finished = true;
    this.options.emit(event);
    void job.worker.terminate();
  }
}
