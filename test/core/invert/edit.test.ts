import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import { applyDirections, interpolationLatents, slerp } from '../../../core/invert/edit';
import type { GanModel } from '../../../core/invert/gan-model';
import { liveCounts, useWasm } from '../models/helpers';
import { tinyModel } from './helpers';

let model: GanModel;
beforeAll(async () => {
  await useWasm();
  model = tinyModel();
});
afterAll(() => model.dispose());

describe('editing and interpolation', () => {
  it('alpha 0 gives G(latent) exactly; a direction moves the latent by alpha * d', () => {
    const latent = model.sampleLatents(1, new Rng(1));
    const d = new Array(model.layout.total).fill(0);
    d[2] = 1;
    expect(Array.from(model.render(applyDirections(latent, [{ vector: d, alpha: 0 }])))).toEqual(
      Array.from(model.render(latent)),
    );
    const moved = applyDirections(latent, [{ vector: d, alpha: 1.5 }]);
    expect(moved[2]).toBeCloseTo(latent[2] + 1.5, 6);
    expect(moved[1]).toBe(latent[1]);
  });

  it('interpolation strips start and end at the given latents, slerp in z and lerp in w', () => {
    const [a, b] = [model.sampleLatents(1, new Rng(2)), model.sampleLatents(1, new Rng(3))];
    const frames = interpolationLatents(a, b, 5, model.layout);
    const total = model.layout.total;
    expect(Array.from(frames.subarray(0, total))).toEqual(Array.from(a));
    expect(Array.from(frames.subarray(4 * total))).toEqual(Array.from(b));
    const images = model.render(frames);
    const per = images.length / 5;
    expect(Array.from(images.subarray(0, per))).toEqual(Array.from(model.render(a)));
    expect(Array.from(images.subarray(4 * per))).toEqual(Array.from(model.render(b)));
    // z: the middle frame keeps the norm (slerp of equal-norm vectors), unlike the straight line.
    const unitA = [3, 4].map((v) => v / 5);
    const out = new Float32Array(2);
    slerp(unitA, [1, 0], 0.5, out);
    expect(Math.hypot(out[0], out[1])).toBeCloseTo(1, 6);
    const w = interpolationLatents([0, 2], [2, 0], 3, { ...model.layout, space: 'w', dim: 2, total: 2 });
    expect(Array.from(w.subarray(2, 4))).toEqual([1, 1]);
  });

  it('rendering leaves no tensors behind', () => {
    const latents = model.sampleLatents(3, new Rng(4));
    model.render(latents);
    const before = liveCounts();
    model.render(latents);
    expect(liveCounts()).toEqual(before);
  });
});
