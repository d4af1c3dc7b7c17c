/**
 * Adversarial losses on D's logits (ALGORITHMS.md §3). Each returns a scalar to minimise.
 * The WGAN-GP penalty needs D itself and lives with the R1 penalty in penalties.ts.
 */
import * as tf from '../engine/tf';

export const LOSSES = ['ns', 'hinge', 'lsgan', 'wgan-gp'] as const;
export type LossName = (typeof LOSSES)[number];

/** D's loss from its logits on real [N, 1] and fake [N, 1] inputs. */
export function discriminatorLoss(kind: LossName, real: tf.Tensor, fake: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    switch (kind) {
      case 'ns': // softplus(-D(real)) + softplus(D(fake))
        return tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake)));
      case 'hinge':
        return tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake))));
      case 'lsgan': // 0.5 E[(D(real) - 1)^2] + 0.5 E[D(fake)^2]
        return tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake))));
      case 'wgan-gp':
        return tf.sub(tf.mean(fake), tf.mean(real));
      default:
        throw new Error(`unknown loss '${kind satisfies never}'`);
    }
  }) as tf.Scalar;
}

/** G's loss from D's logits on fake inputs [N, 1]. */
export function generatorLoss(kind: LossName, fake: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    switch (kind) {
      case 'ns': // softplus(-D(fake)): the non-saturating form
        return tf.mean(tf.softplus(tf.neg(fake)));
      case 'hinge':
      case 'wgan-gp':
        return tf.neg(tf.mean(fake));
      case 'lsgan':
        return tf.mul(0.5, tf.mean(tf.square(tf.sub(fake, 1))));
      default:
        throw new Error(`unknown loss '${kind satisfies never}'`);
    }
  }) as tf.Scalar;
}
