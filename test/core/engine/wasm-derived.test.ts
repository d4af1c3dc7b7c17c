import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../core/engine/backend';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { derivedSourceCount } from '../../../core/engine/wasm-derived';

function values(seed: number, size: number): Float32Array {
  return new Rng(seed).fillUniform(new Float32Array(size), -1, 1);
}

const wasm = () => tf.backend() as unknown as BackendWasm;
const buffers = () => wasm().numDataIds();

/** conv2dTranspose of fixed input x [2, 4, 4, 6] with filter values f, on the given backend. */
async function convT(backend: 'cpu' | 'wasm', f: Float32Array, outC: number): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(values(1, 2 * 4 * 4 * 6), [2, 4, 4, 6]);
    const filter = tf.tensor4d(f, [4, 4, outC, 6]);
    return tf.conv2dTranspose(x, filter, [2, 8, 8, outC], 2, 'same').dataSync() as Float32Array;
  });
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(1e-4);
}

beforeAll(async () => {
  await initBackend('wasm'); // registers the overrides
});

describe('filters rearranged by Conv2DBackpropInput, cached per filter buffer', () => {
  // 3 output channels take the combined form, 8 the per-phase form: both cache their filters.
  for (const outC of [3, 8]) {
    it(`follow the weights: new values give new, correct results (${outC} channels)`, async () => {
      await tf.setBackend('wasm');
      const size = 4 * 4 * outC * 6;
      const [f1, f2] = [values(2, size), values(3, size)];
      const x = tf.tensor4d(values(1, 2 * 4 * 4 * 6), [2, 4, 4, 6]);
      const w = tf.tidy(() => tf.variable(tf.tensor4d(f1, [4, 4, outC, 6])));
      const run = () =>
        tf.tidy(() => tf.conv2dTranspose(x, w, [2, 8, 8, outC], 2, 'same').dataSync() as Float32Array);
      const first = run();
      const again = run(); // cache hit
      tf.tidy(() => w.assign(tf.tensor4d(f2, [4, 4, outC, 6]))); // a new buffer, as an optimizer step
      const second = run();
      x.dispose();
      w.dispose();

      const expected1 = await convT('cpu', f1, outC);
      const expected2 = await convT('cpu', f2, outC);
      expectClose(first, expected1);
      expectClose(again, expected1);
      expectClose(second, expected2);
      expect(Math.abs(second[0] - first[0]) + Math.abs(second[5] - first[5])).toBeGreaterThan(1e-6);
      // Two filters of the same shape in turn, each read from its own buffer.
      expectClose(await convT('wasm', f1, outC), expected1);
      expectClose(await convT('wasm', f2, outC), expected2);
    });
  }

  it('live exactly as long as the filter buffer: nothing is left after a tidy', async () => {
    await tf.setBackend('wasm');
    const before = buffers();
    const sourcesBefore = derivedSourceCount(wasm());
    const out = tf.tidy(() => {
      const x = tf.tensor4d(values(1, 2 * 4 * 4 * 6), [2, 4, 4, 6]);
      const filter = tf.tensor4d(values(4, 4 * 4 * 8 * 6), [4, 4, 8, 6]);
      const y = tf.conv2dTranspose(x, filter, [2, 8, 8, 8], 2, 'same');
      // Its gradient runs Conv2D and Conv2DBackpropFilter on the same buffers.
      const g = tf.grad((f: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2dTranspose(x, f as tf.Tensor4D, [2, 8, 8, 8], 2, 'same'))),
      )(filter);
      return tf.add(tf.sum(y), tf.sum(g));
    });
    out.dispose();
    expect(buffers()).toBe(before);
    expect(derivedSourceCount(wasm())).toBe(sourcesBefore);
  });

  it('are freed with a kept filter, and survive while it lives', async () => {
    await tf.setBackend('wasm');
    const before = buffers();
    const x = tf.tensor4d(values(1, 2 * 4 * 4 * 6), [2, 4, 4, 6]);
    const filter = tf.tensor4d(values(5, 4 * 4 * 8 * 6), [4, 4, 8, 6]);
    const run = () => tf.tidy(() => tf.conv2dTranspose(x, filter, [2, 8, 8, 8], 2, 'same').dataSync());
    run();
    const withCache = buffers();
    expect(withCache).toBeGreaterThan(before + 2); // x, filter and the 4 phase filters
    run();
    expect(buffers()).toBe(withCache); // reused, not rebuilt
    filter.dispose();
    x.dispose();
    expect(buffers()).toBe(before);
  });

  it('a training-like loop (weights reassigned every step) holds a bounded number of buffers', async () => {
    await tf.setBackend('wasm');
    const before = buffers();
    // Made in a tidy: tf.variable keeps its initial tensor (and that buffer) alive otherwise.
    const w = tf.tidy(() => tf.variable(tf.tensor4d(values(6, 4 * 4 * 8 * 6), [4, 4, 8, 6])));
    const x = tf.tensor4d(values(1, 2 * 4 * 4 * 6), [2, 4, 4, 6]);
    const counts: number[] = [];
    for (let step = 0; step < 5; step++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => tf.sum(tf.square(tf.conv2dTranspose(x, w, [2, 8, 8, 8], 2, 'same'))) as tf.Scalar,
          [w],
        );
        w.assign(tf.sub(w, tf.mul(grads[w.name], 0.01)));
      });
      counts.push(buffers());
    }
    expect(new Set(counts).size).toBe(1);
    w.dispose();
    x.dispose();
    expect(buffers()).toBe(before);
  });
});
