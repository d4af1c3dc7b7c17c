import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { infoLoss, sampleInfoCodes } from '../../../core/models/conditioning';
import { DcganDiscriminator } from '../../../core/models/dcgan-discriminator';
import { DcganGenerator } from '../../../core/models/dcgan-generator';
import type { ImageShape } from '../../../core/models/image-shape';
import { disposeParams, readParams } from '../../../core/models/params';
import { embeddingOf, l2, liveCounts, maxAbsDiff, useWasm } from './helpers';

beforeAll(useWasm);

const SHAPES: ImageShape[] = [
  { height: 28, width: 28, channels: 1 },
  { height: 32, width: 32, channels: 3 },
  { height: 64, width: 64, channels: 1 },
  { height: 64, width: 64, channels: 3 },
];

function dispose(g: DcganGenerator): void {
  disposeParams(g.params);
  disposeParams(g.state);
}

describe('DcganGenerator', () => {
  it.each(SHAPES)('maps z to [N, H, W, C] images in [-1, 1] ($height px, $channels ch)', (shape) => {
    const g = new DcganGenerator(new Rng(1), { zDim: 8, shape, width: 4 });
    for (const training of [true, false]) {
      const x = tf.tidy(() => g.apply(tf.randomNormal([3, 8], 0, 1, 'float32', 2), { training }));
      expect(x.shape).toEqual([3, shape.height, shape.width, shape.channels]);
      const v = x.dataSync();
      expect(v.every((e) => Number.isFinite(e) && e >= -1 && e <= 1)).toBe(true);
      expect(tf.tidy(() => tf.moments(x).variance.dataSync()[0])).toBeGreaterThan(0);
      x.dispose();
    }
    dispose(g);
  });

  it('doubles channels per upsampling block going back from width, 4x4 base at 64 px', () => {
    const g = new DcganGenerator(new Rng(1), {
      zDim: 8,
      shape: { height: 64, width: 64, channels: 3 },
      width: 4,
    });
    expect(g.params['fc.w'].shape).toEqual([8, 4 * 4 * 32]);
    expect(['up1', 'up2', 'up3', 'out'].map((n) => g.params[`${n}.w`].shape)).toEqual([
      [4, 4, 16, 32],
      [4, 4, 8, 16],
      [4, 4, 4, 8],
      [4, 4, 3, 4],
    ]);
    const g28 = new DcganGenerator(new Rng(1), {
      zDim: 8,
      shape: { height: 28, width: 28, channels: 1 },
      width: 4,
    });
    expect(g28.params['fc.w'].shape).toEqual([8, 7 * 7 * 8]);
    dispose(g);
    dispose(g28);
  });

  it('rejects unsupported shapes and wrong inputs with messages naming them', () => {
    expect(
      () =>
        new DcganGenerator(new Rng(1), {
          zDim: 8,
          shape: { height: 48, width: 48, channels: 1 } as never,
          width: 4,
        }),
    ).toThrow(/28, 32 or 64/);
    const g = new DcganGenerator(new Rng(1), {
      zDim: 8,
      shape: { height: 28, width: 28, channels: 1 },
      width: 4,
      numClasses: 3,
    });
    expect(() => tf.tidy(() => g.apply(tf.zeros([2, 5]) as tf.Tensor2D))).toThrow(/\[N, 8\]/);
    expect(() => tf.tidy(() => g.apply(tf.zeros([2, 8]) as tf.Tensor2D))).toThrow(/needs labels/);
    dispose(g);
  });

  it('is a function of labels and InfoGAN codes, and apply(z) = synthesize(mapping(z))', () => {
    const g = new DcganGenerator(new Rng(3), {
      zDim: 8,
      shape: { height: 28, width: 28, channels: 1 },
      width: 4,
      numClasses: 3,
      infoCategorical: 3,
      infoContinuous: 2,
      mapping: { layers: 2, wDim: 6 },
    });
    expect(g.latentDim).toBe(8 + 5);
    expect(g.wDim).toBe(6);
    tf.tidy(() => {
      const z = tf.randomNormal([2, 8], 0, 1, 'float32', 4) as tf.Tensor2D;
      const codes = tf.tensor2d(sampleInfoCodes(new Rng(5), 2, 3, 2).codes, [2, 5]);
      const labels = tf.tensor1d([0, 1], 'int32');
      const opts = { labels, codes, training: false };
      const x = g.apply(z, opts);
      expect(maxAbsDiff(x, g.synthesize(g.mapping(z), opts))).toBe(0);
      expect(maxAbsDiff(x, g.apply(z, { ...opts, labels: tf.tensor1d([2, 2], 'int32') }))).toBeGreaterThan(
        1e-4,
      );
      expect(maxAbsDiff(x, g.apply(z, { ...opts, codes: tf.mul(codes, -1) as tf.Tensor2D }))).toBeGreaterThan(
        1e-4,
      );
    });
    const plain = new DcganGenerator(new Rng(3), {
      zDim: 8,
      shape: { height: 28, width: 28, channels: 1 },
      width: 4,
    });
    tf.tidy(() => {
      const z = tf.randomNormal([2, 8], 0, 1, 'float32', 4) as tf.Tensor2D;
      expect(maxAbsDiff(plain.mapping(z), z)).toBe(0);
    });
    dispose(g);
    dispose(plain);
  });

  it('sends gradient of a G loss through D to every trainable parameter of G', () => {
    const shape: ImageShape = { height: 28, width: 28, channels: 1 };
    const g = new DcganGenerator(new Rng(6), {
      zDim: 8,
      shape,
      width: 4,
      numClasses: 3,
      infoCategorical: 3,
      infoContinuous: 2,
      mapping: { layers: 2, wDim: 6 },
    });
    const d = new DcganDiscriminator(new Rng(7), {
      shape,
      width: 4,
      tEmbedDim: 8,
      numClasses: 3,
      infoCategorical: 3,
      infoContinuous: 2,
    });
    const names = Object.keys(g.params);
    expect(names.filter((n) => n.startsWith('map'))).toHaveLength(4);
    const { value, grads } = tf.tidy(() => {
      const z = tf.randomNormal([4, 8], 0, 1, 'float32', 8) as tf.Tensor2D;
      const labels = tf.tensor1d([0, 1, 2, 0], 'int32');
      const codes = tf.tensor2d(sampleInfoCodes(new Rng(9), 4, 3, 2).codes, [4, 5]);
      const emb = embeddingOf([0, 3, 10, 50], 8);
      return tf.variableGrads(() => {
        const out = d.apply(g.apply(z, { labels, codes }), emb, { labels });
        const adversarial = tf.mean(tf.softplus(tf.neg(out.logits)));
        return tf.add(adversarial, infoLoss(out.qLogits, out.qMean, codes)) as tf.Scalar;
      }, Object.values(g.params));
    });
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(Object.keys(grads).sort()).toEqual(
      Object.values(g.params)
        .map((v) => v.name)
        .sort(),
    );
    const byName = new Map(Object.entries(g.params).map(([n, v]) => [v.name, n]));
    for (const [id, grad] of Object.entries(grads)) {
      expect(grad.shape, byName.get(id)).toEqual(g.params[byName.get(id)!].shape);
      expect(l2(grad), byName.get(id)).toBeGreaterThan(0);
    }
    tf.dispose([value, ...Object.values(grads)]);
    dispose(g);
    disposeParams(d.params);
  });

  it('leaves the number of tensors unchanged after a forward and backward pass', () => {
    const shape: ImageShape = { height: 32, width: 32, channels: 3 };
    const g = new DcganGenerator(new Rng(1), {
      zDim: 8,
      shape,
      width: 4,
      numClasses: 2,
      mapping: { layers: 1, wDim: 8 },
    });
    const d = new DcganDiscriminator(new Rng(2), { shape, width: 4, tEmbedDim: 8, numClasses: 2 });
    const step = () =>
      tf.tidy(() => {
        const labels = tf.tensor1d([0, 1], 'int32');
        const { value, grads } = tf.variableGrads(() => {
          const x = g.apply(tf.randomNormal([2, 8]) as tf.Tensor2D, { labels });
          return tf.mean(
            tf.softplus(tf.neg(d.apply(x, embeddingOf([1, 2], 8), { labels }).logits)),
          ) as tf.Scalar;
        }, Object.values(g.params));
        // Read everything back, as an optimizer step would consume it.
        value.dataSync();
        for (const grad of Object.values(grads)) grad.dataSync();
        g.apply(tf.zeros([2, 8]), { labels, training: false }).dataSync();
      });
    step(); // wasm allocates kernel caches on first use
    const before = liveCounts();
    step();
    expect(liveCounts()).toEqual(before);
    dispose(g);
    disposeParams(d.params);
  });

  it('is deterministic for a seed', () => {
    const make = (seed: number) =>
      new DcganGenerator(new Rng(seed), {
        zDim: 8,
        shape: { height: 28, width: 28, channels: 1 },
        width: 4,
        infoContinuous: 1,
        mapping: { layers: 1, wDim: 4 },
      });
    const [a, b, c] = [make(11), make(11), make(12)];
    const ra = readParams(a.params);
    const rb = readParams(b.params);
    for (const name of Object.keys(ra)) expect(rb[name].data, name).toEqual(ra[name].data);
    expect(readParams(c.params)['fc.w'].data).not.toEqual(ra['fc.w'].data);
    tf.tidy(() => {
      const z = tf.tensor2d(new Rng(13).fillNormal(new Float32Array(16)), [2, 8]);
      const codes = tf.tensor2d([[0.5], [-0.5]]);
      expect(maxAbsDiff(a.apply(z, { codes }), b.apply(z, { codes }))).toBe(0);
    });
    for (const g of [a, b, c]) dispose(g);
  });
});
