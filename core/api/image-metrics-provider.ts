/**
 * Classifier-based image metrics for a run (ALGORITHMS.md §5): the dataset's small classifier
 * is trained once and kept in the store, real held-out images pass through it once per run,
 * and every evaluation compares the generated images with them in its features.
 */
import { loadMnist } from '../data/images/mnist';
import { makeShapes } from '../data/images/shapes';
import type { ImageSet } from '../data/images/types';
import { Classifier, trainClassifier } from '../metrics/classifier';
import { imageMetrics, prepareRealReference } from '../metrics/image-metrics';
import type { RunStore } from '../store';
import type { TrainConfig } from '../train/config';
import type { ImageMetricsProvider } from '../train/evaluation';

const CLASSIFIER_SEED = 1234;
const SHAPES_TRAIN = 8000;
const SHAPES_TEST = 2000;

/** The labelled train/test images a dataset's metric classifier learns from, or null if none. */
function labelledSplits(
  config: TrainConfig,
): { key: string; train: () => ImageSet; test: () => ImageSet } | null {
  const { name, size } = config.dataset;
  if (name === 'mnist') {
    const s = size as 28 | 32;
    return {
      key: `mnist:${s}`,
      train: () => loadMnist({ split: 'train', size: s }),
      test: () => loadMnist({ split: 'test', size: s }),
    };
  }
  if (name === 'shapes') {
    const s = size as 32 | 64;
    // Fixed seeds, independent of the run's: one classifier serves every shapes run.
    return {
      key: `shapes:${s}`,
      train: () => makeShapes({ size: s, count: SHAPES_TRAIN, seed: 9001 }),
      test: () => makeShapes({ size: s, count: SHAPES_TEST, seed: 9002 }),
    };
  }
  return null; // folders: labels are optional and the data is the user's; grids only for now
}

export interface MetricsProviderHandle extends ImageMetricsProvider {
  accuracy: number;
  dispose(): void;
}

/**
 * The provider for a config, training and storing its classifier first if the store has none.
 * Returns null when the dataset has no labels or image metrics are off.
 */
export function imageMetricsProvider(
  store: RunStore,
  config: TrainConfig,
  onStatus: (message: string) => void = () => {},
): MetricsProviderHandle | null {
  if (!config.imageMetrics) return null;
  const splits = labelledSplits(config);
  if (!splits) return null;
  let classifier: Classifier;
  const stored = store.loadClassifier(splits.key);
  const test = splits.test();
  if (stored) {
    classifier = Classifier.deserialize(stored.data);
  } else {
    onStatus(`training the ${splits.key} classifier for image metrics (once; it is kept in the database)`);
    const trained = trainClassifier(splits.train(), test, { seed: CLASSIFIER_SEED });
    classifier = trained.classifier;
    store.saveClassifier(splits.key, {
      accuracy: trained.accuracy,
      info: classifier.info as unknown as Record<string, unknown>,
      data: classifier.serialize(),
    });
    onStatus(`${splits.key} classifier: ${(trained.accuracy * 100).toFixed(1)}% held-out accuracy`);
  }
  const reference = prepareRealReference(classifier, test);
  return {
    accuracy: classifier.info.accuracy,
    bestMetric: { name: 'fid', higherIsBetter: false },
    measure(generated) {
      const m = imageMetrics(classifier, reference, generated, { seed: 0 });
      return {
        fid: m.fid,
        kid: m.kid,
        classCoverage: m.coveredClasses,
        classKl: m.classKl,
        inceptionScore: m.inceptionScore,
        precision: m.precision,
        recall: m.recall,
      };
    },
    dispose: () => classifier.dispose(),
  };
}
