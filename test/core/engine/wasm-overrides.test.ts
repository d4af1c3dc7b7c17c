import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../core/engine/backend';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { onBoth } from './on-both';

function t(seed: number, shape: number[]): tf.Tensor {
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  new Rng(seed).fillUniform(v, -1, 1);
  return tf.tensor(v, shape);
}

async function sameOnBoth(fn: () => tf.Tensor | tf.Tensor[], tol = 1e-5): Promise<void> {
  const { cpu, wasm } = await onBoth(fn);
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((c, i) => {
    expect(wasm[i].shape).toEqual(c.shape);
    expect(wasm[i].dtype).toBe(c.dtype);
    const worst = c.values.reduce((m, v, k) => Math.max(m, Math.abs(v - wasm[i].values[k])), 0);
    const scale = c.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(worst, `output ${i}`).toBeLessThanOrEqual(tol * (1 + scale));
  });
}

beforeAll(async () => {
  await initBackend('wasm'); // registers the overrides
});

describe('wasm Slice and SplitV overrides match cpu', () => {
  it('slices of every rank, contiguous or not, short and long runs, int32 and bool', async () => {
    await sameOnBoth(() => [
      tf.slice(t(1, [10]), [3], [5]),
      tf.slice(t(2, [6, 40]), [1, 0], [3, 40]),
      tf.slice(t(3, [6, 40]), [1, 5], [3, 33]),
      tf.slice(t(4, [4, 30, 30, 1]), [0, 1, 1, 0], [4, 28, 28, 1]),
      tf.slice(t(5, [3, 5, 6, 7]), [1, 2, 0, 3], [2, 2, 6, 4]),
      tf.slice(t(6, [2, 3, 4, 5, 6]), [1, 0, 2, 1, 0], [1, 3, 2, 3, 6]),
      tf.slice(t(7, [4, 5]), [0, 0], [-1, 2]),
      tf.slice(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [0, 1], [2, 2]),
      tf.slice(tf.tensor1d([true, false, true, true], 'bool'), [1], [2]),
      tf.slice(t(8, [3, 4]), [1, 1], [0, 2]),
    ]);
  });

  it('split into sizes along any axis (the optimizer unflattening its parameter vector)', async () => {
    await sameOnBoth(() => [
      ...tf.split(t(10, [237]), [200, 1, 32, 4]),
      ...tf.split(t(11, [4, 9, 3]), 3, 1),
      ...tf.split(t(12, [6, 5]), [1, 2, 3], 0),
      ...tf.split(tf.tensor1d([1, 2, 3, 4], 'int32'), 2),
    ]);
  });
});

describe('wasm Identity override (clones share the buffer)', () => {
  it('a clone keeps its values after the original is disposed, and the buffer is freed with both', async () => {
    await tf.setBackend('wasm');
    const before = tf.backend().numDataIds();
    const a = t(20, [3, 4]);
    const expected = Array.from(a.dataSync());
    const b = tf.clone(a);
    expect(tf.backend().numDataIds()).toBe(before + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual(expected);
    b.dispose();
    expect(tf.backend().numDataIds()).toBe(before);
  });

  it('gradients through saved (cloned) tensors match cpu', async () => {
    await sameOnBoth(() =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.tanh(tf.matMul(x, w)))))([
        t(21, [6, 4]),
        t(22, [4, 3]),
      ]),
    );
  });
});

describe('wasm Sum / Mean over leading axes match cpu', () => {
  it('matrices, NHWC moments, keepDims, unsorted axes; other reductions untouched', async () => {
    await sameOnBoth(() => {
      const x4 = t(30, [2, 5, 5, 3]);
      return [
        tf.sum(t(31, [7, 5]), 0),
        tf.mean(t(31, [7, 5]), 0, true),
        tf.sum(x4, [0, 1, 2]),
        tf.mean(x4, [0, 1, 2], true),
        tf.sum(x4, [1, 0]),
        tf.mean(x4, [0]),
        tf.sum(x4, [1, 2]),
        tf.mean(x4),
        tf.sum(t(32, [1, 4]), 0),
        tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0),
        tf.moments(x4, [0, 1, 2]).variance,
      ];
    });
  });

  it('a long column (bias gradient of a conv layer) stays accurate', async () => {
    await sameOnBoth(() => [tf.sum(t(33, [25088, 3]), 0), tf.mean(t(34, [4096, 32]), 0)], 1e-4);
  });
});

describe('wasm matmul overrides match cpu', () => {
  it('A^T b with a vector operand (rows summed) in 2D and batch-1 3D', async () => {
    await sameOnBoth(() => [
      tf.matMul(t(40, [16, 12]), t(41, [16, 1]), true, false),
      tf.matMul(t(42, [16, 1]), t(43, [16, 12]), true, false),
      tf.matMul(t(44, [9, 1]), t(45, [9, 1]), true, false),
      tf.matMul(t(46, [1, 16, 5]), t(47, [1, 16, 1]), true, false),
    ]);
  });

  it('a buffer used as b with two shapes (a reshape) never reuses the first packed operator', async () => {
    await sameOnBoth(() => {
      const w = t(50, [12, 1]);
      const first = tf.matMul(t(51, [4, 12]), w); // w as b, [12, 1]
      const second = tf.matMul(t(52, [3, 1]), tf.reshape(w, [1, 12])); // same buffer, [1, 12]
      const third = tf.matMul(t(53, [5, 1]), w, false, true); // transposed: [1, 12] again
      const fourth = tf.matMul(t(54, [2, 12]), w); // and back
      return [first, second, third, fourth];
    });
  });

  it('gradients of a dense layer with one output (the case that needed the guard)', async () => {
    await sameOnBoth(() =>
      tf.grads((x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor) =>
        tf.sum(tf.square(tf.matMul(tf.matMul(x, w1), w2))),
      )([t(55, [16, 5]), t(56, [5, 12]), t(57, [12, 1])]),
    );
  });
});

describe('wasm LeakyRelu (Prelu form) matches cpu', () => {
  it('shapes with many, few and one trailing channels', async () => {
    await sameOnBoth(() => [
      tf.leakyRelu(t(60, [4, 7, 7, 32]), 0.2),
      tf.leakyRelu(t(61, [64, 3136]), 0.2),
      tf.leakyRelu(t(62, [3, 4, 4, 1]), 0.1),
      tf.leakyRelu(t(63, [5, 3]), 0.3),
      tf.leakyRelu(t(64, [17]), 0.2),
      tf.leakyRelu(tf.scalar(-2), 0.2),
    ]);
  });
});
