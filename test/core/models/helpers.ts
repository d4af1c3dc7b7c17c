import { initBackend } from '../../../core/engine/backend';
import * as tf from '../../../core/engine/tf';
import { embedSteps } from '../../../core/models/t-embedding';

/** The backend the models are tuned on. */
export async function useWasm(): Promise<void> {
  await initBackend('wasm');
}

/** Live tensors and backend buffers (kernel temporaries live below the engine's count). */
export function liveCounts(): [number, number] {
  return [tf.memory().numTensors, (tf.backend() as unknown as { numDataIds(): number }).numDataIds()];
}

export function embeddingOf(steps: number[], dim: number): tf.Tensor2D {
  return tf.tensor2d(embedSteps(Int32Array.from(steps), dim), [steps.length, dim]);
}

export function l2(t: tf.Tensor): number {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(t))).dataSync()[0]);
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
