/**
 * Entry of every host worker thread: a training run (train-job.ts) or an inversion
 * (invert-job.ts), chosen by the job in workerData. Started by worker-runs.ts and
 * inversion-jobs.ts; bundled as dist/electron/run-worker.mjs for the desktop app.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { invertJob } from './invert-job';
import { trainJob } from './train-job';
import type { WorkerJob } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('run-worker.ts must run in a worker thread');
const job = workerData as WorkerJob;
await (job.kind === 'invert' ? invertJob(job, port) : trainJob(job, port));
