import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import type { GanModel } from '../../../core/invert/gan-model';
import { AbortError, type ProjectionProgress, project } from '../../../core/invert/projector';
import { psnr } from '../../../core/invert/quality';
import { liveCounts, useWasm } from '../models/helpers';
import { tinyModel } from './helpers';

let model: GanModel;

beforeAll(async () => {
  await useWasm();
  model = tinyModel();
});
afterAll(() => model.dispose());

/** An image G itself drew from a known latent. */
function selfTarget(seed: number): { latent: Float32Array; image: Float32Array } {
  const latent = model.sampleLatents(1, new Rng(seed));
  return { latent, image: model.render(latent) };
}

describe('project', () => {
  it('inverts an image G drew from a known latent to a high PSNR, from the mean latent', () => {
    const { image } = selfTarget(11);
    const startPsnr = project(model, image, { steps: 1 }).psnr;
    const result = project(model, image, { steps: 200, seed: 1 });
    expect(result.psnr).toBeGreaterThan(35);
    expect(result.psnr).toBeGreaterThan(startPsnr + 10);
    expect(result.ssim).toBeGreaterThan(0.95);
    expect(result.latent.length).toBe(model.layout.total);
    expect(result.lossCurve.length).toBe(200);
    expect(result.lossCurve.at(-1)!).toBeLessThan(result.lossCurve[0] / 10);
    expect(result.elapsedMs).toBeGreaterThan(0);
  });

  it('reports every step and a reconstruction every previewEvery steps and at the end', () => {
    const { image } = selfTarget(12);
    const seen: ProjectionProgress[] = [];
    project(model, image, { steps: 25, previewEvery: 10, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.step)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(seen.filter((p) => p.reconstruction).map((p) => p.step)).toEqual([10, 20, 25]);
    expect(seen[9].reconstruction!.length).toBe(28 * 28);
    expect(seen.every((p) => Number.isFinite(p.loss) && Number.isFinite(p.psnr))).toBe(true);
  });

  it('random-best starts at the best of its candidates; restarts never end worse than the start alone', () => {
    const { latent, image } = selfTarget(13);
    const still = { steps: 1, lr: 1e-9, featureWeight: 0, priorWeight: 0 };
    // The projector draws its candidates first from Rng(seed): the same 16 latents.
    const candidates = model.render(model.sampleLatents(16, new Rng(0)));
    const per = image.length;
    const bestCandidate = Math.max(
      ...Array.from({ length: 16 }, (_, i) => psnr(candidates.subarray(i * per, (i + 1) * per), image)),
    );
    const best = project(model, image, {
      ...still,
      start: 'random-best',
      candidates: 16,
      restarts: 1,
      seed: 0,
    });
    expect(best.psnr).toBeCloseTo(bestCandidate, 3);
    const alone = project(model, image, { ...still, start: 'mean', restarts: 1 });
    const withRestarts = project(model, image, { ...still, start: 'mean', restarts: 4 });
    expect(withRestarts.psnr).toBeGreaterThanOrEqual(alone.psnr - 1e-6);
    const fromTruth = project(model, image, { ...still, start: 'encoder', initial: latent, restarts: 1 });
    expect(fromTruth.psnr).toBeGreaterThan(60);
  });

  it('stops at the next step when the signal is aborted', () => {
    const { image } = selfTarget(14);
    const controller = new AbortController();
    let steps = 0;
    expect(() =>
      project(model, image, {
        steps: 100,
        signal: controller.signal,
        onProgress: (p) => {
          steps = p.step;
          if (p.step === 3) controller.abort();
        },
      }),
    ).toThrow(AbortError);
    expect(steps).toBe(3);
  });

  it('leaves no tensors behind, also when aborted', () => {
    const { image } = selfTarget(15);
    project(model, image, { steps: 2 });
    const before = liveCounts();
    project(model, image, { steps: 5, start: 'random-best', candidates: 4 });
    const controller = new AbortController();
    controller.abort();
    expect(() => project(model, image, { steps: 5, signal: controller.signal })).toThrow(AbortError);
    expect(liveCounts()).toEqual(before);
  });
});
