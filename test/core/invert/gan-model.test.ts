import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { GanModel } from '../../../core/invert/gan-model';
import { DcganDiscriminator } from '../../../core/models/dcgan-discriminator';
import { disposeParams, writeParams } from '../../../core/models/params';
import { parseConfig } from '../../../core/train/config';
import { embeddingOf, liveCounts, maxAbsDiff, useWasm } from '../models/helpers';
import { tinyConfig, tinyState } from './helpers';

beforeAll(useWasm);

describe('GanModel', () => {
  it("features equal D's conv-block activations at t = 0, with the t bias folded in", () => {
    const config = tinyConfig({ conditional: true });
    const state = tinyState({ conditional: true }, 10);
    const model = GanModel.fromCheckpoint(1, config, state);
    const d = new DcganDiscriminator(new Rng(0), {
      shape: { height: 28, width: 28, channels: 1 },
      width: 4,
      tEmbedDim: config.discriminator.tEmbedDim,
      numClasses: 10,
    });
    writeParams(d.params, state.d);
    const x = tf.randomUniform([3, 28, 28, 1], -1, 1, 'float32', 4) as tf.Tensor4D;
    const compare = () =>
      tf.tidy(() => {
        const expected = d.apply(x, embeddingOf([0, 0, 0], config.discriminator.tEmbedDim), {
          labels: tf.tensor1d([1, 2, 3], 'int32'),
        }).features;
        const got = model.features(x);
        expect(got.length).toBe(expected.length);
        return Math.max(...got.map((f, i) => maxAbsDiff(f, expected[i])));
      });
    expect(compare()).toBeLessThan(1e-5);
    const before = liveCounts();
    compare();
    expect(liveCounts()).toEqual(before);
    x.dispose();
    disposeParams(d.params);
    model.dispose();
  });

  it('lays out u = [w | one-hot | codes] and measures w statistics with a mapping network', () => {
    const overrides = { generator: { zDim: 8, width: 4, mappingLayers: 2 }, infoContinuous: 2 };
    const model = GanModel.fromCheckpoint(1, tinyConfig(overrides), tinyState(overrides));
    try {
      expect(model.layout).toEqual({
        space: 'w',
        dim: 8,
        numClasses: 0,
        infoCategorical: 0,
        infoContinuous: 2,
        total: 10,
      });
      const stats = model.stats();
      const samples = model.sampleLatents(4000, new Rng(9));
      for (let j = 0; j < 8; j++) {
        let m = 0;
        for (let i = 0; i < 4000; i++) m += samples[i * 10 + j] / 4000;
        expect(m).toBeCloseTo(stats.mean[j], 1);
      }
      expect(stats.std[9]).toBeCloseTo(1 / Math.sqrt(3), 6);
      expect(stats.normStd).toBeGreaterThan(0);
      expect(() => model.checkLatent([1, 2])).toThrow(
        /latent has 2 values but this model's latent has 10 \(w of 8 plus 2/,
      );
      expect(() => model.checkLatent(new Array(10).fill(Number.NaN))).toThrow(/not a finite number/);
    } finally {
      model.dispose();
    }
  });

  it('refuses a 2D checkpoint with one line', () => {
    const config = parseConfig({ dataset: { name: 'grid25' } });
    expect(() =>
      GanModel.fromCheckpoint(7, config, { ...tinyState(), sampleShape: [2] } as ReturnType<
        typeof tinyState
      >),
    ).toThrow(/run 7 is a 2D run/);
  });
});
