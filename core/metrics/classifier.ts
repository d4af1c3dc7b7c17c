/**
 * A small in-domain CNN classifier that stands in for Inception in the image metrics
 * (ALGORITHMS.md §5): there is no network access to download Inception, and an ImageNet network
 * would say little about 28×28 digits anyway. Its penultimate activations are the feature space
 * for FID / KID / precision-recall, its softmax the class predictions for coverage and the
 * Inception-Score analogue.
 *
 * Architecture (LeNet-like, cheap enough to train in about a minute on 2 CPU cores):
 *   conv 5×5 stride 2 → 32, ReLU → conv 5×5 stride 2 → 64, ReLU → dense 128, ReLU
 *   (the features) → dense numClasses (logits). No padding: 28×28 → 12×12 → 4×4.
 * Strided convolutions instead of conv + max-pool: on wasm the max-pool gradient is a naive
 * kernel, and this is ~2.5× faster per step for about the same accuracy.
 * Trained once per dataset with a seeded Rng (initial weights, batch order, augmentation
 * shifts), Adam on a cosine learning-rate schedule and softmax cross-entropy, so the same data
 * and seed give the same classifier (on the same backend).
 */

import type { ImageSet } from '../data/images/types';
import { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { denseInit, disposeParams, type Params, readParams } from '../models/params';
import { Adam } from '../train/adam';
import { decodeState, encodeState } from '../train/state-codec';
import { argmax } from './coverage';

export const CLASSIFIER_FEATURE_DIM = 128;
const CONV1 = 32;
const CONV2 = 64;
const KERNEL = 5;
const STRIDE = 2;
/** Images per forward pass at inference: bounds backend memory whatever N the caller passes. */
const INFERENCE_BATCH = 250;
const FORMAT = 'gan-studio-classifier';
const FORMAT_VERSION = 1;

export interface ClassifierInfo {
  /** ImageSet.name of the data it was trained on, e.g. 'mnist'. */
  dataset: string;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames: string[];
  /** Accuracy on the held-out (test) split after training, in [0, 1]. */
  accuracy: number;
  featureDim: number;
  /** How it was trained, so a stored classifier can be told apart from a retrained one. */
  seed: number;
  epochs: number;
  trainCount: number;
}

export interface ClassifierProgress {
  epoch: number;
  epochs: number;
  /** Steps done so far over the whole run, and the total. */
  step: number;
  steps: number;
  /** Mean cross-entropy of this step's batch. */
  loss: number;
}

export interface TrainClassifierOptions {
  seed: number;
  /** Passes over the training split (default 6). */
  epochs?: number;
  /** Images per step (default 32). */
  batch?: number;
  /** Adam's initial learning rate (default 1e-3), decayed to 0 over the run on a cosine. */
  lr?: number;
  /**
   * Each training image is translated by a random whole number of pixels in
   * [-shift, shift] on each axis (default 1). On the 8,000 MNIST training digits this
   * augmentation is worth about a point of test accuracy.
   */
  shift?: number;
  /** Called after every step; its loss is read back from the backend (a cheap scalar sync). */
  onProgress?: (p: ClassifierProgress) => void;
}

type Weights = Record<string, { shape: number[]; data: Float32Array }>;

interface SavedClassifier {
  format: string;
  version: number;
  info: ClassifierInfo;
  weights: Weights;
}

/** Spatial side after two 5×5 convolutions with stride 2 and no padding. */
function featureSide(side: number): number {
  const conv = (s: number) => (s >= KERNEL ? Math.floor((s - KERNEL) / STRIDE) + 1 : 0);
  return conv(conv(side));
}

function flatDim(height: number, width: number): number {
  return featureSide(height) * featureSide(width) * CONV2;
}

/** Forward pass to the features and the logits; x is [n, H, W, C] in [-1, 1]. */
function forward(
  w: Record<string, tf.Tensor>,
  x: tf.Tensor4D,
): { features: tf.Tensor2D; logits: tf.Tensor2D } {
  let h = tf.relu(
    tf.add(tf.conv2d(x, w['conv1.w'] as tf.Tensor4D, STRIDE, 'valid'), w['conv1.b']),
  ) as tf.Tensor4D;
  h = tf.relu(
    tf.add(tf.conv2d(h, w['conv2.w'] as tf.Tensor4D, STRIDE, 'valid'), w['conv2.b']),
  ) as tf.Tensor4D;
  const flat = tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
  const features = tf.relu(tf.add(tf.matMul(flat, w['fc.w'] as tf.Tensor2D), w['fc.b'])) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(features, w['out.w'] as tf.Tensor2D), w['out.b']) as tf.Tensor2D;
  return { features, logits };
}

