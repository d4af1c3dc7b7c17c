/**
 * Conditioning shared by the image models: class labels (one-hot into G, projection in D) and
 * InfoGAN codes (Chen et al. 2016): a categorical code (one-hot) and continuous codes in [-1, 1]
 * fed to G, which D's Q head must recover; maximising that mutual-information bound makes the
 * codes steer interpretable factors, hence usable as edit sliders.
 *
 * Code layout everywhere: [N, infoCategorical + infoContinuous], the one-hot categorical part
 * first, then the continuous values.
 */

import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';

export interface InfoCodes {
  /** [n, categorical + continuous], one-hot then continuous. */
  codes: Float32Array;
  /** The drawn category of each row (all 0 when there is no categorical code). [n] */
  categories: Int32Array;
}

/** Draws InfoGAN codes on the host: a uniform category and U(-1, 1) continuous codes. */
export function sampleInfoCodes(rng: Rng, n: number, categorical: number, continuous: number): InfoCodes {
  const dim = categorical + continuous;
  const codes = new Float32Array(n * dim);
  const categories = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (categorical > 0) {
      categories[i] = rng.int(categorical);
      codes[i * dim + categories[i]] = 1;
    }
    for (let j = 0; j < continuous; j++) codes[i * dim + categorical + j] = 2 * rng.uniform() - 1;
  }
  return { codes, categories };
}

export function assertLabels(
  labels: tf.Tensor1D | undefined,
  n: number,
  numClasses: number,
  who: string,
): void {
  tf.util.assert(
    labels !== undefined,
    () => `${who} is class-conditional (${numClasses} classes) and needs labels [${n}]`,
  );
  tf.util.assert(
    labels!.rank === 1 && labels!.shape[0] === n && labels!.dtype === 'int32',
    () => `${who} expects int32 labels of shape [${n}], got ${labels!.dtype} [${labels!.shape}]`,
  );
}

/**
 * Labels [N] int32 -> one-hot [N, K] float32. Multiplying this by a [K, D] table is the row lookup
 * tf.gather does, but ~25x faster on wasm (whose GatherV2 and its gradient are slow loops).
 */
export function oneHotLabels(labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(labels, numClasses), 'float32') as tf.Tensor2D;
}

export function assertCodes(codes: tf.Tensor2D | undefined, n: number, dim: number, who: string): void {
  tf.util.assert(
    codes !== undefined,
    () => `${who} has InfoGAN codes and needs codes [${n}, ${dim}] (one-hot categorical, then continuous)`,
  );
  tf.util.assert(
    codes!.rank === 2 && codes!.shape[0] === n && codes!.shape[1] === dim,
    () => `${who} expects codes of shape [${n}, ${dim}], got [${codes!.shape}]`,
  );
}

/**
 * InfoGAN's loss on Q's outputs for the codes G was given: cross-entropy of the categorical
 * logits [N, K] against the one-hot code, plus the Gaussian negative log-likelihood with unit
 * variance of the continuous codes (||qMean - c||^2 / 2 per sample, constants dropped); both
 * averaged over the batch. Minimised by G and Q together. Pass undefined for an absent part.
 */
export function infoLoss(
  qLogits: tf.Tensor2D | undefined,
  qMean: tf.Tensor2D | undefined,
  codes: tf.Tensor2D,
  weights: { categorical?: number; continuous?: number } = {},
): tf.Scalar {
  return tf.tidy(() => {
    const [n, dim] = codes.shape;
    const k = qLogits ? qLogits.shape[1] : 0;
    const c = qMean ? qMean.shape[1] : 0;
    tf.util.assert(
      k + c === dim && k + c > 0,
      () => `infoLoss: codes have ${dim} columns but Q gives ${k} categorical + ${c} continuous`,
    );
    let loss: tf.Scalar = tf.scalar(0);
    if (qLogits) {
      tf.util.assert(
        qLogits.shape[0] === n,
        () => `infoLoss: qLogits [${qLogits.shape}] vs codes [${codes.shape}]`,
      );
      const onehot = c ? tf.slice(codes, [0, 0], [n, k]) : codes;
      const ce = tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(qLogits)), 1)));
      loss = tf.add(loss, tf.mul(ce, weights.categorical ?? 1));
    }
    if (qMean) {
      tf.util.assert(
        qMean.shape[0] === n,
        () => `infoLoss: qMean [${qMean.shape}] vs codes [${codes.shape}]`,
      );
      const target = k ? tf.slice(codes, [0, k], [n, c]) : codes;
      const nll = tf.mul(tf.mean(tf.sum(tf.square(tf.sub(qMean, target)), 1)), 0.5);
      loss = tf.add(loss, tf.mul(nll, weights.continuous ?? 1));
    }
    return loss;
  });
}
