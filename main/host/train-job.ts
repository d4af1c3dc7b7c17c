/**
 * A training run inside a worker thread: its own RunStore on the host's database file (WAL +
 * busy timeout let the host read while this writes), TrainingService driving the run, the
 * host's pause/stop requests polled between steps.
 */
import type { MessagePort } from 'node:worker_threads';
import { TrainingService } from '../../core/api/training-service';
import { RunStore } from '../../core/store';
import { failedMessage, type HostMessage, type TrainJob, type WorkerMessage } from './worker-protocol';

export async function trainJob(job: TrainJob, port: MessagePort): Promise<void> {
  const post = (message: WorkerMessage) => port.postMessage(message);
  let requested: 'run' | 'pause' | 'stop' = 'run';
  port.on('message', (message: HostMessage) => {
    if (message.type === 'control') requested = message.action;
  });
  const store = RunStore.open(job.dbPath);
  const service = new TrainingService(store);
  const hooks = {
    control: () => (requested === 'run' ? 'run' : 'stop') as 'run' | 'stop',
    stoppedAs: () => (requested === 'pause' ? 'paused' : 'stopped') as 'paused' | 'stopped',
    onProgress: (p: { step: number; stepsPerSecond: number }) =>
      post({ type: 'progress', step: p.step, stepsPerSecond: p.stepsPerSecond }),
    onStatus: (message: string) => post({ type: 'note', message }),
  };
  try {
    const result =
      job.mode === 'start'
        ? await service.trainCreated(job.runId, hooks)
        : await service.resume(job.runId, { steps: job.steps }, hooks);
    post({ type: 'done', status: result.status, step: result.step });
  } catch (err) {
    post(failedMessage(err));
  } finally {
    store.close();
  }
}
