/**
 * Child process for wasm-threads.test.ts: starts the wasm backend with GAN_STUDIO_WASM_THREADS
 * threads, checks conv2d's gradients against the cpu backend, and prints one JSON line. It must
 * exit by itself (the pool's workers may not keep the process alive).
 */
import { initBackend } from '../../../core/engine/backend';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';

function seeded(seed: number, shape: number[]): tf.Tensor4D {
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  new Rng(seed).fillUniform(v, -1, 1);
  return tf.tensor4d(v, shape as [number, number, number, number]);
}

/** conv2d's output and both gradients, flattened, on the active backend. */
function convAndGrads(): number[] {
  return tf.tidy(() => {
    const x = seeded(1, [8, 14, 14, 16]);
    const w = seeded(2, [4, 4, 16, 32]);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, 2, 'same');
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      f(a as tf.Tensor4D, b as tf.Tensor4D)
        .square()
        .sum(),
    )([x, w]);
    return [...f(x, w).dataSync(), ...dx.dataSync(), ...dw.dataSync()];
  });
}

const backend = await initBackend('wasm');
const onWasm = convAndGrads();
await tf.setBackend('cpu');
const onCpu = convAndGrads();
let worst = 0;
for (let i = 0; i < onCpu.length; i++)
  worst = Math.max(worst, Math.abs(onCpu[i] - onWasm[i]) / (1 + Math.abs(onCpu[i])));
console.log(
  JSON.stringify({
    provider: backend.provider,
    skipped: backend.skipped,
    worst,
    checksum: onWasm.reduce((a, b) => a + b, 0),
  }),
);
