import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { DcganDiscriminator } from '../../../core/models/dcgan-discriminator';
import type { ImageShape } from '../../../core/models/image-shape';
import { disposeParams, readParams } from '../../../core/models/params';
import { embeddingOf, l2, liveCounts, maxAbsDiff, useWasm } from './helpers';

beforeAll(useWasm);

const E = 8;

function images(n: number, shape: ImageShape, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, shape.height, shape.width, shape.channels], -1, 1, 'float32', seed);
}

describe('DcganDiscriminator', () => {
  it.each([
    [{ height: 28, width: 28, channels: 1 }, [14, 7]],
    [{ height: 32, width: 32, channels: 3 }, [16, 8]],
    [{ height: 64, width: 64, channels: 3 }, [32, 16, 8, 4]],
  ] as [ImageShape, number[]][])('gives logits [N, 1] and per-block features (%o)', (shape, sides) => {
    const d = new DcganDiscriminator(new Rng(1), { shape, width: 2, tEmbedDim: E });
    tf.tidy(() => {
      const out = d.apply(images(3, shape, 1), embeddingOf([0, 1, 2], E));
      expect(out.logits.shape).toEqual([3, 1]);
      expect(out.logits.dataSync().every(Number.isFinite)).toBe(true);
      expect(out.features.map((f) => f.shape)).toEqual(sides.map((s, i) => [3, s, s, 2 * 2 ** i]));
      expect(out.qLogits).toBeUndefined();
      expect(out.qMean).toBeUndefined();
    });
    disposeParams(d.params);
  });

  it('conditions its logits on t, through both the first-block bias and the projection head', () => {
    const shape: ImageShape = { height: 28, width: 28, channels: 1 };
    const d = new DcganDiscriminator(new Rng(2), { shape, width: 4, tEmbedDim: E });
    tf.tidy(() => {
      const y = tf.tile(images(1, shape, 2), [3, 1, 1, 1]) as tf.Tensor4D;
      // N(0, 0.02) weights make logits small at init, so differences are judged relative to them.
      const logits = d.apply(y, embeddingOf([0, 10, 400], E)).logits.dataSync();
      const scale = Math.max(...Array.from(logits, Math.abs));
      expect(scale).toBeGreaterThan(1e-5);
      expect(Math.abs(logits[0] - logits[1]) / scale).toBeGreaterThan(0.01);
      expect(Math.abs(logits[1] - logits[2]) / scale).toBeGreaterThan(0.01);
      // Each t path alone moves the logit too.
      for (const name of ['t.bias', 't.proj']) {
        const p = { ...d.params, [name]: tf.zerosLike(d.params[name]) };
        const l = d.apply(y, embeddingOf([0, 10, 400], E), { params: p }).logits.dataSync();
        expect(Math.abs(l[0] - l[2]) / scale, name).toBeGreaterThan(0.001);
      }
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          d.apply(y, embeddingOf([0, 10, 400], E), { params: { ...d.params, 't.bias': a, 't.proj': b } })
            .logits,
        ),
      )([d.params['t.bias'], d.params['t.proj']]);
      for (const g of grads) expect(l2(g)).toBeGreaterThan(0);
    });
    disposeParams(d.params);
  });

  it('conditions its logits on the class label (projection)', () => {
    const shape: ImageShape = { height: 32, width: 32, channels: 3 };
    const d = new DcganDiscriminator(new Rng(3), { shape, width: 4, tEmbedDim: E, numClasses: 3 });
    tf.tidy(() => {
      const y = tf.tile(images(1, shape, 3), [3, 1, 1, 1]) as tf.Tensor4D;
      const logits = d.apply(y, embeddingOf([5, 5, 5], E), {
        labels: tf.tensor1d([0, 1, 2], 'int32'),
      }).logits;
      const l = logits.dataSync();
      const scale = Math.max(...Array.from(l, Math.abs));
      expect(Math.abs(l[0] - l[1]) / scale).toBeGreaterThan(0.01);
      expect(Math.abs(l[1] - l[2]) / scale).toBeGreaterThan(0.01);
      expect(() => d.apply(y, embeddingOf([5, 5, 5], E))).toThrow(/needs labels/);
    });
    disposeParams(d.params);
  });

  it('judges each sample on its own (no batch coupling, as WGAN-GP and R1 assume)', () => {
    const shape: ImageShape = { height: 28, width: 28, channels: 1 };
    const d = new DcganDiscriminator(new Rng(4), {
      shape,
      width: 4,
      tEmbedDim: E,
      infoCategorical: 3,
      infoContinuous: 2,
    });
    tf.tidy(() => {
      const y = images(4, shape, 4);
      const emb = embeddingOf([0, 1, 2, 3], E);
      const all = d.apply(y, emb);
      const one = d.apply(tf.slice(y, [2], [1]), tf.slice(emb, [2], [1]));
      expect(maxAbsDiff(one.logits, tf.slice(all.logits, [2], [1]))).toBeLessThan(1e-5);
      expect(all.qLogits!.shape).toEqual([4, 3]);
      expect(all.qMean!.shape).toEqual([4, 2]);
      expect(maxAbsDiff(one.qMean!, tf.slice(all.qMean!, [2], [1]))).toBeLessThan(1e-5);
    });
    disposeParams(d.params);
  });

  it('takes an R1 gradient penalty (second order) and a D loss gradient to every parameter', () => {
    const shape: ImageShape = { height: 28, width: 28, channels: 1 };
    const d = new DcganDiscriminator(new Rng(5), { shape, width: 4, tEmbedDim: E, numClasses: 2 });
    const vars = Object.values(d.params);
    const step = () =>
      tf.tidy(() => {
        const y = images(2, shape, 5);
        const emb = embeddingOf([0, 0], E);
        const labels = tf.tensor1d([0, 1], 'int32');
        const { value, grads } = tf.variableGrads(() => {
          const loss = tf.mean(tf.softplus(tf.neg(d.apply(y, emb, { labels }).logits)));
          const gradX = tf.grad((x: tf.Tensor) => tf.sum(d.apply(x as tf.Tensor4D, emb, { labels }).logits))(
            y,
          );
          return tf.add(loss, tf.mul(5, tf.mean(tf.sum(tf.square(gradX), [1, 2, 3])))) as tf.Scalar;
        }, vars);
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        for (const [name, v] of Object.entries(d.params)) expect(l2(grads[v.name]), name).toBeGreaterThan(0);
      });
    step();
    const before = liveCounts();
    step();
    expect(liveCounts()).toEqual(before);
    disposeParams(d.params);
  });

  it('is deterministic for a seed', () => {
    const opts = {
      shape: { height: 28, width: 28, channels: 1 } as ImageShape,
      width: 2,
      tEmbedDim: E,
      numClasses: 2,
    };
    const [a, b] = [new DcganDiscriminator(new Rng(9), opts), new DcganDiscriminator(new Rng(9), opts)];
    const ra = readParams(a.params);
    const rb = readParams(b.params);
    expect(Object.keys(rb)).toEqual(Object.keys(ra));
    for (const name of Object.keys(ra)) expect(rb[name].data, name).toEqual(ra[name].data);
    disposeParams(a.params);
    disposeParams(b.params);
  });
});
