/** Messages between the host and a training worker (one worker per run). */

export interface WorkerJob {
  dbPath: string;
  runId: number;
  /** 'start': a run createRun just wrote; 'resume': from its latest checkpoint. */
  mode: 'start' | 'resume';
  steps?: number;
}

/** Host → worker. */
export type HostMessage = { type: 'control'; action: 'pause' | 'stop' };

/** Worker → host. */
export type WorkerMessage =
  | { type: 'progress'; step: number; stepsPerSecond: number }
  | { type: 'note'; message: string }
  | { type: 'done'; status: string; step: number }
  /** `user`: a one-line message meant for the user (bad data, unusable checkpoint). */
  | { type: 'failed'; message: string; user: boolean };
