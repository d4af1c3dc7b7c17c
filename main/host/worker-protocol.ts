/** Messages between the host and its worker threads: one worker per training run or inversion job. */
import type { ApiParsedInput, InversionInfo } from '../../core/api/contract';
import { UserError } from '../../core/api/errors';
import { StoreError } from '../../core/store';

export interface TrainJob {
  kind: 'train';
  dbPath: string;
  runId: number;
  /** 'start': a run createRun just wrote; 'resume': from its latest checkpoint. */
  mode: 'start' | 'resume';
  steps?: number;
}

export interface InvertJob {
  kind: 'invert';
  dbPath: string;
  jobId: string;
  input: ApiParsedInput<'startInversion'>;
  /** 4 bytes the host sets to 1 to abort (read with Atomics inside the synchronous projector loop). */
  abortFlag: SharedArrayBuffer;
}

export type WorkerJob = TrainJob | InvertJob;

/** Host → worker: pause or stop a run (inversions abort through InvertJob.abortFlag). */
export type HostMessage = { type: 'control'; action: 'pause' | 'stop' };

/** Worker → host. */
export type WorkerMessage =
  | { type: 'progress'; step: number; stepsPerSecond: number }
  | { type: 'note'; message: string }
  | { type: 'done'; status: string; step: number }
  | { type: 'inversion'; step: number; steps: number; loss: number; psnr: number; reconstructionPng?: string }
  | { type: 'inverted'; inversion: InversionInfo }
  /** `user`: a one-line message meant for the user (bad data, unusable checkpoint). */
  | { type: 'failed'; message: string; user: boolean };

/** The 'failed' message for an error a job threw: its first line, and whether the user can fix it. */
export function failedMessage(err: unknown): WorkerMessage {
  const user = err instanceof UserError || err instanceof StoreError;
  const message = err instanceof Error ? err.message : String(err);
  return { type: 'failed', message: message.split('\n')[0], user };
}
