/**
 * What the studio API needs from its host to train runs off the request thread. The hosts
 * implement it with one worker thread per run (main/host/worker-runs.ts); the API stays free
 * of worker and transport details.
 */
export interface RunManager {
  /** Trains a run that `TrainingService.createRun` just wrote, from step 0. */
  start(runId: number): void;
  /** Continues a run from its latest checkpoint, optionally to a new step budget. */
  resume(runId: number, steps?: number): void;
  /** Asks the run to checkpoint and stop as 'paused' / 'stopped'; resolves once it has. */
  pause(runId: number): Promise<void>;
  stop(runId: number): Promise<void>;
  /** True while this host trains the run. */
  isActive(runId: number): boolean;
}

/** How the API tells the host's subscribers that something changed. */
export interface StudioNotifier {
  /** The run's row changed; the host re-reads it and sends a (throttled) 'run' event. */
  runChanged(runId: number): void;
  runDeleted(runId: number): void;
}
