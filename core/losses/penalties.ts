/**
 * Gradient penalties on D. Both differentiate D's output with respect to its input, and then
 * the penalty with respect to D's weights: a second-order gradient taken by nesting tf.grad.
 */
import * as tf from '../engine/tf';

/** R1: gamma/2 * E ||grad_x D(x)||^2 on clean real inputs (Mescheder et al. 2018). */
export function r1Penalty(d: (x: tf.Tensor2D) => tf.Tensor, real: tf.Tensor2D, gamma: number): tf.Scalar {
  const gradX = tf.grad((x: tf.Tensor) => tf.sum(d(x as tf.Tensor2D)))(real);
  return tf.mul(gamma / 2, tf.mean(tf.sum(tf.square(gradX), 1))) as tf.Scalar;
}

/** WGAN-GP: lambda * E (||grad D(x_hat)|| - 1)^2 on random interpolates of real and fake. */
export function gradientPenalty(
  d: (x: tf.Tensor2D) => tf.Tensor,
  real: tf.Tensor2D,
  fake: tf.Tensor2D,
  mix: tf.Tensor2D, // [N, 1] uniform in [0, 1]
  lambda: number,
): tf.Scalar {
  const interpolates = tf.add(tf.mul(mix, real), tf.mul(tf.sub(1, mix), fake)) as tf.Tensor2D;
  const gradX = tf.grad((x: tf.Tensor) => tf.sum(d(x as tf.Tensor2D)))(interpolates);
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(gradX), 1), 1e-12));
  return tf.mul(lambda, tf.mean(tf.square(tf.sub(norm, 1)))) as tf.Scalar;
}
