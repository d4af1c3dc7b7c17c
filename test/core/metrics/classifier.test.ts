import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, makeShapes } from '../../../core/data/images';
import type { ImageSet } from '../../../core/data/images/types';
import { initBackend } from '../../../core/engine/backend';
import * as tf from '../../../core/engine/tf';
import { Classifier, trainClassifier } from '../../../core/metrics/classifier';

/** The first n images of a set (MNIST splits interleave classes, so any prefix is balanced). */
function head(set: ImageSet, n: number): ImageSet {
  const per = set.height * set.width * set.channels;
  return { ...set, count: n, images: set.images.subarray(0, n * per), labels: set.labels?.subarray(0, n) };
}

describe('in-domain classifier', () => {
  let train: ImageSet;
  let test: ImageSet;
  beforeAll(async () => {
    await initBackend('wasm');
    train = head(loadMnist({ split: 'train' }), 320);
    test = head(loadMnist({ split: 'test' }), 200);
  });

  it('trains deterministically for a seed, reports progress, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const steps: number[] = [];
    const a = trainClassifier(train, test, { seed: 5, epochs: 1, onProgress: (p) => steps.push(p.step) });
    const b = trainClassifier(train, test, { seed: 5, epochs: 1 });
    const c = trainClassifier(train, test, { seed: 6, epochs: 1 });
    expect(steps).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(Buffer.from(a.classifier.serialize()).equals(Buffer.from(b.classifier.serialize()))).toBe(true);
    expect(Buffer.from(a.classifier.serialize()).equals(Buffer.from(c.classifier.serialize()))).toBe(false);
    expect(a.accuracy).toBe(a.classifier.info.accuracy);
    expect(a.accuracy).toBeGreaterThan(0.3); // 10 steps on 320 digits: well above chance
    expect(a.classifier.info).toMatchObject({
      dataset: 'mnist',
      height: 28,
      width: 28,
      channels: 1,
      numClasses: 10,
      featureDim: 128,
      seed: 5,
      epochs: 1,
      trainCount: 320,
    });
    for (const r of [a, b, c]) r.classifier.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('serializes to bytes and back with identical outputs; batches inference without changing it', () => {
    const { classifier } = trainClassifier(train, test, { seed: 1, epochs: 1 });
    const before = tf.memory().numTensors;
    const images = loadMnist({ split: 'test' }).images.subarray(0, 600 * 784); // > one inference batch
    const features = classifier.features(images);
    const probs = classifier.probabilities(images);
    expect(features.length).toBe(600 * 128);
    expect(probs.length).toBe(600 * 10);
    expect(features.every((v) => v >= 0 && Number.isFinite(v))).toBe(true); // post-ReLU
    for (let i = 0; i < 600; i++) {
      const s = probs.subarray(i * 10, (i + 1) * 10).reduce((x, y) => x + y, 0);
      expect(s).toBeCloseTo(1, 5);
    }
    // Per-image results do not depend on which batch an image lands in.
    const tail = classifier.features(images.subarray(590 * 784));
    for (let j = 0; j < tail.length; j++) expect(tail[j]).toBeCloseTo(features[590 * 128 + j], 4);
    const both = classifier.featuresAndProbabilities(images);
    expect(both.features).toEqual(features);
    expect(both.probabilities).toEqual(probs);
    expect(tf.memory().numTensors).toBe(before);

    const bytes = classifier.serialize();
    const copy = Classifier.deserialize(bytes);
    expect(copy.info).toEqual(classifier.info);
    expect(copy.features(images)).toEqual(features);
    expect(copy.probabilities(images)).toEqual(probs);
    copy.dispose();
    classifier.dispose();
    expect(() => classifier.features(images)).toThrow(/disposed/);
  });

  it('trains on other image sizes and channel counts (32×32 shapes)', () => {
    const shapes = makeShapes({ size: 32, count: 96, seed: 2 });
    const { classifier } = trainClassifier(shapes, head(shapes, 32), { seed: 1, epochs: 1 });
    expect(classifier.info).toMatchObject({
      dataset: 'shapes',
      height: 32,
      numClasses: 3,
      classNames: ['square', 'ellipse', 'heart'],
    });
    expect(classifier.probabilities(shapes.images.subarray(0, 5 * 1024)).length).toBe(15);
    classifier.dispose();
  });

  it('refuses unlabelled data, mismatched sizes, partial images and foreign bytes', () => {
    expect(() => trainClassifier({ ...train, labels: undefined }, test, { seed: 1 })).toThrow(
      /no class labels/,
    );
    const shapes = makeShapes({ size: 32, count: 4, seed: 1 });
    expect(() => trainClassifier(train, shapes, { seed: 1 })).toThrow(/differ in size/);
    const { classifier } = trainClassifier(head(train, 32), head(test, 10), { seed: 1, epochs: 1 });
    expect(() => classifier.features(new Float32Array(785))).toThrow(/whole number/);
    classifier.dispose();
    expect(() => Classifier.deserialize(new Uint8Array([1, 2, 3]))).toThrow(/not a saved classifier/);
  });
});
