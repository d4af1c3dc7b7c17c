/**
 * One inversion (projecting an image into a checkpoint's latent space) inside a worker thread:
 * progress and the stored result go back to the host as messages. The projector loop is
 * synchronous, so the host aborts through a shared flag (messages would wait for the loop to
 * end) that is checked at every progress callback; the projector then stops at its next step
 * and nothing is stored.
 */
import type { MessagePort } from 'node:worker_threads';
import { InvertService } from '../../core/api/invert-service';
import { RunStore } from '../../core/store';
import { failedMessage, type InvertJob, type WorkerMessage } from './worker-protocol';

export async function invertJob(job: InvertJob, port: MessagePort): Promise<void> {
  const post = (message: WorkerMessage) => port.postMessage(message);
  const abort = new AbortController();
  const flag = new Int32Array(job.abortFlag);
  const checkAbort = () => {
    if (Atomics.load(flag, 0) !== 0 && !abort.signal.aborted) abort.abort();
  };
  const store = RunStore.open(job.dbPath);
  const service = new InvertService(store);
  try {
    const inversion = await service.invert(job.input, {
      signal: abort.signal,
      onProgress: (p) => {
        checkAbort();
        post({ type: 'inversion', ...p });
      },
    });
    post({ type: 'inverted', inversion });
  } catch (err) {
    if (abort.signal.aborted) {
      post({ type: 'failed', message: 'inversion aborted; nothing was stored', user: true });
    } else {
      post(failedMessage(err));
    }
  } finally {
    service.dispose();
    store.close();
  }
}