function initWeights(rng: Rng, channels: number, flat: number, numClasses: number): Weights {
  // PyTorch's default init for conv and linear layers alike: U(±1/sqrt(fan_in)).
  const layer = (name: string, wShape: number[], fanIn: number, fanOut: number, out: Weights) => {
    const { w, b } = denseInit(rng, fanIn, fanOut);
    out[`${name}.w`] = { shape: wShape, data: w };
    out[`${name}.b`] = { shape: [fanOut], data: b };
  };
  const weights: Weights = {};
  layer('conv1', [KERNEL, KERNEL, channels, CONV1], KERNEL * KERNEL * channels, CONV1, weights);
  layer('conv2', [KERNEL, KERNEL, CONV1, CONV2], KERNEL * KERNEL * CONV1, CONV2, weights);
  layer('fc', [flat, CLASSIFIER_FEATURE_DIM], flat, CLASSIFIER_FEATURE_DIM, weights);
  layer('out', [CLASSIFIER_FEATURE_DIM, numClasses], CLASSIFIER_FEATURE_DIM, numClasses, weights);
  return weights;
}

function checkImageSet(set: ImageSet, what: string): Int32Array {
  if (!set.labels)
    throw new Error(`the ${what} set '${set.name}' has no class labels; a classifier needs them`);
  if (
    set.labels.length !== set.count ||
    set.images.length !== set.count * set.height * set.width * set.channels
  ) {
    throw new Error(`the ${what} set '${set.name}' has inconsistent sizes`);
  }
  return set.labels;
}

export class Classifier {
  readonly info: ClassifierInfo;
  private readonly weights: Record<string, tf.Tensor>;
  private disposed = false;

  /** Takes ownership of the weight tensors. Use trainClassifier or Classifier.deserialize. */
  private constructor(info: ClassifierInfo, weights: Record<string, tf.Tensor>) {
    this.info = Object.freeze({ ...info, classNames: [...info.classNames] });
    this.weights = weights;
  }

  /** @internal Builds a classifier from host weights (copied onto the active backend). */
  static fromWeights(info: ClassifierInfo, weights: Weights): Classifier {
    const positive = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
    if (
      !info ||
      ![info.height, info.width, info.channels, info.numClasses].every(positive) ||
      info.featureDim !== CLASSIFIER_FEATURE_DIM ||
      !Array.isArray(info.classNames) ||
      info.classNames.length !== info.numClasses
    ) {
      throw new Error('classifier description is malformed');
    }
    const expected = initWeights(
      new Rng(0),
      info.channels,
      flatDim(info.height, info.width),
      info.numClasses,
    );
    for (const [name, { shape }] of Object.entries(expected)) {
      const got = weights[name];
      if (
        !got ||
        got.shape.join('x') !== shape.join('x') ||
        got.data.length !== tf.util.sizeFromShape(shape)
      ) {
        throw new Error(`classifier weight ${name} is missing or has the wrong shape (expected [${shape}])`);
      }
    }
    const tensors: Record<string, tf.Tensor> = {};
    for (const name of Object.keys(expected))
      tensors[name] = tf.tensor(weights[name].data, weights[name].shape);
    return new Classifier(info, tensors);
  }

  /** Penultimate activations (after ReLU): Float32Array [N, featureDim]. */
  features(images: Float32Array): Float32Array {
    return this.evaluate(images, true, false).features;
  }

  /** Softmax class probabilities: Float32Array [N, numClasses]. */
  probabilities(images: Float32Array): Float32Array {
    return this.evaluate(images, false, true).probabilities;
  }

  /** Both outputs from one forward pass (what the image metrics need). */
  featuresAndProbabilities(images: Float32Array): { features: Float32Array; probabilities: Float32Array } {
    return this.evaluate(images, true, true);
  }

  /** Fraction of `set` whose predicted class equals its label. */
  accuracyOn(set: ImageSet): number {
    const labels = checkImageSet(set, 'evaluation');
    return accuracyOf(this.probabilities(set.images), labels, this.info.numClasses);
  }

