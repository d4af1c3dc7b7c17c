import { expect } from 'vitest';
import * as tf from '../../../core/engine/tf';

export type Out = { shape: number[]; dtype: string; values: number[] };

/** fn on cpu then wasm (inside a tidy, checking each backend frees every buffer it made). */
export async function onBoth(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Out[]; wasm: Out[] }> {
  const run = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    const before = tf.backend().numDataIds();
    const outs = tf.tidy(() => {
      const r = fn();
      return (Array.isArray(r) ? r : [r]).map((o) => ({
        shape: o.shape.slice(),
        dtype: o.dtype as string,
        values: Array.from(o.dataSync() as ArrayLike<number>),
      }));
    });
    expect(tf.backend().numDataIds(), `${backend} buffers`).toBe(before);
    return outs;
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}
