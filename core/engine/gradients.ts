/**
 * Gradient overrides registered in tfjs's gradient registry.
 *
 * LeakyRelu: tfjs writes its gradient as where(x > 0, dy, alpha dy). `Greater` has no gradient
 * of its own, so any second-order gradient through D (R1, WGAN-GP) fails, and on wasm the
 * comparison against a broadcast scalar plus the select cost several times a plain multiply.
 * dy * step(x, alpha) (1 where x > 0, else alpha) is the same function, two fast kernels, and
 * differentiable again (step's gradient is zero).
 */
import * as tf from '@tensorflow/tfjs-core';

let registered = false;

export function registerGradientOverrides(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf.LeakyRelu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const alpha = (attrs as unknown as { alpha: number }).alpha;
      return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
    },
  });
}
