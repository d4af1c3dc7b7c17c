import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import { Encoder } from '../../../core/invert/encoder';
import type { GanModel } from '../../../core/invert/gan-model';
import { AbortError } from '../../../core/invert/projector';
import { liveCounts, useWasm } from '../models/helpers';
import { tinyModel } from './helpers';

let model: GanModel;
beforeAll(async () => {
  await useWasm();
  model = tinyModel();
});
afterAll(() => model.dispose());

describe('Encoder', () => {
  it("learns to predict the latents of G's own samples better than the mean latent does", () => {
    const latents = model.sampleLatents(64, new Rng(99));
    const images = model.render(latents);
    const error = (guess: Float32Array) =>
      guess.reduce((s, v, i) => s + (v - latents[i]) ** 2, 0) / guess.length;
    const losses: number[] = [];
    const { encoder, loss } = Encoder.train(model, {
      steps: 150,
      batch: 16,
      onProgress: (p) => losses.push(p.loss),
    });
    try {
      expect(losses).toHaveLength(150);
      expect(loss).toBe(losses.at(-1));
      const mean = new Float32Array(latents.length); // z's mean is 0
      expect(error(encoder.predict(images))).toBeLessThan(0.8 * error(mean));
      // Round trip through the stored bytes gives the same guesses.
      const copy = Encoder.deserialize(encoder.serialize({ steps: 150, loss }), model);
      expect(Array.from(copy.predict(images))).toEqual(Array.from(encoder.predict(images)));
      copy.dispose();
    } finally {
      encoder.dispose();
    }
  });

  it('frees every tensor after training, prediction and disposal, also when aborted', () => {
    const warm = Encoder.train(model, { steps: 2, batch: 4 });
    warm.encoder.dispose();
    const before = liveCounts();
    const { encoder } = Encoder.train(model, { steps: 3, batch: 4 });
    encoder.predict(model.render(model.sampleLatents(2, new Rng(1))));
    encoder.dispose();
    const controller = new AbortController();
    controller.abort();
    expect(() => Encoder.train(model, { steps: 3, signal: controller.signal })).toThrow(AbortError);
    expect(liveCounts()).toEqual(before);
  });
});
