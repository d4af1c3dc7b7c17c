import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { addBatchNorm, BN_EPSILON, BN_MOMENTUM, batchNorm } from '../../../core/models/batch-norm';
import { DcganGenerator } from '../../../core/models/dcgan-generator';
import { disposeParams, type Params, readParams } from '../../../core/models/params';
import { maxAbsDiff, useWasm } from './helpers';

beforeAll(useWasm);

function layer(channels: number): { params: Params; state: Params } {
  const params: Params = {};
  const state: Params = {};
  addBatchNorm(params, state, new Rng(1), 'bn', channels, 'pytorch');
  return { params, state };
}

const read = (t: tf.Tensor) => Array.from(t.dataSync());

describe('batchNorm', () => {
  it('normalises each channel with the batch statistics in training mode', () => {
    const { params, state } = layer(3);
    tf.tidy(() => {
      const x = tf.add(tf.mul(tf.randomNormal([4, 5, 5, 3], 0, 1, 'float32', 1), 3), 2) as tf.Tensor4D;
      const y = batchNorm(x, params, state, 'bn', { training: true, update: false });
      const { mean, variance } = tf.moments(y, [0, 1, 2]);
      for (const m of read(mean)) expect(Math.abs(m)).toBeLessThan(1e-4);
      for (const v of read(variance)) expect(v).toBeCloseTo(1, 3);
    });
    disposeParams(params);
    disposeParams(state);
  });

  it('moves the running statistics (unbiased variance, momentum 0.1) only when updating', () => {
    const { params, state } = layer(2);
    tf.tidy(() => {
      const x = tf.randomNormal([3, 4, 4, 2], 1, 2, 'float32', 2) as tf.Tensor4D;
      batchNorm(x, params, state, 'bn', { training: false, update: false });
      batchNorm(x, params, state, 'bn', { training: true, update: false });
      expect(read(state['bn.mean'])).toEqual([0, 0]);
      expect(read(state['bn.var'])).toEqual([1, 1]);
      batchNorm(x, params, state, 'bn', { training: true, update: true });
      const m = 3 * 4 * 4;
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      const expectedMean = read(tf.mul(mean, BN_MOMENTUM));
      const expectedVar = read(tf.add(1 - BN_MOMENTUM, tf.mul(variance, (BN_MOMENTUM * m) / (m - 1))));
      const [runMean, runVar] = [read(state['bn.mean']), read(state['bn.var'])];
      for (let c = 0; c < 2; c++) {
        expect(runMean[c]).toBeCloseTo(expectedMean[c], 5);
        expect(runVar[c]).toBeCloseTo(expectedVar[c], 4);
      }
    });
    disposeParams(params);
    disposeParams(state);
  });

  it('uses the running statistics in eval mode, so a sample does not depend on its batch', () => {
    const { params, state } = layer(2);
    state['bn.mean'].assign(tf.tensor1d([1, -2]));
    state['bn.var'].assign(tf.tensor1d([4, 0.25]));
    params['bn.gamma'].assign(tf.tensor1d([2, 1]));
    params['bn.beta'].assign(tf.tensor1d([0.5, 0]));
    tf.tidy(() => {
      const x = tf.randomNormal([3, 2, 2, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
      const y = batchNorm(x, params, state, 'bn', { training: false, update: false });
      const expected = tf.add(
        tf.mul(tf.div(tf.sub(x, [1, -2]), tf.sqrt(tf.add([4, 0.25], BN_EPSILON))), [2, 1]),
        [0.5, 0],
      );
      expect(maxAbsDiff(y, expected)).toBeLessThan(1e-5);
      const alone = batchNorm(tf.slice(x, [0], [1]), params, state, 'bn', { training: false, update: false });
      expect(maxAbsDiff(alone, tf.slice(y, [0], [1]))).toBeLessThan(1e-6);
    });
    disposeParams(params);
    disposeParams(state);
  });
});

describe('DcganGenerator batch norm state', () => {
  it('keeps running statistics as non-trainable state, updated in training mode only and used in eval', () => {
    const g = new DcganGenerator(new Rng(4), {
      zDim: 8,
      shape: { height: 28, width: 28, channels: 1 },
      width: 4,
    });
    expect(Object.keys(g.state).sort()).toEqual(['bn0.mean', 'bn0.var', 'bn1.mean', 'bn1.var']);
    expect(Object.values(g.state).every((v) => !v.trainable)).toBe(true);
    expect(Object.values(g.params).every((v) => v.trainable)).toBe(true);
    expect(Object.keys(g.params).some((n) => n in g.state)).toBe(false);

    const z = tf.randomNormal([4, 8], 0, 1, 'float32', 5) as tf.Tensor2D;
    const snapshot = () => readParams(g.state);
    const initial = snapshot();
    tf.tidy(() => g.apply(z, { training: false }));
    tf.tidy(() => g.apply(z, { training: true, updateStats: false }));
    expect(snapshot()).toEqual(initial);
    const evalBefore = tf.tidy(() => g.apply(z, { training: false }));

    tf.tidy(() => g.apply(z, { training: true }));
    const after = snapshot();
    for (const name of Object.keys(initial)) expect(after[name].data, name).not.toEqual(initial[name].data);
    // Eval output follows the running statistics; training output does not.
    const evalAfter = tf.tidy(() => g.apply(z, { training: false }));
    expect(maxAbsDiff(evalBefore, evalAfter)).toBeGreaterThan(1e-5);
    const train1 = tf.tidy(() => g.apply(z, { training: true, updateStats: false }));
    g.state['bn0.mean'].assign(tf.onesLike(g.state['bn0.mean']));
    const train2 = tf.tidy(() => g.apply(z, { training: true, updateStats: false }));
    expect(maxAbsDiff(train1, train2)).toBe(0);
    const evalMoved = tf.tidy(() => g.apply(z, { training: false }));
    expect(maxAbsDiff(evalAfter, evalMoved)).toBeGreaterThan(1e-5);
    tf.dispose([z, evalBefore, evalAfter, evalMoved, train1, train2]);
    disposeParams(g.params);
    disposeParams(g.state);
  });
});
