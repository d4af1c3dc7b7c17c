/**
 * Everything a host process (browser-mode server, Electron main) runs the studio with: the
 * store on the data directory's database, runs left 'running' by a crashed process marked
 * 'interrupted', the event fan-out, the worker run manager and the API on top of them.
 */
import { StudioApi } from '../../core/api/studio-api';
import { processIsAlive, RunStore } from '../../core/store';
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
  const api = new StudioApi({ store, runs, notify: notifier });
  let closed = false;
  return {
    api,
    store,
    runs,
    notifier,
    interrupted,
    async close() {
      if (closed) return;
      closed = true;
      await runs.dispose();
      notifier.dispose();
      store.close();
    },
  };
}
