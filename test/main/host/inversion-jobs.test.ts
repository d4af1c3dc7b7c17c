/**
 * Inversion through the host: startInversion checks the request at once (codes), runs the
 * projector in a worker thread with progress events and a stored result, aborts on request,
 * and edits run inline on the stored latent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBody } from '../../../core/api/api-error';
import type { StudioEvent } from '../../../core/api/contract';
import { TrainingService } from '../../../core/api/training-service';
import { initBackend } from '../../../core/engine/backend';
import { RunStore } from '../../../core/store';
import { createStudioHost, type StudioHost } from '../../../main/host/studio-host';

const TINY_IMAGE = [
  'backend=wasm',
  'batch=8',
  'generator.width=8',
  'discriminator.width=8',
  'generator.zDim=8',
  'logEvery=4',
  'evalEvery=8',
  'checkpointEvery=8',
  'evalSamples=16',
  'gridSize=4',
  'imageMetrics=false',
  // The mnist preset is class-conditional; the latent checks below are for the plain z model.
  'conditional=false',
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-inversion-jobs-'));
const dbPath = path.join(tmp, 'studio.db');
let host: StudioHost;
let imageRun: number;
let pointsRun: number;

function disc(): string {
  const png = new PNG({ width: 40, height: 30 });
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 40; x++) {
      const on = (x - 20) ** 2 + (y - 15) ** 2 < 60;
      png.data.set([on ? 250 : 10, on ? 240 : 20, on ? 230 : 5, 255], (y * 40 + x) * 4);
    }
  }
  return PNG.sync.write(png).toString('base64');
}

beforeAll(async () => {
  await initBackend('wasm');
  const store = RunStore.open(dbPath);
  const training = new TrainingService(store);
  imageRun = (await training.train({ preset: 'mnist', steps: 8, settings: TINY_IMAGE })).runId;
  pointsRun = (
    await training.train({ preset: 'grid25', steps: 4, settings: ['checkpointEvery=2', 'evalEvery=2'] })
  ).runId;
  store.close();
  host = createStudioHost({ dbPath });
});
afterAll(async () => {
  await host?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function collect(jobId: string): Promise<StudioEvent[]> {
  return new Promise((resolve, reject) => {
    const events: StudioEvent[] = [];
    const timer = setTimeout(() => reject(new Error(`job ${jobId} did not finish`)), 90_000);
    const off = host.notifier.subscribe((event) => {
      if (!('jobId' in event) || event.jobId !== jobId) return;
      events.push(event);
      if (event.type === 'inversionDone' || event.type === 'inversionFailed') {
        clearTimeout(timer);
        off();
        resolve(events);
      }
    });
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    return errorBody(err).code;
  }
}

describe('inversion jobs', () => {
  it('refuses bad requests before starting a worker', async () => {
    const image = disc();
    expect(await codeOf(host.api.call('startInversion', { runId: 999, imageBase64: image }))).toBe(
      'not-found',
    );
    expect(await codeOf(host.api.call('startInversion', { runId: pointsRun, imageBase64: image }))).toBe(
      'invalid',
    );
    const badCheckpoint = host.api.call('startInversion', {
      runId: imageRun,
      checkpoint: 3,
      imageBase64: image,
    });
    expect(await codeOf(badCheckpoint)).toBe('not-found');
    const notImage = Buffer.from('hello, not an image').toString('base64');
    expect(await codeOf(host.api.call('startInversion', { runId: imageRun, imageBase64: notImage }))).toBe(
      'invalid',
    );
  });

  it('inverts in a worker with progress events, stores the result, and edits it inline', async () => {
    const { jobId } = await host.api.call('startInversion', {
      runId: imageRun,
      imageBase64: disc(),
      steps: 30,
    });
    const events = await collect(jobId);
    const progress = events.filter((e) => e.type === 'inversion');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ step: 30, steps: 30 });
    const done = events.at(-1);
    expect(done?.type).toBe('inversionDone');
    if (done?.type !== 'inversionDone') return;
    expect(done.inversion).toMatchObject({ runId: imageRun, checkpointStep: 8, steps: 30 });
    expect(done.inversion.latent).toHaveLength(8);
    expect(await host.api.call('listInversions', { runId: imageRun })).toHaveLength(1);

    const directions = await host.api.call('computeDirections', { runId: imageRun, method: 'sefa', k: 2 });
    const edited = await host.api.call('edit', {
      runId: imageRun,
      latent: done.inversion.latent,
      alphas: { [directions[0].id]: 2 },
    });
    const plain = await host.api.call('edit', { runId: imageRun, latent: done.inversion.latent });
    expect(edited.mime).toBe('image/png');
    expect(edited.base64).not.toBe(plain.base64);
    expect(await codeOf(host.api.call('edit', { runId: imageRun, latent: [1, 2] }))).toBe('invalid');
    expect(await codeOf(host.api.call('getInversion', { inversionId: 999 }))).toBe('not-found');
  });

  it('aborts a running inversion, reporting it failed and storing nothing', async () => {
    const { jobId } = await host.api.call('startInversion', {
      runId: imageRun,
      imageBase64: disc(),
      steps: 10_000,
    });
    const finished = collect(jobId);
    await new Promise<void>((resolve) => {
      const off = host.notifier.subscribe((e) => {
        if (e.type === 'inversion' && e.jobId === jobId) {
          off();
          resolve();
        }
      });
    });
    expect(await host.api.call('abortInversion', { jobId })).toEqual({ aborted: true });
    const events = await finished;
    expect(events.at(-1)).toEqual({
      type: 'inversionFailed',
      jobId,
      message: 'inversion aborted; nothing was stored',
    });
    expect(await host.api.call('listInversions', { runId: imageRun })).toHaveLength(1);
    expect(await host.api.call('abortInversion', { jobId })).toEqual({ aborted: false });
  });
});
