import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, makeShapes } from '../../../core/data/images';
import type { ImageSet } from '../../../core/data/images/types';
import { initBackend } from '../../../core/engine/backend';
import * as tf from '../../../core/engine/tf';
import { type Classifier, trainClassifier } from '../../../core/metrics/classifier';
import {
  datasetDisplayName,
  type ImageMetrics,
  imageMetrics,
  metricLabels,
  prepareRealReference,
  type RealReference,
} from '../../../core/metrics/image-metrics';

const PIXELS = 28 * 28;

function slice(set: ImageSet, from: number, to: number): ImageSet {
  return {
    ...set,
    count: to - from,
    images: set.images.subarray(from * PIXELS, to * PIXELS),
    labels: set.labels?.subarray(from, to),
  };
}

describe('image metrics with a quickly trained MNIST classifier', () => {
  let classifier: Classifier;
  let reference: RealReference;
  let real: ImageMetrics;
  let collapsed: ImageMetrics;
  let tensorsBefore: number;

  beforeAll(async () => {
    await initBackend('wasm');
    const train = loadMnist({ split: 'train' });
    const test = loadMnist({ split: 'test' });
    // 2,000 digits × 2 epochs keeps this to a few seconds (~93% accuracy; the full run reaches ~98%).
    classifier = trainClassifier(slice(train, 0, 2000), slice(test, 1000, 2000), {
      seed: 3,
      epochs: 2,
    }).classifier;
    tensorsBefore = tf.memory().numTensors;
    reference = prepareRealReference(classifier, slice(test, 0, 1000));
    // Real digits the classifier never saw in training.
    real = imageMetrics(classifier, reference, slice(train, 4000, 5000).images);
    // One digit repeated: total mode collapse.
    const one = new Float32Array(1000 * PIXELS);
    for (let i = 0; i < 1000; i++) one.set(train.images.subarray(0, PIXELS), i * PIXELS);
    collapsed = imageMetrics(classifier, reference, one);
  });

  afterAll(() => classifier?.dispose());

  it('the classifier is usefully accurate even from this short run', () => {
    expect(classifier.info.accuracy).toBeGreaterThan(0.85);
  });

  it('real held-out digits vs other real digits: low FID / KID, every class, high IS, precision and recall', () => {
    expect(real.fid).toBeLessThan(0.05 * collapsed.fid);
    expect(real.kid).toBeLessThan(0.05 * collapsed.kid);
    expect(real.classCoverage).toBe(1);
    expect(real.coveredClasses).toBe(10);
    expect(real.classKl).toBeLessThan(0.02);
    // IS rewards confident predictions: ~6 from this short run, ~9.2 from the full classifier.
    expect(real.inceptionScore).toBeGreaterThan(5);
    expect(real.precision).toBeGreaterThan(0.7);
    expect(real.recall).toBeGreaterThan(0.7);
    expect(real.predictedHistogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(real).toMatchObject({ realCount: 1000, generatedCount: 1000, precisionRecallCount: 1000 });
  });

  it('one digit repeated: coverage 1/10, IS = 1, recall ≈ 0, large FID', () => {
    expect(collapsed.classCoverage).toBeCloseTo(0.1, 12);
    expect(collapsed.coveredClasses).toBe(1);
    expect(collapsed.inceptionScore).toBeCloseTo(1, 6);
    expect(collapsed.recall).toBeLessThan(0.01);
    expect(collapsed.classKl).toBeGreaterThan(2); // ≈ log 10 = 2.30
    expect(collapsed.fid).toBeGreaterThan(10 * real.fid);
    expect(collapsed.predictedHistogram.filter((f) => f > 0)).toEqual([1]);
  });

  it('a raw ImageSet gives the same numbers as a prepared reference, and nothing leaks', () => {
    const test = loadMnist({ split: 'test' });
    const gen = loadMnist({ split: 'train' }).images.subarray(4000 * PIXELS, 4300 * PIXELS);
    const viaSet = imageMetrics(classifier, slice(test, 0, 1000), gen, { kidSubsetSize: 200 });
    const viaRef = imageMetrics(classifier, reference, gen, { kidSubsetSize: 200 });
    expect(viaSet).toEqual(viaRef);
    expect(viaSet.precisionRecallCount).toBe(300);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('refuses a reference from another classifier, images of the wrong size and non-finite values', () => {
    const other = trainClassifier(
      slice(loadMnist({ split: 'train' }), 0, 64),
      slice(loadMnist({ split: 'test' }), 0, 64),
      {
        seed: 9,
        epochs: 1,
      },
    ).classifier;
    const gen = loadMnist({ split: 'train' }).images.subarray(0, 10 * PIXELS);
    expect(() => imageMetrics(other, reference, gen)).toThrow(/another classifier/);
    other.dispose();
    const shapes = makeShapes({ size: 32, count: 4, seed: 1 });
    expect(() => prepareRealReference(classifier, shapes)).toThrow(/classifier expects 28×28×1/);
    const bad = new Float32Array(10 * PIXELS);
    bad[5] = Number.NaN;
    expect(() => imageMetrics(classifier, reference, bad)).toThrow(/non-finite/);
  });
});

describe('metric labels', () => {
  it('names every metric after the classifier, never as plain Inception metrics', () => {
    const labels = metricLabels('mnist');
    expect(labels.fid).toBe('FID (MNIST classifier)');
    expect(labels.kid).toBe('KID (MNIST classifier)');
    expect(labels.inceptionScore).toBe('IS analogue (MNIST classifier)');
    expect(labels.precision).toBe('Precision (k=3 NN, MNIST classifier features)');
    for (const label of Object.values(labels)) expect(label).toMatch(/MNIST classifier/);
    expect(datasetDisplayName('folder:/data/faces/')).toBe('faces');
    expect(metricLabels('shapes').classCoverage).toBe('Class coverage (Shapes classifier)');
  });
});
