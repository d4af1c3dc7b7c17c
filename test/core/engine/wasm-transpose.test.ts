import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../core/engine/backend';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { transposePlan } from '../../../core/engine/wasm-transpose';
import { onBoth } from './on-both';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('transposePlan', () => {
  it('reads rotations of the trailing axes as batched 2D transposes', () => {
    expect(transposePlan([5, 7], [1, 0])).toEqual({ batch: 1, rows: 5, cols: 7 });
    expect(transposePlan([3, 5, 7], [0, 2, 1])).toEqual({ batch: 3, rows: 5, cols: 7 });
    expect(transposePlan([2, 3, 4], [2, 0, 1])).toEqual({ batch: 1, rows: 6, cols: 4 });
    expect(transposePlan([2, 3, 4], [1, 2, 0])).toEqual({ batch: 1, rows: 2, cols: 12 });
    expect(transposePlan([2, 3, 4, 5], [0, 2, 3, 1])).toEqual({ batch: 2, rows: 3, cols: 20 });
  });

  it('refuses the identity and perms that are not a rotation', () => {
    expect(transposePlan([2, 3], [0, 1])).toBeNull();
    expect(transposePlan([2, 3, 4], [1, 0, 2])).toBeNull();
    expect(transposePlan([2, 3, 4, 5], [3, 1, 2, 0])).toBeNull();
  });
});

describe('wasm Transpose override', () => {
  const shapes: [number[], number[]][] = [
    [
      [512, 128],
      [1, 0],
    ],
    [
      [13, 9],
      [1, 0],
    ], // rows not a multiple of the 8-row unroll
    [
      [7, 1],
      [1, 0],
    ],
    [
      [4, 11, 6],
      [0, 2, 1],
    ],
    [
      [3, 4, 5, 2],
      [0, 3, 1, 2],
    ],
    [
      [3, 4, 5],
      [2, 0, 1],
    ],
    [
      [2, 3, 4, 5],
      [3, 1, 2, 0],
    ], // not a rotation: the original kernel
  ];

  it('is registered on the wasm backend', () => {
    const kernel = tf.getKernel(tf.Transpose, 'wasm') as unknown as Record<symbol, unknown>;
    expect(kernel[Symbol.for('gan-studio.wasm-kernels')]).toBe(true);
  });

  it('matches the cpu backend exactly for float32, int32 and bool, and frees what it makes', async () => {
    for (const [shape, perm] of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      const floats = new Rng(size).fillNormal(new Float32Array(size));
      const ints = Int32Array.from(floats, (v) => Math.round(v * 100));
      const bools = Uint8Array.from(floats, (v) => (v > 0 ? 1 : 0));
      const { cpu, wasm } = await onBoth(() =>
        [tf.tensor(floats, shape), tf.tensor(ints, shape, 'int32'), tf.tensor(bools, shape, 'bool')].map(
          (x) => tf.transpose(x, perm),
        ),
      );
      expect(wasm, `[${shape}] perm [${perm}]`).toEqual(cpu);
    }
  });
});
