/**
 * Everything a host process (browser-mode server, Electron main) runs the studio with: the
 * store on the data directory's database, runs left 'running' by a crashed process marked
 * 'interrupted', the event fan-out, the worker run manager, inversion jobs in workers and the
 * API on top of them.
 */
import { inversionHandlers } from '../../core/api/inversion-handlers';
import { InvertService } from '../../core/api/invert-service';
import { StudioApi } from '../../core/api/studio-api';
import { processIsAlive, RunStore } from '../../core/store';
import { InversionJobs } from './inversion-jobs';
import { RunNotifier } from './run-notifier';
import { WorkerRuns } from './worker-runs';

export interface StudioHostOptions {
  dbPath: string;
  /** The training worker script (bundled builds pass their own). */
  workerUrl?: URL | string;
  /** Throttle of 'run' events per run, in ms. */
  eventIntervalMs?: number;
  log?(line: string): void;
}

export interface StudioHost {
  api: StudioApi;
  store: RunStore;
  runs: WorkerRuns;
  inversions: InversionJobs;
  notifier: RunNotifier;
  /** Run ids found 'running' without a live process at start, now 'interrupted'. */
  interrupted: number[];
  /** Pauses training runs (checkpointing) and closes the store. */
  close(): Promise<void>;
}

export function createStudioHost(options: StudioHostOptions): StudioHost {
  const store = RunStore.open(options.dbPath);
  const interrupted = store.markInterruptedRuns(processIsAlive);
  const notifier = new RunNotifier(store, options.eventIntervalMs);
  const runs = new WorkerRuns({
    dbPath: options.dbPath,
    store,
    notify: (runId) => notifier.runChanged(runId),
    workerUrl: options.workerUrl,
    onNote: (runId, message) => options.log?.(`run ${runId}: ${message}`),
  });
  // Inversions train in workers; edits and listings run here on InvertService's model cache.
  const inversions = new InversionJobs({
    dbPath: options.dbPath,
    emit: (event) => notifier.emit(event),
    workerUrl: options.workerUrl,
  });
  const invertService = new InvertService(store);
  const api = new StudioApi({
    store,
    runs,
    notify: notifier,
    inversions: inversionHandlers(store, invertService, inversions),
  });
  let closed = false;
  return {
    api,
    store,
    runs,
    inversions,
    notifier,
    interrupted,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([runs.dispose(), inversions.dispose()]);
      invertService.dispose();
      notifier.dispose();
      store.close();
    },
  };
}
