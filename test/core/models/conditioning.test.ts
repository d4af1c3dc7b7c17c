import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { infoLoss, oneHotLabels, sampleInfoCodes } from '../../../core/models/conditioning';
import { useWasm } from './helpers';

beforeAll(useWasm);

describe('sampleInfoCodes', () => {
  it('draws a one-hot category then continuous codes in [-1, 1]', () => {
    const { codes, categories } = sampleInfoCodes(new Rng(1), 50, 4, 2);
    expect(codes.length).toBe(50 * 6);
    for (let i = 0; i < 50; i++) {
      const row = codes.subarray(i * 6, i * 6 + 6);
      expect(Array.from(row.subarray(0, 4))).toEqual([0, 1, 2, 3].map((k) => (k === categories[i] ? 1 : 0)));
      for (const c of row.subarray(4)) expect(Math.abs(c)).toBeLessThanOrEqual(1);
    }
    expect(new Set(categories).size).toBe(4);
    expect(sampleInfoCodes(new Rng(1), 50, 4, 2).codes).toEqual(codes);
  });
});

describe('oneHotLabels', () => {
  it('turns int32 labels into float one-hot rows', () => {
    const t = oneHotLabels(tf.tensor1d([2, 0], 'int32'), 3);
    expect(t.dtype).toBe('float32');
    expect(t.arraySync()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    t.dispose();
  });
});

describe('infoLoss', () => {
  const score = (qLogits: number[][] | undefined, qMean: number[][] | undefined, codes: number[][]) =>
    tf.tidy(
      () =>
        infoLoss(
          qLogits && tf.tensor2d(qLogits),
          qMean && tf.tensor2d(qMean),
          tf.tensor2d(codes),
        ).dataSync()[0],
    );

  it('is cross-entropy plus half the squared error of the continuous codes', () => {
    // Uniform logits over 4 categories: log 4; continuous errors (0.5, 1) and (0, 0): (0.25 + 1) / 2 / 2.
    const codes = [
      [1, 0, 0, 0, 0.5, -1],
      [0, 0, 1, 0, 0, 0],
    ];
    const value = score(
      [
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ],
      [
        [0, 0],
        [0, 0],
      ],
      codes,
    );
    expect(value).toBeCloseTo(Math.log(4) + 1.25 / 4, 5);
    expect(score(undefined, [[1, 2]], [[1, 0]])).toBeCloseTo((0 + 4) / 2, 5);
    expect(() => score([[0, 0]], undefined, [[1, 0, 0]])).toThrow(/3 columns/);
  });

  it('is lower when Q recovers the codes G was given', () => {
    const { codes } = sampleInfoCodes(new Rng(2), 16, 3, 2);
    tf.tidy(() => {
      const c = tf.tensor2d(codes, [16, 5]);
      const onehot = tf.slice(c, [0, 0], [16, 3]);
      const cont = tf.slice(c, [0, 3], [16, 2]);
      const right = infoLoss(tf.mul(onehot, 5) as tf.Tensor2D, tf.mul(cont, 0.9) as tf.Tensor2D, c);
      const shuffled = tf.reverse(c, 0) as tf.Tensor2D;
      const wrong = infoLoss(
        tf.mul(tf.slice(shuffled, [0, 0], [16, 3]), 5) as tf.Tensor2D,
        tf.mul(tf.slice(shuffled, [0, 3], [16, 2]), 0.9) as tf.Tensor2D,
        c,
      );
      expect(right.dataSync()[0]).toBeLessThan(wrong.dataSync()[0]);
      expect(right.dataSync()[0]).toBeLessThan(0.1);
    });
  });
});