  serialize(): Uint8Array {
    this.checkAlive();
    const weights: Weights = {};
    for (const [name, t] of Object.entries(this.weights))
      weights[name] = { shape: t.shape, data: t.dataSync() as Float32Array };
    const saved: SavedClassifier = { format: FORMAT, version: FORMAT_VERSION, info: this.info, weights };
    return encodeState(saved);
  }

  static deserialize(bytes: Uint8Array): Classifier {
    let saved: SavedClassifier;
    try {
      saved = decodeState<SavedClassifier>(bytes);
    } catch (err) {
      throw new Error(`not a saved classifier (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!saved || saved.format !== FORMAT) throw new Error('not a saved classifier');
    if (saved.version !== FORMAT_VERSION) {
      throw new Error(
        `saved classifier format ${saved.version} is not supported by this version of GAN Studio`,
      );
    }
    return Classifier.fromWeights(saved.info, saved.weights);
  }

  /** Frees the weights on the backend; the classifier cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of Object.values(this.weights)) t.dispose();
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('this classifier has been disposed');
  }

  private evaluate(
    images: Float32Array,
    wantFeatures: boolean,
    wantProbs: boolean,
  ): { features: Float32Array; probabilities: Float32Array } {
    this.checkAlive();
    return runInBatches(this.weights, this.info, images, wantFeatures, wantProbs);
  }
}

/** Inference over any number of images, INFERENCE_BATCH at a time, each batch in its own tidy. */
function runInBatches(
  weights: Record<string, tf.Tensor>,
  info: Pick<ClassifierInfo, 'height' | 'width' | 'channels' | 'numClasses' | 'featureDim'>,
  images: Float32Array,
  wantFeatures: boolean,
  wantProbs: boolean,
): { features: Float32Array; probabilities: Float32Array } {
  const { height, width, channels, numClasses, featureDim } = info;
  const per = height * width * channels;
  if (images.length % per !== 0) {
    throw new Error(
      `images have ${images.length} values, not a whole number of ${height}×${width}×${channels} images`,
    );
  }
  const n = images.length / per;
  const features = new Float32Array(wantFeatures ? n * featureDim : 0);
  const probabilities = new Float32Array(wantProbs ? n * numClasses : 0);
  for (let start = 0; start < n; start += INFERENCE_BATCH) {
    const b = Math.min(INFERENCE_BATCH, n - start);
    // Both heads come from the same pass; softmax over K logits costs nothing next to the convs.
    const { f, p } = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * per, (start + b) * per), [b, height, width, channels]);
      const out = forward(weights, x);
      return { f: out.features, p: tf.softmax(out.logits) };
    });
    if (wantFeatures) features.set(f.dataSync(), start * featureDim);
    if (wantProbs) probabilities.set(p.dataSync(), start * numClasses);
    f.dispose();
    p.dispose();
  }
  return { features, probabilities };
}

function accuracyOf(probabilities: Float32Array, labels: Int32Array, numClasses: number): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++)
    if (argmax(probabilities, i * numClasses, numClasses) === labels[i]) correct++;
  return labels.length > 0 ? correct / labels.length : 0;
}

/**
 * Trains a classifier on `train` and measures its accuracy on `test` (the held-out split).
 * Both sets need labels and the same image size. Runs on whatever tfjs backend is active.
 */
export function trainClassifier(
  train: ImageSet,
  test: ImageSet,
  opts: TrainClassifierOptions,
): { classifier: Classifier; accuracy: number } {
  const trainLabels = checkImageSet(train, 'training');
  checkImageSet(test, 'test');
  if (train.height !== test.height || train.width !== test.width || train.channels !== test.channels) {
    throw new Error(
      `train (${train.height}×${train.width}×${train.channels}) and test (${test.height}×${test.width}×${test.channels}) images differ in size`,
    );
  }
  const { height, width, channels } = train;
  if (featureSide(height) < 1 || featureSide(width) < 1) {
    throw new Error(`images of ${height}×${width} are too small for the classifier (at least 13×13)`);
  }
  const epochs = opts.epochs ?? 6;
  const batch = opts.batch ?? 32;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new Error(`epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(batch) || batch < 1)
    throw new Error(`batch must be a positive integer, got ${batch}`);
  if (train.count === 0) throw new Error('the training set is empty');
  let maxLabel = 0;
  for (const l of trainLabels) if (l > maxLabel) maxLabel = l;
  const numClasses = Math.max(train.classNames?.length ?? 0, maxLabel + 1);
  if (numClasses < 2) throw new Error('a classifier needs at least two classes');
  for (const l of [...trainLabels, ...(test.labels ?? [])]) {
    if (!Number.isInteger(l) || l < 0 || l >= numClasses) {
      throw new Error(`label ${l} is outside 0..${numClasses - 1}`);
    }
  }
  const classNames =
    train.classNames?.length === numClasses
      ? [...train.classNames]
      : [...Array(numClasses).keys()].map(String);

  const rng = new Rng(opts.seed);
  const init = initWeights(rng.fork(1), channels, flatDim(height, width), numClasses);
  const orderRng = rng.fork(2);
  const augRng = rng.fork(3);
  const params: Params = {};
  for (const [name, { shape, data }] of Object.entries(init)) {
    // tf.variable shares the initial tensor's data but does not free that tensor: tidy does.
    params[name] = tf.tidy(() => tf.variable(tf.tensor(data, shape), true, undefined, 'float32'));
  }
  const baseLr = opts.lr ?? 1e-3;
  // Adam reads settings.lr on every step, so decaying it here is a learning-rate schedule.
  const settings = { lr: baseLr, beta1: 0.9, beta2: 0.999 };
  const adam = new Adam(params, settings);
  const shiftMax = opts.shift ?? 1;
  if (!Number.isInteger(shiftMax) || shiftMax < 0)
    throw new Error(`shift must be a non-negative integer, got ${shiftMax}`);
  const per = height * width * channels;
  const stepsPerEpoch = Math.ceil(train.count / batch);
  const steps = epochs * stepsPerEpoch;
  const xBuf = new Float32Array(batch * per);
  const yBuf = new Int32Array(batch);
  let step = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = orderRng.permutation(train.count);
      for (let s = 0; s < stepsPerEpoch; s++) {
        const start = s * batch;
        const b = Math.min(batch, train.count - start);
        for (let i = 0; i < b; i++) {
          const idx = order[start + i];
          if (shiftMax > 0) {
            const dy = augRng.int(2 * shiftMax + 1) - shiftMax;
            const dx = augRng.int(2 * shiftMax + 1) - shiftMax;
            shiftInto(train.images, idx * per, xBuf, i * per, height, width, channels, dy, dx);
          } else xBuf.set(train.images.subarray(idx * per, (idx + 1) * per), i * per);
          yBuf[i] = trainLabels[idx];
        }
        settings.lr = baseLr * 0.5 * (1 + Math.cos((Math.PI * step) / steps));
        const loss = tf.tidy(() => {
          const x = tf.tensor4d(xBuf.subarray(0, b * per), [b, height, width, channels]);
          const y = tf.oneHot(tf.tensor1d(yBuf.subarray(0, b), 'int32'), numClasses);
          const { value, grads } = tf.variableGrads(() => {
            const { logits } = forward(params, x);
            return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1))) as tf.Scalar;
          });
          adam.apply(grads);
          return value;
        });
        step++;
        if (opts.onProgress)
          opts.onProgress({ epoch: epoch + 1, epochs, step, steps, loss: loss.dataSync()[0] });
        loss.dispose();
      }
    }
    const featureInfo = { height, width, channels, numClasses, featureDim: CLASSIFIER_FEATURE_DIM };
    const accuracy = accuracyOf(
      runInBatches(params, featureInfo, test.images, false, true).probabilities,
      test.labels as Int32Array,
      numClasses,
    );
    const info: ClassifierInfo = {
      dataset: train.name,
      ...featureInfo,
      classNames,
      accuracy,
      seed: opts.seed,
      epochs,
      trainCount: train.count,
    };
    const classifier = Classifier.fromWeights(info, readParams(params));
    return { classifier, accuracy };
  } finally {
    adam.dispose();
    disposeParams(params);
  }
}

/** Copies one image translated by (dy, dx) pixels; uncovered pixels are -1 (black, MNIST's background). */
function shiftInto(
  src: Float32Array,
  srcOff: number,
  dst: Float32Array,
  dstOff: number,
  height: number,
  width: number,
  channels: number,
  dy: number,
  dx: number,
): void {
  const row = width * channels;
  dst.fill(-1, dstOff, dstOff + height * row);
  const x0 = Math.max(0, dx);
  const x1 = Math.min(width, width + dx);
  if (x1 <= x0) return;
  for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
    const from = srcOff + (y - dy) * row + (x0 - dx) * channels;
    dst.set(src.subarray(from, from + (x1 - x0) * channels), dstOff + y * row + x0 * channels);
  }
}
