import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../core/engine/backend';
import * as tf from '../../../core/engine/tf';

async function onBoth<T>(f: () => T): Promise<{ cpu: T; wasm: T }> {
  await tf.setBackend('cpu');
  const cpu = f();
  await tf.setBackend('wasm');
  const wasm = f();
  return { cpu, wasm };
}

const close = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 4);
};

beforeAll(async () => {
  await initBackend('wasm'); // registers the overrides
});

describe('wasm LeakyRelu and column-sum overrides', () => {
  it('LeakyRelu matches the cpu backend, including zeros, negatives and int32 input', async () => {
    const values = [-3, -0.5, 0, 0.25, 7, -1e-7];
    const { cpu, wasm } = await onBoth(() => [
      Array.from(tf.leakyRelu(tf.tensor1d(values), 0.2).dataSync()),
      Array.from(tf.leakyRelu(tf.tensor1d([-4, 0, 5], 'int32'), 0.1).dataSync()),
    ]);
    close(wasm[0], cpu[0]);
    close(wasm[1], cpu[1]);
    expect(wasm[0][0]).toBeCloseTo(-0.6, 6);
  });

  it('its gradient and second-order gradient match the cpu backend', async () => {
    const x = [-2, -0.1, 0.3, 4];
    const { cpu, wasm } = await onBoth(() => {
      const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, 0.2), tf.leakyRelu(tf.mul(v, 3), 0.2)));
      const g = Array.from(tf.grad(f)(tf.tensor1d(x)).dataSync());
      const gg = Array.from(
        tf
          .grad((v: tf.Tensor) => tf.sum(tf.grad(f)(v)))(tf.tensor1d(x))
          .dataSync(),
      );
      return { g, gg };
    });
    close(wasm.g, cpu.g);
    close(wasm.gg, cpu.gg);
  });

  it('sum over axis 0 of a matrix matches the cpu backend (keepDims or not); other sums are untouched', async () => {
    const data = Array.from({ length: 7 * 5 }, (_, i) => Math.sin(i));
    const { cpu, wasm } = await onBoth(() => {
      const buffersBefore = tf.backend().numDataIds();
      const result = tf.tidy(() => {
        const m = tf.tensor2d(data, [7, 5]);
        const outs = [
          tf.sum(m, 0),
          tf.sum(m, 0, true),
          tf.sum(m, 1),
          tf.sum(m),
          tf.sum(tf.tensor3d(data.slice(0, 30), [2, 3, 5]), 0),
          tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0),
        ];
        return { shapes: outs.map((o) => o.shape), values: outs.map((o) => Array.from(o.dataSync())) };
      });
      // The ones row and the pre-reshape product must be freed inside the kernel.
      return { ...result, leaked: tf.backend().numDataIds() - buffersBefore };
    });
    expect(wasm.shapes).toEqual(cpu.shapes);
    for (let i = 0; i < cpu.values.length; i++) close(wasm.values[i], cpu.values[i]);
    expect(wasm.leaked).toBe(0);
  });
});
