/**
 * All image metrics of ALGORITHMS.md §5 in one call, from one in-domain classifier: FID and KID
 * on its penultimate features, class coverage / class KL / the Inception-Score analogue on its
 * predictions, and k-NN precision / recall in its feature space. None of them is comparable
 * with numbers computed with Inception: metricLabels names them after the classifier.
 */
import type { ImageSet } from '../data/images/types';
import type { Classifier, ClassifierInfo } from './classifier';
import { classCoverage, labelHistogram } from './coverage';
import { frechetDistance, type GaussianFit, gaussianFit } from './fid';
import { kernelInceptionDistance } from './kid';
import { buildManifold, DEFAULT_K, type Manifold, precisionRecallOf } from './precision-recall';

export interface ImageMetrics {
  /** Fréchet distance of Gaussian fits to the classifier's features (lower is better). */
  fid: number;
  /** Unbiased polynomial-kernel MMD² on the same features, mean over subsets (lower is better; ≈ 0 can be negative). */
  kid: number;
  /** Standard deviation of KID over its subsets. */
  kidStd: number;
  /** Fraction of classes with at least minFraction of the generated samples. */
  classCoverage: number;
  coveredClasses: number;
  /** KL(predicted class histogram of generated || class histogram of the real data), nats. */
  classKl: number;
  /** exp(E KL(p(y|x) || p(y))) with the classifier's p(y|x); in [1, numClasses]. */
  inceptionScore: number;
  /** Fraction of generated images inside the real k-NN feature manifold. */
  precision: number;
  /** Fraction of real images inside the generated k-NN feature manifold. */
  recall: number;
  /** Fraction of generated images predicted as each class. */
  predictedHistogram: number[];
  realCount: number;
  generatedCount: number;
  /** Points per set used for precision / recall. */
  precisionRecallCount: number;
}

export interface ImageMetricsOptions {
  /** Seed of the KID subsets and the precision/recall subsamples (default 0). */
  seed?: number;
  /** KID subsets (default 10) and points per subset (default 1000). */
  kidSubsets?: number;
  kidSubsetSize?: number;
  /** Cap on points per set for precision / recall, whose cost is quadratic (default 2000). */
  precisionRecallPoints?: number;
  /** Nearest-neighbour rank of the precision / recall radii (default 3). */
  k?: number;
  /** Share of generated samples a class needs to count as covered (default 0.1 / numClasses). */
  minFraction?: number;
}

/**
 * What imageMetrics needs from the real held-out images, computed once: during a training run
 * the same reference serves every evaluation, so the real images pass through the classifier once.
 */
export interface RealReference {
  kind: 'real-reference';
  /** Description of the classifier it was computed with; imageMetrics refuses any other. */
  classifier: ClassifierInfo;
  count: number;
  features: Float32Array;
  fit: GaussianFit;
  /** Class histogram of the real images: their labels if given, otherwise the classifier's predictions. */
  classHistogram: number[];
  /** Cached real manifolds for precision / recall, by point count and k. */
  manifolds: Map<string, Manifold>;
}

export const DEFAULT_PRECISION_RECALL_POINTS = 2000;

/** Runs the real held-out images through the classifier once (see RealReference). */
export function prepareRealReference(classifier: Classifier, real: Float32Array | ImageSet): RealReference {
  const info = classifier.info;
  let images: Float32Array;
  let labels: Int32Array | undefined;
  if (real instanceof Float32Array) images = real;
  else {
    if (real.height !== info.height || real.width !== info.width || real.channels !== info.channels) {
      throw new Error(
        `real images are ${real.height}×${real.width}×${real.channels}, the classifier expects ${info.height}×${info.width}×${info.channels}`,
      );
    }
    images = real.images;
    labels = real.labels;
  }
  const { features, probabilities } = classifier.featuresAndProbabilities(images);
  const count = features.length / info.featureDim;
  const classHistogram =
    labels && labels.length === count
      ? labelHistogram(labels, info.numClasses)
      : classCoverage(probabilities, info.numClasses).predictedHistogram;
  return {
    kind: 'real-reference',
    classifier: info,
    count,
    features,
    fit: gaussianFit(features, info.featureDim),
    classHistogram,
    manifolds: new Map(),
  };
}

/**
 * Every image metric of `generated` ([N, H, W, C] in [-1, 1], the classifier's image size)
 * against real held-out images (raw, an ImageSet whose labels give the class histogram, or a
 * RealReference prepared earlier).
 */
