import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InversionInfo } from '../../../core/api/contract';
import { InvertService } from '../../../core/api/invert-service';
import { encodeGridPng } from '../../../core/data/images/png-encode';
import { initBackend } from '../../../core/engine/backend';
import * as tf from '../../../core/engine/tf';
import { RunStore } from '../../../core/store';
import { trainInversionRuns } from './tiny-runs';

// A tiny unconditional DCGAN trained for 8 steps (checkpoints at 4 and 8) and a tiny 2D run.

let dir: string;
let store: RunStore;
let service: InvertService;
let imageRun: number;
let pointsRun: number;
let emptyRun: number;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A 40x30 RGB PNG (center-cropped and converted to gray 28x28 by the service). */
function photo(): Uint8Array {
  const png = new PNG({ width: 40, height: 30 });
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 40; x++) {
      const i = (y * 40 + x) * 4;
      const on = (x - 20) ** 2 + (y - 15) ** 2 < 60;
      png.data.set([on ? 250 : 10, on ? 240 : 20, on ? 230 : 5, 255], i);
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

beforeAll(async () => {
  await initBackend('wasm');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-invert-'));
  store = RunStore.open(path.join(dir, 'runs.db'));
  ({ imageRun, pointsRun, emptyRun } = await trainInversionRuns(store, 8));
  service = new InvertService(store);
});

afterAll(() => {
  service?.dispose();
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function nothingStored() {
  for (const run of [imageRun, pointsRun, emptyRun]) expect(store.listInversions(run)).toEqual([]);
}

describe('InvertService', () => {
  let inversion: InversionInfo;

  it('refuses bad requests with one line and stores nothing', async () => {
    // Thunks, run one at a time: a rejection nobody awaits yet would be an unhandled rejection.
    const bad: [() => Promise<unknown>, RegExp][] = [
      [() => service.invert({ runId: pointsRun, imageBase64: b64(photo()) }), /2D run .*need an image run/],
      [() => service.invert({ runId: emptyRun, imageBase64: b64(photo()) }), /has no checkpoint yet/],
      [() => service.invert({ runId: 999, imageBase64: b64(photo()) }), /run 999 does not exist/],
      [
        () => service.invert({ runId: imageRun, imageBase64: b64(Buffer.from('hello, not an image')) }),
        /not a PNG or JPEG/,
      ],
      [
        () => service.invert({ runId: imageRun, checkpoint: 5, imageBase64: b64(photo()) }),
        /no checkpoint at step 5; it has steps 4, 8/,
      ],
      [
        () => service.invert({ runId: imageRun, start: 'encoder', imageBase64: b64(photo()) }),
        /no encoder .* train one first/,
      ],
      [
        () => service.edit({ runId: imageRun, latent: [1, 2, 3] }),
        /latent has 3 values but this model's latent has 8/,
      ],
      [
        () => service.computeDirections({ runId: imageRun, method: 'supervised', attribute: 'factor=x' }),
        /use class=K/,
      ],
    ];
    for (const [request, message] of bad) {
      const err = await request().then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.name).toBe('UserError');
      expect(err?.message).toMatch(message);
      expect(err?.message).not.toContain('\n');
    }
    // An RGBA image with transparent pixels: a channel count inversion does not take.
    const rgba = new PNG({ width: 10, height: 10 });
    rgba.data.fill(0);
    await expect(service.invert({ runId: imageRun, imageBase64: b64(PNG.sync.write(rgba)) })).rejects.toThrow(
      /4 channels \(RGBA\) with transparent pixels/,
    );
    nothingStored();
    expect(store.listDirections(imageRun, 8)).toEqual([]);
  });

  it('inverts an image, reports progress, stores the result and lists it', async () => {
    const progress: { step: number; png?: string }[] = [];
    inversion = await service.invert(
      { runId: imageRun, imageBase64: b64(photo()), steps: 12 },
      { onProgress: (p) => progress.push({ step: p.step, png: p.reconstructionPng }) },
    );
    expect(inversion).toMatchObject({ runId: imageRun, checkpointStep: 8, latentSpace: 'z', steps: 12 });
    expect(inversion.latent).toHaveLength(8);
    expect(inversion.lossCurve).toHaveLength(12);
    expect(Number.isFinite(inversion.psnr) && Number.isFinite(inversion.ssim)).toBe(true);
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(progress.filter((p) => p.png).map((p) => p.step)).toEqual([10, 12]);
    const target = PNG.sync.read(Buffer.from(inversion.targetPng, 'base64'));
    expect([target.width, target.height]).toEqual([28, 28]);
    expect(service.listInversions({ runId: imageRun }).map((i) => i.id)).toEqual([inversion.id]);
    expect(service.getInversion({ inversionId: inversion.id })).toEqual(inversion);
    expect(() => service.getInversion({ inversionId: 12345 })).toThrow(/inversion 12345 does not exist/);
  });

  it('edit with alpha 0 redraws the stored reconstruction exactly', async () => {
    const [sefa] = await service.computeDirections({ runId: imageRun, method: 'sefa', k: 2 });
    const plain = await service.edit({ runId: imageRun, latent: inversion.latent });
    const zero = await service.edit({ runId: imageRun, latent: inversion.latent, alphas: { [sefa.id]: 0 } });
    expect(b64(plain)).toBe(inversion.reconstructionPng);
    expect(b64(zero)).toBe(inversion.reconstructionPng);
    const moved = await service.edit({
      runId: imageRun,
      latent: inversion.latent,
      alphas: { 'sefa-1': 3 * sefa.std },
    });
    expect(b64(moved)).not.toBe(inversion.reconstructionPng);
  });

  it('refuses a direction computed for another checkpoint', async () => {
    const [early] = await service.computeDirections({ runId: imageRun, checkpoint: 4, method: 'pca', k: 1 });
    expect(early.checkpointStep).toBe(4);
    await expect(
      service.edit({ runId: imageRun, checkpoint: 8, latent: inversion.latent, alphas: { [early.id]: 1 } }),
    ).rejects.toThrow(
      new RegExp(`direction ${early.id} was computed for checkpoint step 4 of run ${imageRun}, not step 8`),
    );
    await expect(
      service.edit({ runId: imageRun, latent: inversion.latent, alphas: { nope: 1 } }),
    ).rejects.toThrow(/unknown direction 'nope'/);
    const listed = await service.listDirections({ runId: imageRun, checkpoint: 4 });
    expect(listed.map((d) => d.name)).toEqual(['pca-1']);
  });

  it('draws an interpolation strip whose ends are the two latents', async () => {
    const other = inversion.latent.map((v) => -v);
    const strip = PNG.sync.read(
      Buffer.from(
        await service.interpolate({ runId: imageRun, from: inversion.latent, to: other, frames: 4 }),
      ),
    );
    expect([strip.width, strip.height]).toEqual([4 * 28 + 5 * 2, 28 + 2 * 2]);
    const first = PNG.sync.read(Buffer.from(inversion.reconstructionPng, 'base64'));
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        expect(strip.data[((y + 2) * strip.width + x + 2) * 4]).toBe(first.data[(y * 28 + x) * 4]);
      }
    }
  });

  it('trains and stores an encoder, then starts an inversion from its guess', async () => {
    const progress: number[] = [];
    const enc = await service.trainEncoder(
      { runId: imageRun, steps: 6 },
      { onProgress: (p) => progress.push(p.step) },
    );
    expect(enc).toMatchObject({ runId: imageRun, checkpointStep: 8, steps: 6 });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.loadEncoder(imageRun, 8)?.info).toMatchObject({ steps: 6 });
    const hybrid = await service.invert({
      runId: imageRun,
      imageBase64: b64(photo()),
      steps: 3,
      start: 'encoder',
    });
    expect(hybrid.latent).toHaveLength(8);
    // A fresh service (as a worker would have) loads the stored encoder.
    const fresh = new InvertService(store);
    try {
      await fresh.invert({ runId: imageRun, imageBase64: b64(photo()), steps: 2, start: 'encoder' });
    } finally {
      fresh.dispose();
    }
  });

  it('frees every tensor on dispose', async () => {
    const before = tf.memory().numTensors;
    const other = new InvertService(store);
    await other.edit({ runId: imageRun, latent: inversion.latent });
    await other.edit({ runId: imageRun, checkpoint: 4, latent: inversion.latent });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    other.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('inverts a 64x64 RGB rendering of the target for a gray model (channels converted)', () => {
    const rgb = encodeGridPng(new Float32Array(64 * 64 * 3).fill(0.2), {
      count: 1,
      height: 64,
      width: 64,
      channels: 3,
    });
    return expect(
      service.invert({ runId: imageRun, imageBase64: b64(rgb), steps: 1 }),
    ).resolves.toMatchObject({
      steps: 1,
    });
  });
});
