/**
 * Gradient penalties on D. Both differentiate D's output with respect to its input, and then
 * the penalty with respect to D's weights: a second-order gradient taken by nesting tf.grad.
 */
import * as tf from '../engine/tf';

/** Squared L2 norm of each sample's gradient: sums over every axis but the batch. [N] */
function perSampleSquaredNorm(g: tf.Tensor): tf.Tensor {
  return tf.sum(
    tf.square(g),
    Array.from({ length: g.rank - 1 }, (_, i) => i + 1),
  );
}

/** R1: gamma/2 * E ||grad_x D(x)||^2 on clean real inputs (Mescheder et al. 2018). */
export function r1Penalty<T extends tf.Tensor>(d: (x: T) => tf.Tensor, real: T, gamma: number): tf.Scalar {
  const gradX = tf.grad((x: tf.Tensor) => tf.sum(d(x as T)))(real);
  return tf.mul(gamma / 2, tf.mean(perSampleSquaredNorm(gradX))) as tf.Scalar;
}

/** WGAN-GP: lambda * E (||grad D(x_hat)|| - 1)^2 on random interpolates of real and fake. */
export function gradientPenalty<T extends tf.Tensor>(
  d: (x: T) => tf.Tensor,
  real: T,
  fake: T,
  mix: tf.Tensor, // [N, 1, ...] uniform in [0, 1], broadcast over each sample
  lambda: number,
): tf.Scalar {
  const interpolates = tf.add(tf.mul(mix, real), tf.mul(tf.sub(1, mix), fake)) as T;
  const gradX = tf.grad((x: tf.Tensor) => tf.sum(d(x as T)))(interpolates);
  const norm = tf.sqrt(tf.add(perSampleSquaredNorm(gradX), 1e-12));
  return tf.mul(lambda, tf.mean(tf.square(tf.sub(norm, 1)))) as tf.Scalar;
}