export function imageMetrics(
  classifier: Classifier,
  realHeldOut: Float32Array | ImageSet | RealReference,
  generated: Float32Array,
  opts: ImageMetricsOptions = {},
): ImageMetrics {
  const info = classifier.info;
  const dim = info.featureDim;
  const ref = isReference(realHeldOut) ? realHeldOut : prepareRealReference(classifier, realHeldOut);
  // A retrained classifier has other features: its FID against this reference would be noise.
  if (ref.classifier !== info && JSON.stringify(ref.classifier) !== JSON.stringify(info)) {
    throw new Error('the real reference was prepared with another classifier; prepare it again');
  }
  for (let i = 0; i < generated.length; i++) {
    if (!Number.isFinite(generated[i]))
      throw new Error(`generated images contain a non-finite value at index ${i}`);
  }
  const { features, probabilities } = classifier.featuresAndProbabilities(generated);
  const generatedCount = features.length / dim;
  if (generatedCount < 2)
    throw new Error(`image metrics need at least 2 generated images, got ${generatedCount}`);
  const seed = opts.seed ?? 0;

  const fid = frechetDistance(ref.fit, gaussianFit(features, dim));
  const kid = kernelInceptionDistance(ref.features, features, dim, {
    subsets: opts.kidSubsets,
    subsetSize: opts.kidSubsetSize,
    seed,
  });
  const coverage = classCoverage(probabilities, info.numClasses, {
    reference: ref.classHistogram,
    minFraction: opts.minFraction,
  });
  // Equal sizes on both sides: k-NN radii depend on how many points there are.
  const k = opts.k ?? DEFAULT_K;
  const n = Math.min(
    ref.count,
    generatedCount,
    opts.precisionRecallPoints ?? DEFAULT_PRECISION_RECALL_POINTS,
  );
  const key = `${n}:${k}:${seed}`;
  let realManifold = ref.manifolds.get(key);
  if (!realManifold) {
    realManifold = buildManifold(ref.features, dim, { k, maxPoints: n, seed });
    ref.manifolds.set(key, realManifold);
  }
  const fakeManifold = buildManifold(features, dim, { k, maxPoints: n, seed: seed + 1 });
  const pr = precisionRecallOf(realManifold, fakeManifold);

  return {
    fid,
    kid: kid.kid,
    kidStd: kid.std,
    classCoverage: coverage.coverage,
    coveredClasses: coverage.coveredClasses,
    classKl: coverage.classKl,
    inceptionScore: coverage.inceptionScore,
    precision: pr.precision,
    recall: pr.recall,
    predictedHistogram: coverage.predictedHistogram,
    realCount: ref.count,
    generatedCount,
    precisionRecallCount: n,
  };
}

function isReference(x: Float32Array | ImageSet | RealReference): x is RealReference {
  return !(x instanceof Float32Array) && (x as RealReference).kind === 'real-reference';
}

export type ImageMetricKey =
  | 'fid'
  | 'kid'
  | 'classCoverage'
  | 'classKl'
  | 'inceptionScore'
  | 'precision'
  | 'recall'
  | 'predictedHistogram';

/** Which direction is better, for charts and summaries. */
export const IMAGE_METRIC_BETTER: Record<ImageMetricKey, 'lower' | 'higher' | null> = {
  fid: 'lower',
  kid: 'lower',
  classCoverage: 'higher',
  classKl: 'lower',
  inceptionScore: 'higher',
  precision: 'higher',
  recall: 'higher',
  predictedHistogram: null,
};

/** Display name of a dataset: 'mnist' → 'MNIST', 'folder:/a/b/faces' → 'faces'. */
export function datasetDisplayName(dataset: string): string {
  if (dataset === 'mnist') return 'MNIST';
  if (dataset === 'shapes') return 'Shapes';
  if (dataset.startsWith('folder:')) {
    const parts = dataset.slice('folder:'.length).split(/[\\/]/).filter(Boolean);
    return parts.length ? parts[parts.length - 1] : 'folder';
  }
  return dataset;
}

/**
 * Honest display names: these are measured with a small classifier trained on the dataset,
 * not Inception, so e.g. 'FID (MNIST classifier)' and never plain 'FID'.
 */
export function metricLabels(datasetName: string, k = DEFAULT_K): Record<ImageMetricKey, string> {
  const by = `${datasetDisplayName(datasetName)} classifier`;
  return {
    fid: `FID (${by})`,
    kid: `KID (${by})`,
    classCoverage: `Class coverage (${by})`,
    classKl: `Class KL to data (${by})`,
    inceptionScore: `IS analogue (${by})`,
    precision: `Precision (k=${k} NN, ${by} features)`,
    recall: `Recall (k=${k} NN, ${by} features)`,
    predictedHistogram: `Predicted classes (${by})`,
  };
}
